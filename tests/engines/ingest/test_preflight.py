from __future__ import annotations

import gzip
import os

import pytest

from tally.ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    LineTooLongError,
    NoDataError,
)
from tally.ingest.preflight import preflight

SIMPLE = "Date,Amount,Description\n2024-01-31,12.50,Coffee\n2024-02-01,-3.00,Refund\n"


def test_simple_file() -> None:
    result = preflight(SIMPLE.encode(), complete=True)
    assert (result.encoding, result.delimiter, result.quotechar) == ("utf-8", ",", '"')
    assert result.has_header and result.columns == ["Date", "Amount", "Description"]
    assert result.mapping == {
        "booking_date": "Date",
        "amount": "Amount",
        "description": "Description",
    }
    assert (result.date_format, result.decimal_separator) == ("%Y-%m-%d", ".")
    assert result.rows == [["2024-01-31", "12.50", "Coffee"], ["2024-02-01", "-3.00", "Refund"]]
    assert result.row_numbers == [1, 2]
    assert result.ok and result.errors == [] and result.warnings == []
    assert result.options.header == ["Date", "Amount", "Description"]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("latin-1", "cp1252")],
)
def test_encodings(encoding: str, expected: str) -> None:
    text = "Buchungsdatum;Betrag;Verwendungszweck;Währung\n31.12.2023;-1.234,56;Prämie für Gärtner;EUR\n"
    result = preflight(text.encode(encoding), complete=True)
    assert result.encoding == expected
    assert result.columns[3] == "Währung"
    assert result.rows[0][2] == "Prämie für Gärtner"
    assert result.mapping == {
        "booking_date": "Buchungsdatum",
        "amount": "Betrag",
        "description": "Verwendungszweck",
        "currency": "Währung",
    }
    assert (result.delimiter, result.decimal_separator, result.date_format) == (
        ";",
        ",",
        "%d.%m.%Y",
    )
    assert result.ok


