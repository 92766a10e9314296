from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from tally.ingest.batches import collect
from tally.ingest.errors import BinaryFileError, EmptyFileError, HeaderMismatchError, OptionsError
from tally.ingest.xlsx_reader import cell_text, parse_xlsx, preflight_xlsx


def _workbook(
    rows: list[list[object]], *, title: str = "Umsätze", extra_sheet: bool = True
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notes").append(["nothing here"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROWS: list[list[object]] = [
    ["Kontoauszug Januar 2024"],
    [],
    ["Buchungsdatum", "Verwendungszweck", "Betrag", "Währung", "Notiz"],
    [date(2024, 1, 5), "Miete", -1200.5, "EUR", None],
    [datetime(2024, 1, 6), "Gehalt", 3000, "EUR", "@SUM(A1)"],
    [],
    ["31.01.2024", "Text-Datum", "1.234,56", "EUR", None],
    [date(2024, 1, 31), "Zinsen", 0.1 + 0.2, "EUR", None],
]


def test_preflight_skips_title_rows_and_maps_columns() -> None:
    result = preflight_xlsx(_workbook(ROWS))
    assert result.format == "xlsx" and result.sheets == ["Umsätze", "Notes"]
    assert result.options.sheet == "Umsätze" and result.options.format == "xlsx"
    assert result.header == ["Buchungsdatum", "Verwendungszweck", "Betrag", "Währung", "Notiz"]
    assert result.mapping == {
        "booking_date": "Buchungsdatum",
        "description": "Verwendungszweck",
        "amount": "Betrag",
        "currency": "Währung",
    }
    assert result.date_format == "%Y-%m-%d"
    assert result.rows[0] == ["2024-01-05", "Miete", "-1200.5", "EUR"]
    assert result.row_numbers == [1, 2, 4, 5]  # sheet rows below the header, blank ones counted
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (4, "Buchungsdatum", "invalid_date"),
        (4, "Betrag", "invalid_amount"),
    ]
    # '1.234,56' (text) next to -1200.5 (a number): the separators conflict, '.' wins.
    assert [w.code for w in result.warnings] == ["decimal_separator", "formula_like"]


def test_parse_uses_the_same_conversion() -> None:
    data = _workbook(ROWS)
    options = preflight_xlsx(data).options
    result = collect(parse_xlsx(data, options, batch_rows=2))
    assert result.records.column("row_number").to_pylist() == [1, 2, 5]
    assert result.records.column("booking_date").to_pylist() == [
        date(2024, 1, 5),
        date(2024, 1, 6),
        date(2024, 1, 31),
    ]
    # -1200.5, 3000 and 0.1 + 0.2 (a float 0.30000000000000004 shown as 0.3 by Excel).
    assert result.records.column("amount").to_pylist() == [-12_005_000, 30_000_000, 3_000]
    assert result.records.column("extra").to_pylist() == [None, '{"Notiz":"@SUM(A1)"}', None]
    assert [(e.row, e.code) for e in result.errors] == [(4, "invalid_date"), (4, "invalid_amount")]
    assert [s.row for s in result.skipped] == [4]


def test_excel_serial_dates() -> None:
    data = _workbook([["Date", "Amount"], [45000, 5], [45001, 6]], extra_sheet=False)
    result = preflight_xlsx(data, date_format="excel")
    parsed = collect(parse_xlsx(data, result.options))
    assert parsed.records.column("booking_date").to_pylist() == [
        date(2023, 3, 15),
        date(2023, 3, 16),
    ]


def test_chosen_sheet_and_header_check() -> None:
    data = _workbook(ROWS)
    with pytest.raises(OptionsError):
        preflight_xlsx(data, sheet="Missing")
    options = preflight_xlsx(data).options
    options.header = ["Date", "Amount"]
    with pytest.raises(HeaderMismatchError):
        list(parse_xlsx(data, options))


def test_bad_workbooks() -> None:
    with pytest.raises(BinaryFileError):
        preflight_xlsx(b"PK\x03\x04 not really a zip")
    with pytest.raises(EmptyFileError):
        preflight_xlsx(_workbook([], extra_sheet=False))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0.1 + 0.2, "0.3"),
        (1e-05, "0.00001"),
        (12.0, "12"),
        (True, "TRUE"),
        (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05"),
        (date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text
