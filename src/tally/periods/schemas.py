"""What the statement and sign-off API reads and returns. Money is exact: Decimal strings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from tally.exceptions.schemas import MONEY_DIGITS, MONEY_PLACES
from tally.money import CurrencyCode, Money

Balance = Annotated[Decimal, Field(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)]


class BalancesNotUnderstood(ValueError):
    """A per-currency balance is not ``CUR:amount``."""


def parse_balances(values: list[str]) -> dict[str, Decimal]:
    """``["EUR:1200.50", "USD:-3.00"]`` as {currency: amount} (query strings and web forms)."""
    parsed: dict[str, Decimal] = {}
    for value in values:
        code, _, amount = value.partition(":")
        try:
            parsed[code.strip().upper()] = Decimal(amount.strip())
        except InvalidOperation as error:
            raise BalancesNotUnderstood(
                f"{value!r}: write a currency code, a colon and the amount (EUR:1200.50)"
            ) from error
    return parsed


class StatementInput(BaseModel):
    as_of_date: date = Field(description="The period's last day")
    statement_balance: Balance | None = Field(
        None,
        description="The bank statement's closing balance on that day, when the statement "
        "source holds none (overrides a stored one). Only for a reconciliation in one currency: "
        "with several, use statement_balances",
    )
    ledger_balance: Balance | None = Field(
        None,
        description="The ledger's balance on that day (default: the ledger source's records "
        "booked up to it). Only for a reconciliation in one currency: with several, use "
        "ledger_balances",
    )
    statement_balances: dict[CurrencyCode, Balance] = Field(
        default_factory=dict, description="Entered statement balances, per currency"
    )
    ledger_balances: dict[CurrencyCode, Balance] = Field(
        default_factory=dict, description="Entered ledger balances, per currency"
    )


class StatementLine(BaseModel):
    record_id: int
    reference: str | None
    booking_date: date | None
    description: str | None
    amount: Money
    currency: CurrencyCode | None
    exception_id: int | None
    exception_status: str | None
    resolution: str | None = Field(description="explained: expected to clear")
    expected_clear_date: date | None = None


class StatementSection(BaseModel):
    count: int
    amount: Money
    currency: CurrencyCode | None
    lines: list[StatementLine] = Field(description="Oldest first (at most 5,000 listed)")


class WriteOffLine(BaseModel):
    write_off_id: int
    exception_id: int
    record_id: int
    booking_date: date | None
    amount: Money
    currency: CurrencyCode | None
    reason: str
    account: str


class WriteOffSection(BaseModel):
    count: int
    amount: Money
    currency: CurrencyCode | None
    lines: list[WriteOffLine]


class CurrencyStatement(BaseModel):
    """One currency's part of the statement (currencies are never summed together).

    Adjusted statement balance = statement balance - open statement items + open ledger items;
    adjusted ledger balance = ledger balance + statement write-offs - ledger write-offs; the
    difference of the two is what nothing explains."""

    currency: CurrencyCode | None = Field(description="None: records that name no currency")
    statement_balance: Decimal | None = Field(description="None: neither stored nor entered")
    statement_balance_basis: str = Field(description="Where the statement balance came from")
    ledger_balance: Decimal
    ledger_balance_basis: str
    open_statement_items: StatementSection = Field(
        description="On the statement, not in the ledger"
    )
    open_ledger_items: StatementSection = Field(description="In the ledger, not on the statement")
    statement_write_offs: WriteOffSection
    ledger_write_offs: WriteOffSection
    adjusted_statement_balance: Decimal | None
    adjusted_ledger_balance: Decimal
    difference: Decimal | None = Field(description="Unexplained: zero to sign off")


class ReconciliationStatement(BaseModel):
    """The reconciliation statement as of a date: one section per currency the two sources'
    records carry. A period signs off when every currency's difference is zero."""

    reconciliation_id: int
    as_of_date: date
    statement_source: str
    ledger_source: str
    ledger_sign: Literal[1, -1] = Field(
        description="-1 when the rules compare the ledger with opposite signs: its amounts are "
        "negated here"
    )
    currencies: list[CurrencyStatement] = Field(
        description="One section per currency, by currency code (at least one)"
    )
    balanced: bool = Field(
        description="Every currency's statement balance is known and its difference is zero"
    )
    signed_off: SignoffRead | None = Field(
        None, description="The standing sign-off covering this date, if any"
    )


class SignoffCreate(StatementInput):
    pass


class SignoffReopen(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="Why (audited)")


class SignoffRead(BaseModel):
    id: int
    reconciliation_id: int
    as_of_date: date
    signed_by_id: int | None
    signed_by_email: str | None
    signed_at: datetime
    reopened_at: datetime | None
    reopened_by_id: int | None
    reopen_reason: str | None
    difference: Decimal = Field(description="Zero: a period is signed off only when it is")


class SignoffDetail(SignoffRead):
    statement: ReconciliationStatement = Field(description="The statement as it was signed")


ReconciliationStatement.model_rebuild()
