"""Real bank exports (read from the shared folder, never copied here) through preflight + parse."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tally.ingest.records import RECORD_SCHEMA
from tally.money import to_units

from .helpers import column, parse_bytes, preflight_and_parse

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "bank-samples"
if not SAMPLES.is_dir():  # CI checks the project out next to the shared folder too
    SAMPLES = Path("/work/shared/bank-samples")

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="bank samples folder not available")

CSV_FILES = (
    sorted(
        path.name
        for path in SAMPLES.glob("*")
        if path.suffix in (".csv", ".xls") and ".expected." not in path.name
    )
    if SAMPLES.is_dir()
    else []
)


def _read(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_csv_sample_goes_through(name: str) -> None:
    result, parsed = preflight_and_parse(_read(name))
    assert {"booking_date", "amount"} <= set(result.mapping) or {"debit", "credit"} & set(
        result.mapping
    )
    assert parsed.records.schema == RECORD_SCHEMA
    assert parsed.rows_read > 0
    assert parsed.records.num_rows > 0 or parsed.errors  # Swedbank's ragged rows need "pad"
    numbers = column(parsed, "row_number")
    errors = {error.row for error in parsed.errors}
    assert not set(numbers) & errors  # a row is either loaded or reported, never both
    assert numbers == sorted(set(numbers))


def _banana_expectation(name: str) -> Counter[tuple[date, int]]:
    """(date, income - expenses) pairs of a Banana Accounting test expectation table."""
    lines = (SAMPLES / f"{name}.expected.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Date & DateValue"))
    pairs: Counter[tuple[date, int]] = Counter()
    for line in lines[start + 1 :]:
        if not re.match(r"\d{4}-\d\d-\d\d ", line):
            break
        _, income, expenses = line.rstrip().removesuffix("\\\\").rsplit("&", 2)
        amount = Decimal(income.strip() or 0) - Decimal(expenses.strip() or 0)
        pairs[(date.fromisoformat(line[:10]), to_units(amount))] += 1
    return pairs


@pytest.mark.parametrize(
    ("name", "hints"),
    [
        ("BananaAccounting__Switzerland__csv_blkb_example_format3_20160629.csv", {}),
        ("BananaAccounting__Switzerland__csv_clerbank_example_format1_CHF_20251002.csv", {}),
        ("BananaAccounting__Switzerland__csv_postfinance_example_format6_20240215-DE.csv", {}),
        (
            "BananaAccounting__Switzerland__csv_postfinance_example_format2_CreditCard_20241118-FR.csv",
            {},
        ),
        # 509 transactions; its detail continuation rows have no date and are reported, not loaded.
        ("BananaAccounting__Switzerland__csv_example_format3_20130101.csv", {"ragged_rows": "pad"}),
    ],
)
def test_banana_expectations_match_dates_and_amounts(name: str, hints: dict[str, str]) -> None:
    _, parsed = preflight_and_parse(_read(name), **hints)
    got = Counter(zip(column(parsed, "booking_date"), column(parsed, "amount"), strict=True))
    assert got == _banana_expectation(name)


def _beancount_expectation(name: str) -> Counter[tuple[date, int]]:
    text = (SAMPLES / f"{name}.expected.beancount").read_text(encoding="utf-8")
    pairs: Counter[tuple[date, int]] = Counter()
    for day, amount in re.findall(r"^(\d{4}-\d\d-\d\d) \*.*\n\s+\S+\s+(-?[\d.]+) USD", text, re.M):
        pairs[(date.fromisoformat(day), to_units(amount))] += 1
    return pairs


@pytest.mark.parametrize(
    "name",
    [
        "beancount__beangulp__statement.csv",
        "redstreet__beancount_reds_importers__Main_Checking_Account_Transactions.csv",
    ],
)
def test_beancount_expectations_match_amounts(name: str) -> None:
    _, parsed = preflight_and_parse(_read(name))
    expected = _beancount_expectation(name)
    assert Counter(column(parsed, "amount")) == Counter(
        amount for (_, amount), count in expected.items() for _ in range(count)
    )
    if name.startswith("beancount"):
        got = Counter(zip(column(parsed, "booking_date"), column(parsed, "amount"), strict=True))
        assert got == expected


def test_ing_diba_latin1_soll_haben() -> None:
    result, parsed = preflight_and_parse(_read("nblock__ofxstatement-austrian__ing-diba.csv"))
    assert (result.encoding, result.delimiter, result.decimal_separator) == ("cp1252", ";", ",")
    assert result.mapping["debit"] == "Soll" and result.mapping["credit"] == "Haben"
    assert column(parsed, "amount") == [122_300, -345_600, 5_000_000, 203_000, -15_000_000, 100_000]
    assert column(parsed, "booking_date")[4] == date(2013, 8, 27)
    assert column(parsed, "description")[5] == "Prämie Foo"
    assert set(column(parsed, "currency")) == {"EUR"}


def test_knab_preamble_and_credit_debit_column() -> None:
    result, parsed = preflight_and_parse(
        _read("gpaulissen__ofxstatement-dutch__Knab_transactieoverzicht_ok.csv")
    )
    assert result.skip_rows == 1 and result.mapping["direction"] == "CreditDebet"
    assert parsed.records.num_rows == 28 and not parsed.errors
    first, second = parsed.records.slice(0, 2).to_pylist()
    assert (first["booking_date"], first["amount"], first["currency"]) == (
        date(2019, 6, 21),
        -8_277_500,
        "EUR",
    )
    assert first["counterparty"] == "Gert Janssen (FR)" and first["reference"] == "B9F21PGYA068V2KD"
    assert second["amount"] == 8_277_500


def test_ing_nl_af_bij_and_compact_dates() -> None:
    result, parsed = preflight_and_parse(_read("gpaulissen__ofxstatement-dutch__ing_ok.csv"))
    assert result.date_format == "%Y%m%d" and result.mapping["direction"] == "Af Bij"
    assert column(parsed, "amount")[:3] == [-12_500, 12_500, 0]
    assert column(parsed, "currency")[0] == "EUR"  # from the 'Bedrag (EUR)' header


def test_lloyds_debit_credit_split_and_trailing_comma_header() -> None:
    result, parsed = preflight_and_parse(
        _read("Metasaura__ofxstatement-lloyds__sample-statement.csv")
    )
    assert result.date_format == "%d/%m/%Y" and len(result.columns) == 8
    assert parsed.records.num_rows == 12 and not parsed.errors
    assert column(parsed, "amount")[0] == -89_900
    assert (date(2023, 12, 1), 20_000_000) in zip(
        column(parsed, "booking_date"), column(parsed, "amount"), strict=True
    )


def test_asn_without_header() -> None:
    name = (
        "gpaulissen__ofxstatement-dutch__transactie-historie_NL00ASNB9999999999_20220717204133.csv"
    )
    result, parsed = preflight_and_parse(_read(name))
    assert not result.has_header
    assert parsed.records.num_rows == 11
    assert column(parsed, "amount")[:2] == [2_237_700, -2_000_000]
    assert column(parsed, "booking_date")[0] == date(2022, 6, 17)


def test_ing_de_preamble_and_duplicate_header() -> None:
    result, parsed = preflight_and_parse(
        _read("fabolhak__ofxstatement-de-ing__test_with_saldo_1.csv")
    )
    assert result.header is not None and result.header[0] == "Buchung"
    assert not result.errors
    assert [(w.code, w.column) for w in result.warnings if w.code == "duplicate_header"] == [
        ("duplicate_header", "Währung")
    ]
    assert result.mapping["amount"] == "Betrag"
    assert parsed.records.num_rows == 9
    assert column(parsed, "amount")[:2] == [-55_000, 500_000]


def test_swedbank_csv_named_xls_is_padded_without_being_told() -> None:
    data = _read("bank2ynab__bank2ynab__test_swedebank_statement.xls")
    strict, strict_parse = preflight_and_parse(data, ragged_rows="error")
    assert {e.code for e in strict.errors} == {"column_count"}
    assert any(w.code == "ragged_rows" for w in strict.warnings)
    assert strict_parse.records.num_rows == 0
    padded, parsed = preflight_and_parse(data)
    assert padded.options.ragged_rows == "pad"
    assert padded.ok and parsed.records.num_rows == 17
    assert column(parsed, "amount")[:2] == [103_740_400, -153_100]  # K = credit, D = debit
    assert set(column(parsed, "currency")) == {"LTL"}


def test_pending_entries_are_skipped_not_guessed() -> None:
    result, parsed = preflight_and_parse(
        _read("bank2ynab__bank2ynab__MS_JANE_SMITH_01-12-2019_14-12-2019.csv")
    )
    assert result.ok and [w.row for w in result.warnings if w.code == "edge_rows"] == [1]
    assert not parsed.errors  # 'Pending' rows before the first booked entry: skipped, kept
    assert [(row.row, row.cells[0]) for row in parsed.skipped] == [
        (1, "Pending"),
        (2, "Pending"),
        (3, "Pending"),
    ]
    assert column(parsed, "amount")[0] == 11_832_300  # "£1,183.23"


def test_parsing_with_stored_options_checks_the_header() -> None:
    result, _ = preflight_and_parse(_read("nblock__ofxstatement-austrian__ing-diba.csv"))
    other = _read("gpaulissen__ofxstatement-dutch__Knab_transactieoverzicht_ok.csv")
    from tally.ingest.errors import HeaderMismatchError

    with pytest.raises(HeaderMismatchError):
        parse_bytes(other, result.options)
