"""Import profiles shipped with Tally for the documented exports of payment processors.

Each is code, not a row: listed with a project's own profiles and suggested by the same rule
(tally.profiles.service.match_score). ``signature`` holds the columns the export always has by
default (under the processor's documented names); every mapped column is one of them, so a file
that matches the signature can always be read with the mapping.

Amounts: Stripe's reports state money in major units with a sign (e.g. ``-3.20``), PayPal's
activity download too, with thousands separators (``1,234.56``); both are read as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BUILTIN_PREFIX = "builtin:"


@dataclass(frozen=True)
class BuiltinProfile:
    key: str
    name: str
    description: str
    signature: tuple[str, ...]
    options: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{BUILTIN_PREFIX}{self.key}"


BUILTIN_PROFILES: tuple[BuiltinProfile, ...] = (
    BuiltinProfile(
        key="stripe-balance-itemized",
        name="Stripe balance report (itemized)",
        description=(
            "Stripe's 'Balance change from activity' and 'Payout reconciliation' itemized reports: "
            "one row per balance transaction; the amount is the net change to the balance (gross "
            "and fee are kept as extra fields)."
        ),
        signature=(
            "balance_transaction_id",
            "created_utc",
            "available_on_utc",
            "currency",
            "gross",
            "fee",
            "net",
            "reporting_category",
            "source_id",
            "description",
        ),
        options={
            "mapping": {
                "transaction_id": "balance_transaction_id",
                "booking_date": "created_utc",
                "value_date": "available_on_utc",
                "amount": "net",
                "currency": "currency",
                "description": "description",
                "reference": "source_id",  # the charge, refund or payout it moved money for
            },
            "decimal_separator": ".",
        },
    ),
    BuiltinProfile(
        key="stripe-payouts-itemized",
        name="Stripe payouts report (itemized)",
        description=(
            "Stripe's 'Payouts' itemized report: one row per payout to your bank account; the amount "
            "is the payout's gross."
        ),
        signature=(
            "payout_id",
            "effective_at_utc",
            "currency",
            "gross",
            "fee",
            "net",
            "reporting_category",
            "description",
            "payout_expected_arrival_date",
            "payout_status",
        ),
        options={
            "mapping": {
                "transaction_id": "payout_id",
                "booking_date": "effective_at_utc",
                "value_date": "payout_expected_arrival_date",
                "amount": "gross",
                "currency": "currency",
                "description": "description",
                "reference": "payout_status",
            },
            "decimal_separator": ".",
        },
    ),
    BuiltinProfile(
        key="paypal-activity",
        name="PayPal activity download",
        description=(
            "PayPal's Activity download (CSV): one row per transaction; the amount is Gross (Fee and "
            "Net are kept as extra fields), the counterparty is Name."
        ),
        signature=(
            "Date",
            "Time",
            "TimeZone",
            "Name",
            "Type",
            "Status",
            "Currency",
            "Gross",
            "Fee",
            "Net",
            "Transaction ID",
        ),
        options={
            "mapping": {
                "transaction_id": "Transaction ID",
                "booking_date": "Date",
                "amount": "Gross",
                "currency": "Currency",
                "counterparty": "Name",
                "description": "Type",
            },
            # No decimal separator: PayPal writes amounts in the account's locale (1,234.56 or
            # 1.234,56), which preflight detects.
        },
    ),
)

BUILTIN_BY_ID = {profile.id: profile for profile in BUILTIN_PROFILES}
