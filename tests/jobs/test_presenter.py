"""Money as the API, the job page and the CLI show it: one presenter, the currency's own exponent,
the currency beside the amounts, never the stored integer units."""

from __future__ import annotations

from typing import Any

import pytest

from tally.jobs.schemas import JobSummary, present_summary
from tally.money import currency_exponent, format_amount, single_currency, to_units


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("1200", "JPY", "1200"),
        ("-1200", "jpy", "-1200"),
        ("12.5", "EUR", "12.50"),
        ("1.25", "BHD", "1.250"),
        ("0", "KWD", "0.000"),
        ("0.0125", "EUR", "0.0125"),  # more places than the currency's: never rounded away
        ("1234567.8", None, "1234567.80"),  # no currency named: two places
        ("7", "CLF", "7.0000"),
        ("100000000000000", "EUR", "100000000000000.00"),
    ],
)
def test_amounts_read_in_their_currencys_exponent(
    amount: str, currency: str | None, shown: str
) -> None:
    assert format_amount(to_units(amount), currency) == shown


def test_exponents_and_single_currency() -> None:
    assert [currency_exponent(c) for c in ("JPY", "EUR", "BHD", "XYZ", None)] == [0, 2, 3, 2, 2]
    assert single_currency(["EUR", None, "EUR", ""]) == "EUR"
    assert single_currency(["EUR", "USD"]) is None
    assert single_currency([None]) is None


STORED: dict[str, Any] = {
    "left": {
        "records": 3,
        "claimed": 2,
        "matched": 2,
        "unmatched": 1,
        "matched_amount": 12_000_000,  # integer units of 1/10,000
        "unmatched_amount": 5_000,
        "currency": "JPY",
    },
    "right": {
        "records": 2,
        "claimed": 2,
        "matched": 2,
        "unmatched": 0,
        "matched_amount": 12_345,
        "unmatched_amount": 0,
        "currency": "BHD",
    },
    "matches": {"matched:auto": 2},
    "decisions": [["reference", 0, "auto", "auto", 2]],
    "warnings": [{"code": "low_match_rate", "message": "Only 2 of 3", "action": "Check rules"}],
    "reviewed_at": "2026-12-07T09:30:00+00:00",
}


def test_one_presenter_turns_units_into_decimal_strings_with_their_currency() -> None:
    summary = present_summary(STORED)
    assert isinstance(summary, JobSummary)
    shown = summary.model_dump(mode="json")
    assert shown["left"] == {
        "records": 3,
        "claimed": 2,
        "matched": 2,
        "unmatched": 1,
        "currency": "JPY",
        "matched_amount": "1200",
        "unmatched_amount": "0.5",  # half a yen survives: the places the amount itself has
        "by_currency": None,  # one currency: no split
    }
    assert (shown["right"]["matched_amount"], shown["right"]["currency"]) == ("1.2345", "BHD")
    assert shown["decisions"] == [
        {"rule": "reference", "rule_index": 0, "origin": "auto", "status": "auto", "count": 2}
    ]
    assert shown["reviewed_at"] == "2026-12-07T09:30:00Z"
    assert present_summary(None) is None


def test_summaries_stored_before_currencies_were_kept_still_read() -> None:
    old = {"left": {"records": 1, "matched_amount": 1_000_000}, "right": {}}
    summary = present_summary(old)
    assert summary is not None
    assert (summary.left.matched_amount, summary.left.currency) == ("100.00", None)
    assert summary.right.records == 0