def test_utf16_with_bom() -> None:
    result = preflight(SIMPLE.encode("utf-16"), complete=True)
    assert result.encoding == "utf-16"
    assert result.rows[0] == ["2024-01-31", "12.50", "Coffee"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    text = SIMPLE.replace(",", delimiter)
    result = preflight(text.encode(), complete=True)
    assert result.delimiter == delimiter
    assert result.columns == ["Date", "Amount", "Description"]


def test_quoting_with_delimiters_quotes_and_newlines_inside() -> None:
    text = (
        'Date,Amount,Description\n2024-01-31,"1,234.50","Rent, flat ""A""\nsecond line"\n'
        "2024-02-01,5,Plain\n"
    )
    result = preflight(text.encode(), complete=True)
    assert result.rows[0] == ["2024-01-31", "1,234.50", 'Rent, flat "A"\nsecond line']
    assert result.row_numbers == [1, 2]
    assert result.ok


def test_partial_last_line_is_dropped_unless_complete() -> None:
    head = (SIMPLE + "2024-02-02,7.").encode()
    assert len(preflight(head).rows) == 2
    assert preflight(head, complete=True).rows[-1] == ["2024-02-02", "7."]


def test_preamble_title_and_key_values_are_skipped() -> None:
    text = (
        "Umsatzanzeige;Datei erstellt am: 28.12.2018 16:57\n\nIBAN;DE12 3456\nSaldo;150,00;EUR\n\n"
        "Buchung;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Betrag;Währung\n"
        "28.12.2018;28.12.2018;Karl;Miete;-5,50;EUR\n27.12.2018;27.12.2018;Anna;Lohn;1.500,00;EUR\n"
    )
    result = preflight(text.encode(), complete=True)
    assert result.skip_rows == 3  # three non-blank records before the header
    assert result.columns[0] == "Buchung"
    assert result.mapping["booking_date"] == "Buchung"
    assert result.mapping["value_date"] == "Valuta"
    assert result.mapping["counterparty"] == "Auftraggeber/Empfänger"
    assert result.row_numbers == [1, 2]


def test_no_header_maps_by_data() -> None:
    text = "17-06-2022,NL00ASNB,130.44,223.77,EUR\n25-06-2022,NL00ASNB,354.21,-200.00,EUR\n"
    result = preflight(text.encode(), complete=True)
    assert not result.has_header and result.header is None
    assert result.columns == ["column_1", "column_2", "column_3", "column_4", "column_5"]
    assert result.mapping["booking_date"] == "column_1"
    assert result.mapping["amount"] == "column_4"  # the signed column, not the balance
    assert result.date_format == "%d-%m-%Y"


def test_debit_credit_pair() -> None:
    text = (
        "Datum;Text;Soll;Haben\n31.12.2013;Zinsen;0,00;12,23\n27.08.2013;Auszahlung;1.500,00;0,00\n"
    )
    result = preflight(text.encode(), complete=True)
    assert result.mapping == {
        "booking_date": "Datum",
        "description": "Text",
        "debit": "Soll",
        "credit": "Haben",
    }
    assert result.ok


def test_direction_column_for_unsigned_amounts() -> None:
    text = '"Datum","Af Bij","Bedrag (EUR)"\n"20200213","Af","1,25"\n"20200213","Bij","2,00"\n'
    result = preflight(text.encode(), complete=True)
    assert result.mapping["direction"] == "Af Bij"
    assert result.options.default_currency == "EUR"
    assert [w.code for w in result.warnings] == ["currency_from_header"]


def test_ambiguous_dates_require_an_explicit_format() -> None:
    text = "Date,Amount\n01/02/2024,1\n03/04/2024,2\n"
    result = preflight(text.encode(), complete=True)
    assert result.date_format is None
    assert set(result.date_format_choices) == {"%d/%m/%Y", "%m/%d/%Y"}
    assert [w.code for w in result.warnings] == ["ambiguous_date_format"]
    chosen = preflight(text.encode(), complete=True, date_format="%d/%m/%Y")
    assert chosen.date_format == "%d/%m/%Y" and chosen.ok


def test_row_errors_carry_row_column_value_reason() -> None:
    text = "\n".join(
        [
            "Report for January",
            "Date,Amount,Note",
            "2024-01-01,1.00,ok",
            "",
            "2024-01-02,1.23456,too precise",
            "2024-02-30,2.00,no such day",
            "2024-01-04,abc,not a number",
            "2024-01-05,3.00",
            "",
        ]
    )
    result = preflight(text.encode(), complete=True, ragged_rows="error")
    errors = [(e.row, e.column, e.value, e.code) for e in result.errors]
    assert errors == [
        (2, "Amount", "1.23456", "amount_precision"),
        (3, "Date", "2024-02-30", "invalid_date"),
        (4, "Amount", "abc", "invalid_amount"),
        (5, None, None, "column_count"),
    ]
    assert "4 decimal places" in result.errors[0].reason


def test_duplicate_headers_are_warnings_with_unique_names_read() -> None:
    text = "Date;Amount;Currency;Balance;Currency\n31.12.2023;1,00;EUR;5,00;EUR\n"
    result = preflight(text.encode(), complete=True)
    assert result.columns == ["Date", "Amount", "Currency", "Balance", "Currency (2)"]
    assert result.ok
    assert [(w.column, w.code) for w in result.warnings if w.column == "Currency"] == [
        ("Currency", "duplicate_header")
    ]


def test_header_with_trailing_delimiter() -> None:
    text = "Date,Debit Amount,Credit Amount,\n15/01/2024,8.99,\n01/12/2023,,2000\n"
    result = preflight(text.encode(), complete=True)
    assert result.columns == ["Date", "Debit Amount", "Credit Amount"]
    assert result.ok


def test_formula_like_cells_are_flagged() -> None:
    text = 'Date,Amount,Description\n2024-01-01,-5.00,=HYPERLINK("x")\n2024-01-02,+5.00,@SUM(1)\n'
    result = preflight(text.encode(), complete=True)
    [warning] = result.warnings
    assert (warning.code, warning.column, warning.row) == ("formula_like", "Description", 1)
    assert result.rows[0][2] == '=HYPERLINK("x")'  # kept as text


def test_mapping_problems_are_reported() -> None:
    text = "When,How much\n2024-01-01,5\n"
    # The date column is unmapped on purpose ('' = not this field); detection would map it.
    unmapped = {"amount": "How much", "booking_date": ""}
    result = preflight(text.encode(), complete=True, mapping=unmapped)
    assert [(e.code, e.reason) for e in result.errors] == [
        ("mapping", "booking_date must be mapped to a column")
    ]


def test_gzip_head() -> None:
    data = gzip.compress(SIMPLE.encode())
    result = preflight(data[: len(data)])
    assert result.compression == "gzip"
    assert result.options.compression == "gzip"
    assert len(result.rows) == 2  # the whole gzip stream fitted: nothing was cut


def test_options_round_trip() -> None:
    result = preflight(SIMPLE.encode(), complete=True)
    from tally.ingest.options import ParseOptions

    assert ParseOptions.from_dict(result.options.to_dict()) == result.options


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyFileError),
        (b"\n\n  \n", EmptyFileError),
        (b",,,\n,,,\n", EmptyFileError),
        (b"Date,Amount,Description\n", NoDataError),
        (os.urandom(4096), BinaryFileError),
        (b"\x00\x01\x02binary\x00", BinaryFileError),
        (b"PK\x03\x04rest", BinaryFileError),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", BinaryFileError),
        (b"Datum;Betrag\n2024-01-01;1\n" + b"\x81\x8d\x90", EncodingError),
        (b"x" * 100_000, LineTooLongError),
    ],
)
def test_bad_input(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        preflight(data, complete=data.startswith(b"Date") or not data.startswith(b"x"))


def test_unknown_explicit_encoding() -> None:
    with pytest.raises(EncodingError):
        preflight(SIMPLE.encode(), complete=True, encoding="klingon")


def test_a_date_tie_is_read_from_the_order_of_the_rows() -> None:
    rows = "".join(f"{day:02d}/03/2024,{day}.50\n" for day in (1, 2, 3, 6, 7, 9, 10, 12))
    result = preflight(("Date,Amount\n" + rows).encode(), complete=True)
    assert result.date_format == "%d/%m/%Y" and result.ok
    assert "date_format_assumed" in [w.code for w in result.warnings]


def test_a_date_tie_in_a_decimal_comma_file_reads_day_first() -> None:
    text = "Datum;Betrag\n01/02/2024;1,50\n03/04/2024;2,00\n"
    result = preflight(text.encode(), complete=True)
    assert result.date_format == "%d/%m/%Y"
    assert "date_format_assumed" in [w.code for w in result.warnings]
