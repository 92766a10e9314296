"""Property: random entries rendered as CAMT.053, OFX and MT940 parse back to the same records."""

import string
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tally.ingest.formats import parse_camt053, parse_mt940, parse_ofx

from .helpers import balance_checks, parse_bytes, rows
from .renderers import Entry, render_camt053, render_mt940, render_ofx

# SWIFT's character set minus what MT940 structures use as markers (? + : - { at line starts).
SWIFT_CHARS = string.ascii_letters + string.digits + "./"
# XML and SGML must escape these; the parsers must unescape them.
RICH_CHARS = SWIFT_CHARS + "&<>'\"-+:?()äöüßéÇ€中"


def words(alphabet: str, max_words: int, max_length: int) -> st.SearchStrategy[str]:
    word = st.text(alphabet=alphabet, min_size=1, max_size=12)
    return (
        st.lists(word, min_size=1, max_size=max_words)
        .map(" ".join)
        .filter(lambda text: len(text) <= max_length)
    )


def identifier(max_size: int) -> st.SearchStrategy[str]:
    # Words the formats reserve for "no reference" cannot round-trip as a reference.
    return st.text(
        alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=max_size
    ).filter(lambda text: text not in ("NOTPROVIDED", "NONREF", "NONE"))


@st.composite
def entries(draw: st.DrawFn, alphabet: str) -> Entry:
    value_date = draw(st.dates(date(2000, 1, 1), date(2068, 10, 1)))
    booking_date = value_date + timedelta(days=draw(st.integers(-60, 60)))
    return Entry(
        booking_date=booking_date,
        value_date=value_date,
        amount=draw(st.integers(-(10**11), 10**11)) * 100,  # whole cents, up to a billion
        reference=draw(st.none() | identifier(35)),
        description=draw(st.none() | words(alphabet, 20, 140)),
        counterparty=draw(st.none() | words(alphabet, 6, 54)),
        counterparty_account=draw(st.none() | identifier(34)),
        transaction_id=draw(identifier(16)),
    )


def expected(entry: Entry, currency: str) -> dict[str, Any]:
    return {
        "reference": entry.reference,
        "booking_date": entry.booking_date,
        "value_date": entry.value_date,
        "amount": entry.amount,
        "currency": currency,
        "description": entry.description,
        "counterparty": entry.counterparty,
        "counterparty_account": entry.counterparty_account,
        "transaction_id": entry.transaction_id,
    }


def comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in record.items() if key not in ("row_number", "extra")}
        for record in records
    ]


currencies = st.sampled_from(["EUR", "CHF", "USD", "GBP"])
openings = st.integers(-(10**12), 10**12).map(lambda cents: cents * 100)


@settings(max_examples=60, deadline=None)
@given(
    batch=st.lists(entries(SWIFT_CHARS), max_size=12),
    currency=currencies,
    opening=openings,
    batch_rows=st.integers(1, 5),
)
def test_same_entries_parse_identically_from_camt_ofx_and_mt940(
    batch: list[Entry], currency: str, opening: int, batch_rows: int
) -> None:
    want = [expected(entry, currency) for entry in batch]
    camt = parse_bytes(
        parse_camt053,
        render_camt053(batch, currency=currency, opening=opening, version="08"),
        batch_rows=batch_rows,
    )
    ofx = parse_bytes(parse_ofx, render_ofx(batch, currency=currency, xml=False))
    mt940 = parse_bytes(
        parse_mt940, render_mt940(batch, currency=currency, opening=opening), batch_rows=batch_rows
    )
    camt_rows = rows(camt, keep_hash=True)
    for parsed in (camt, ofx, mt940):
        got = rows(parsed, keep_hash=True)
        assert [row.pop("row_hash") for row in got] == [row["row_hash"] for row in camt_rows]
        assert comparable(got) == want
        assert [row["row_number"] for row in got] == list(range(1, len(batch) + 1))
    for parsed in (camt, mt940):
        [check] = balance_checks(parsed)
        assert check.balanced


@settings(max_examples=40, deadline=None)
@given(
    batch=st.lists(entries(RICH_CHARS), max_size=8),
    currency=currencies,
    opening=openings,
    version=st.sampled_from(["02", "04", "08", "13"]),
)
def test_camt053_round_trip_with_escaped_text(
    batch: list[Entry], currency: str, opening: int, version: str
) -> None:
    data = render_camt053(batch, currency=currency, opening=opening, version=version)
    parsed = parse_bytes(parse_camt053, data)
    assert comparable(rows(parsed)) == [expected(entry, currency) for entry in batch]
    [check] = balance_checks(parsed)
    assert check.balanced and check.entries_sum == sum(entry.amount for entry in batch)


@settings(max_examples=40, deadline=None)
@given(batch=st.lists(entries(RICH_CHARS), max_size=8), currency=currencies, xml=st.booleans())
def test_ofx_round_trip_with_escaped_text(batch: list[Entry], currency: str, xml: bool) -> None:
    parsed = parse_bytes(parse_ofx, render_ofx(batch, currency=currency, xml=xml))
    assert comparable(rows(parsed)) == [expected(entry, currency) for entry in batch]
