"""Real files load right with nothing given: one test per class of defect, and the whole corpus.

The corpus (``bench/firsttry/corpus``: exports reproducing documented quirks of real banks and
tools, each with its expected records) goes through the path an upload takes; for every file
preflight's verdict must equal the load's outcome, and a loaded file must hold its records.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tally.ingest.amounts import AmountFormatError, currency_of_symbols, parse_amount, parse_amounts
from tally.ingest.errors import OptionsError
from tally.ingest.formats import parse_mt940
from tally.ingest.mapping import merge_mapping
from tally.ingest.preflight import preflight
from tally.ingest.sniff import looks_whole
from tally.money import to_units
from tally.sources.reading import (
    HEAD_BYTES,
    UploadOptions,
    load_verdict,
    preview_file,
    read_file,
)

from .helpers import column, preflight_and_parse

CORPUS = Path(__file__).resolve().parents[3] / "bench" / "firsttry" / "corpus"
CORPUS_FILES = sorted(p.name for p in CORPUS.iterdir() if not p.name.endswith(".expected.json"))


def _spec(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(
        (CORPUS / f"{name}.expected.json").read_text(encoding="utf-8")
    )
    return spec


def _expected(name: str) -> Counter[tuple[date, int, str | None]]:
    spec = _spec(name)
    return Counter(
        (date.fromisoformat(day), to_units(Decimal(amount)), currency)
        for day, amount, currency in spec["records"]
    )


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_loads_with_nothing_given_as_preflight_said(name: str) -> None:
    path = CORPUS / name
    head = path.read_bytes()[:HEAD_BYTES]
    preview = preview_file(head, complete=True, options=UploadOptions(), path=path)
    answer = _spec(name).get("ask")
    if answer is not None:  # nothing in the file settles it: preflight asks, the answer loads
        assert [error.code for error in preview.errors] == ["options"], preview.errors
        preview = preview_file(
            head, complete=True, options=UploadOptions(mapping=answer), path=path
        )
    records, problem = load_verdict(read_file(path, preview.plan, batch_rows=10_000))
    assert preview.ok == (problem is None), (preview.errors, problem)
    assert preview.ok, preview.errors
    got = Counter((r["booking_date"], r["amount"], r["currency"]) for r in records)
    expected = _expected(name)
    if all(currency is None for _, _, currency in expected):
        got = Counter((day, amount, None) for day, amount, _ in got.elements())
    assert got == expected


# -- 1. empty columns never win; values decide, names break ties ---------------------------------


def test_an_empty_date_column_loses_to_a_filled_one_whatever_the_names() -> None:
    data = (
        b"id,created,amount,currency,dispute_date\n"
        b"ch_1,2024-03-01 10:12:44,49.00,usd,\n"
        b"ch_2,2024-03-13 09:30:00,15.00,usd,\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.mapping["booking_date"] == "created"
    assert column(parsed, "booking_date") == [date(2024, 3, 1), date(2024, 3, 13)]
    assert column(parsed, "currency") == ["USD", "USD"]


def test_an_empty_amount_column_loses_to_a_debit_credit_pair() -> None:
    data = (
        b"Transaction Date,Description,Credit Amount,Debit Amount,Transfer Amount\n"
        b"2024-03-14,In,1500.00,,\n"
        b"2024-03-15,Out,,1200.00,\n"
    )
    result, parsed = preflight_and_parse(data)
    assert "amount" not in result.mapping
    assert (result.mapping["credit"], result.mapping["debit"]) == ("Credit Amount", "Debit Amount")
    assert column(parsed, "amount") == [15_000_000, -12_000_000]


def test_names_break_ties_between_equally_full_columns() -> None:
    data = b"Value date,Booking date,Amount\n2024-01-02,2024-01-01,1\n2024-01-03,2024-01-02,2\n"
    result, _ = preflight_and_parse(data)
    assert (result.mapping["booking_date"], result.mapping["value_date"]) == (
        "Booking date",
        "Value date",
    )


# -- 2. a sign column holds indicators on nearly every row, and is named like one -------------


def test_card_funding_is_not_a_sign_column() -> None:
    data = (
        b"created,amount,card_funding\n"
        b"2024-03-01,49.00,credit\n2024-03-02,20.00,debit\n2024-03-03,5.00,credit\n"
    )
    result, parsed = preflight_and_parse(data)
    assert "direction" not in result.mapping
    assert column(parsed, "amount") == [490_000, 200_000, 50_000]


def test_a_sign_column_needs_indicators_on_nearly_every_row() -> None:
    rows = "".join(f"2024-03-{day:02d},{day}.00,{'D' if day < 5 else 'x'}\n" for day in range(1, 9))
    result, _ = preflight_and_parse(f"Date,Amount,Flag\n{rows}".encode())
    assert "direction" not in result.mapping
    signed = "".join(
        f"2024-03-{day:02d},{day}.00,{'D' if day % 2 else 'C'}\n" for day in range(1, 9)
    )
    result, parsed = preflight_and_parse(f"Date,Amount,Flag\n{signed}".encode())
    assert result.mapping["direction"] == "Flag"
    assert column(parsed, "amount")[:2] == [-10_000, 20_000]


# -- 3. the only date column is the booking date --------------------------------------------


def test_the_only_date_column_becomes_the_booking_date() -> None:
    data = "Date de valeur;Libellé;Montant\n02.01.2024;Migros;-45.30\n05.01.2024;Salaire;5'200.00\n"
    result, parsed = preflight_and_parse(data.encode("cp1252"))
    assert result.mapping["booking_date"] == "Date de valeur" and "value_date" not in result.mapping
    assert column(parsed, "amount") == [-453_000, 52_000_000]


# -- 4. a header is never read as data -------------------------------------------------------


def test_a_row_naming_known_fields_is_a_header_even_above_sparse_rows() -> None:
    data = "Buchungstag;Betrag;Verwendungszweck\n;;Übertrag\n".encode("cp1252")
    result = preflight(data, complete=True)
    assert result.header == ["Buchungstag", "Betrag", "Verwendungszweck"]


def test_gls_export_without_final_newline_keeps_its_header() -> None:
    data = (CORPUS / "gls_bank_umsaetze.csv").read_bytes()
    assert not data.endswith(b"\n")
    result, parsed = preflight_and_parse(data)
    assert result.header is not None and result.header[4] == "Buchungstag"
    assert parsed.records.num_rows == 2 and not parsed.errors


# -- 5. amount cleaning ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "separator", "units"),
    [
        ("\u200f\u062f.\u0627.\u200f 12.500", ".", 125_000),  # RTL marks around the dinar
        ("\u200e-\u20aa123.40", ".", -1_234_000),  # LTR mark, shekel sign
        ("1\u202f200,00\u00a0€", ",", 12_000_000),  # NNBSP thousands, NBSP before the symbol
        ("+ $73.01", ".", 730_100),
        ("45.60 DR", ".", -456_000),
        ("1200.00 CR", ".", 12_000_000),
        ("12,50 Cr", ",", 125_000),
        ("CHF 1'234.50", ".", 12_345_000),
        ("1'234.50 CHF", ".", 12_345_000),
        ("A$12.00", ".", 120_000),
        ("-5 Kč", ",", -50_000),
    ],
)
def test_amount_cleaning(text: str, separator: str, units: int) -> None:
    assert parse_amount(text, separator) == units
    assert parse_amounts(pa.array([text]), separator).to_pylist() == [units]


def test_an_amount_error_names_the_character_in_the_way() -> None:
    with pytest.raises(AmountFormatError) as info:
        parse_amount("12.50\u2063", ".")  # an invisible separator no exporter should write
    assert "U+2063" in info.value.reason
    with pytest.raises(AmountFormatError) as info:
        parse_amount("1.234,56", ".")
    assert "decimal separator" in info.value.reason


def test_currency_from_the_symbol_when_no_column_holds_it() -> None:
    assert currency_of_symbols(["$12.00", "$3.10"]) == "USD"
    assert currency_of_symbols(["\u200f\u062f.\u0627.\u200f 1.000"]) == "JOD"
    assert currency_of_symbols(["£1.00", "€2.00"]) is None
    data = b'Date,Payee,Outflow,Inflow\n01/02/2024,A,$54.20,$0.00\n01/15/2024,B,$0.00,"$2,450.00"\n'
    result, parsed = preflight_and_parse(data)
    assert result.options.default_currency == "USD"
    assert column(parsed, "amount") == [-542_000, 24_500_000]


# -- 6. preflight's ok is a promise ---------------------------------------------------------


def test_an_undecided_date_format_is_an_error_not_an_ok() -> None:
    data = b"Date,Amount\n01/02/2024,1.00\n03/04/2024,2.00\n"
    result = preflight(data, complete=True)
    assert not result.ok
    assert any("date_format" in error.reason for error in result.errors)
    assert preflight(data, complete=True, date_format="%d/%m/%Y").ok


def test_preamble_and_footer_rows_are_skipped_in_preflight_and_load_alike() -> None:
    data = (
        b"Date,Description,Amount\n"
        b"Pending,Card,-1.00\n"
        b"2024-03-01,A,-2.00\n2024-03-02,B,3.00\n2024-03-03,C,4.00\n2024-03-04,D,5.00\n"
        b"Total,,0.00\n***END OF FILE***\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.ok and any(w.code == "edge_rows" for w in result.warnings)
    assert column(parsed, "amount") == [-20_000, 30_000, 40_000, 50_000]
    assert not parsed.errors and [row.row for row in parsed.skipped] == [1, 6, 7]


def test_a_failing_row_with_a_date_is_never_skipped_as_a_footer() -> None:
    data = b"Date,Amount\n2024-03-01,1.00\n2024-03-02,abc\n"
    result, parsed = preflight_and_parse(data)
    assert not result.ok
    assert [error.row for error in parsed.errors] == [2]


def test_an_empty_required_column_is_named_as_the_cause() -> None:
    data = b"Date,Amount,Total\n2024-03-01,,1.00\n2024-03-02,,2.00\n"
    result = preflight(data, complete=True, mapping={"amount": "Amount"})
    assert [(e.column, e.code) for e in result.errors] == [("Amount", "mapping")]
    assert "empty in all 2 sampled rows" in result.errors[0].reason


# -- 7. statement formats -------------------------------------------------------------------


def test_mt940_with_a_bank_preamble_loads_as_it_is() -> None:
    with (CORPUS / "mt940_abnamro_preamble.sta").open("rb") as stream:
        batches = list(parse_mt940(stream))
    assert [batch.records.num_rows for batch in batches] == [1, 1]


def test_camt_balances_in_other_currencies_are_not_checked() -> None:
    path = CORPUS / "camt053_foreign_balances_only.xml"
    preview = preview_file(path.read_bytes(), complete=True, options=UploadOptions(), path=path)
    assert preview.ok
    [statement] = preview.statements
    assert statement["balance"]["status"] == "unverifiable"
    assert preview.unchecked and "cannot be checked" in preview.unchecked[0]
    assert any("not in the statement's currency EUR" in note for note in preview.notes)


def test_options_a_format_ignores_are_refused() -> None:
    path = CORPUS / "mt940_abnamro_preamble.sta"
    with pytest.raises(OptionsError, match="skip_rows"):
        preview_file(
            path.read_bytes(), complete=True, options=UploadOptions(skip_rows=3), path=path
        )


# -- 8. a partial mapping merges with detection ---------------------------------------------


def test_a_partial_mapping_completes_the_detected_one() -> None:
    proposed = {"booking_date": "Date", "amount": "Amount", "description": "Text"}
    assert merge_mapping({"description": "Memo"}, proposed) == {
        "booking_date": "Date",
        "amount": "Amount",
        "description": "Memo",
    }
    assert merge_mapping({"debit": "Out", "credit": "In"}, proposed) == {
        "booking_date": "Date",
        "description": "Text",
        "debit": "Out",
        "credit": "In",
    }
    assert "description" not in merge_mapping({"description": ""}, proposed)
    data = b"Date,Amount,Text,Memo\n2024-03-01,1.00,a,b\n"
    result, parsed = preflight_and_parse(data, mapping={"description": "Memo"})
    assert result.mapping["amount"] == "Amount" and result.mapping["description"] == "Memo"
    assert column(parsed, "description") == ["b"]


# -- 9. a head sent without saying whether it is whole ------------------------------------


def test_a_last_line_without_final_newline_is_kept_when_whole() -> None:
    assert looks_whole(b"Date,Amount\n2024-01-01,1\n2024-01-02,2", 1 << 20)
    assert not looks_whole(b"Date,Amount,Text\n2024-01-01,1,a\n2024-01-02,2", 1 << 20)
    assert not looks_whole(b"x" * 100, 50)


def test_continuation_rows_without_date_and_amount_are_notes_not_errors() -> None:
    data = (
        "Booked At;Text;Credit/Debit Amount;Balance;Valuta Date;;;;;\n"
        "03.01.13;Gutschrift;195;6080.25;03.01.13;;;;;\n"
        ";Hauptstrasse 76a CHF 195.00;;;;;;;;\n"
        "03.01.13;Sammelauftrag;-465;5615.25;03.01.13;;;;;\n"
        ";Weber Reinhard CHF 465.00;;;;;;;;Privat\n"
        "04.01.13;Sammelauftrag;-445.05;5170.2;04.01.13\n"
    ).encode("cp1252")
    result, parsed = preflight_and_parse(data)
    assert result.ok and len(result.columns) == 10  # the unnamed column holding 'Privat' too
    assert column(parsed, "amount") == [1_950_000, -4_650_000, -4_450_500]
    assert not parsed.errors and [row.row for row in parsed.skipped] == [2, 4]
    assert "continuation" in parsed.skipped[0].reasons[0]
