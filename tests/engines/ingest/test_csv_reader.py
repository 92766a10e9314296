from __future__ import annotations

import codecs
import gzip
import io
import json
from datetime import date

import pyarrow as pa
import pytest

from tally.ingest.batches import skipped_rows_csv
from tally.ingest.csv_reader import parse_csv
from tally.ingest.errors import (
    AmountPrecisionError,
    ColumnCountError,
    DuplicateHeaderError,
    EmptyFileError,
    EncodingError,
    HeaderMismatchError,
    IngestError,
    InvalidDateError,
    LineTooLongError,
    MappingError,
    NoDataError,
    OptionsError,
    raise_for_errors,
)
from tally.ingest.identity import content_hashes
from tally.ingest.options import ParseOptions
from tally.ingest.records import RECORD_SCHEMA

from .helpers import column, parse_bytes, preflight_and_parse

BASIC = ParseOptions(
    mapping={"booking_date": "Date", "amount": "Amount", "description": "Description"},
    date_format="%Y-%m-%d",
)


def test_records_have_exactly_the_record_schema() -> None:
    data = b"Date,Amount,Description,Balance\n2024-01-31,12.50,Coffee,100\n"
    result = parse_bytes(data, BASIC)
    assert result.records.schema == RECORD_SCHEMA
    [row] = result.records.to_pylist()
    assert row == {
        "row_number": 1,
        "reference": None,
        "booking_date": date(2024, 1, 31),
        "value_date": None,
        "amount": 125_000,
        "currency": None,
        "description": "Coffee",
        "counterparty": None,
        "counterparty_account": None,
        "transaction_id": None,
        "row_hash": row["row_hash"],
        "extra": '{"Balance":"100"}',
    }
    expected_hash = content_hashes(
        [
            pa.array([date(2024, 1, 31)]),
            pa.array([125_000]),
            pa.nulls(1, pa.string()),
            pa.nulls(1, pa.string()),
            pa.array(["Coffee"]),
            pa.nulls(1, pa.string()),
        ]
    )
    assert row["row_hash"] == expected_hash[0].as_py()


def test_every_field_and_extra_json() -> None:
    data = (
        "Buchungsdatum;Valuta;Betrag;Währung;Verwendungszweck;Empfänger;IBAN;Referenz;ID;Notiz;Leer\n"
        '31.12.2023;02.01.2024;-1.234,56; eur ;"Miete ""Januar""";Vermieter GmbH;DE89;R-1;T1;"a\\b\nc";\n'
    ).encode("cp1252")
    result, parsed = preflight_and_parse(data)
    assert result.encoding == "cp1252" and result.ok
    [row] = parsed.records.to_pylist()
    assert row["booking_date"] == date(2023, 12, 31)
    assert row["value_date"] == date(2024, 1, 2)
    assert row["amount"] == -12_345_600
    assert row["currency"] == "EUR"
    assert row["description"] == 'Miete "Januar"'
    assert row["counterparty"] == "Vermieter GmbH"
    assert row["counterparty_account"] == "DE89"
    assert row["reference"] == "R-1"
    assert row["transaction_id"] == "T1"
    assert json.loads(row["extra"]) == {"Notiz": "a\\b\nc"}  # the empty 'Leer' is left out


def test_debit_credit_pair_becomes_one_signed_amount() -> None:
    data = b"Datum;Soll;Haben\n31.12.2013;0,00;12,23\n27.08.2013;1.500,00;0,00\n01.01.2014;;-5\n"
    options = ParseOptions(
        mapping={"booking_date": "Datum", "debit": "Soll", "credit": "Haben"},
        delimiter=";",
        date_format="%d.%m.%Y",
        decimal_separator=",",
    )
    assert column(parse_bytes(data, options), "amount") == [122_300, -15_000_000, 50_000]


def test_direction_markers_sign_the_amount() -> None:
    data = b"Date,D/C,Amount\n2024-01-01,D,5\n2024-01-02,C,7.5\n2024-01-03,X,1\n2024-01-04,,2\n"
    options = ParseOptions(
        mapping={"booking_date": "Date", "direction": "D/C", "amount": "Amount"},
        date_format="%Y-%m-%d",
    )
    result = parse_bytes(data, options)
    assert column(result, "amount") == [-50_000, 75_000, 20_000]
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, "D/C", "invalid_value")]


def test_default_currency_and_currency_validation() -> None:
    data = b"Date,Amount,Ccy\n2024-01-01,1,usd\n2024-01-02,2,\n2024-01-03,3,Euro\n2024-01-04,4,\xe2\x82\xac\n"
    options = ParseOptions(
        mapping={"booking_date": "Date", "amount": "Amount", "currency": "Ccy"},
        date_format="%Y-%m-%d",
        default_currency="CHF",
    )
    result = parse_bytes(data, options)
    assert column(result, "currency") == ["USD", "CHF", "EUR"]
    assert [(e.row, e.code) for e in result.errors] == [(3, "invalid_value")]


def test_row_numbers_count_data_rows_after_preamble_header_and_blank_lines() -> None:
    data = (
        b"Statement\r\n\r\nDate,Amount,Description\r\n2024-01-01,1,a\r\n\r\n"
        b'2024-01-02,oops,"multi\r\nline"\r\n2024-01-03,3,c,extra\r\n2024-01-04,4,d\r\n'
    )
    options = ParseOptions(
        mapping=BASIC.mapping,
        date_format="%Y-%m-%d",
        skip_rows=1,
        header=["Date", "Amount", "Description"],
    )
    result = parse_bytes(data, options)
    assert column(result, "row_number") == [1, 4]
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "Amount", "invalid_amount"),
        (3, None, "column_count"),
    ]
    assert [(s.row, s.cells) for s in result.skipped] == [
        (2, ["2024-01-02", "oops", "multi\r\nline"]),
        (3, ["2024-01-03", "3", "c", "extra"]),
    ]
    assert result.rows_read == 4


def test_small_batches_keep_row_numbers_and_totals() -> None:
    lines = ["Date,Amount,Description"]
    for i in range(1, 1001):
        lines.append(f"2024-01-01,{i}.25,row {i}" if i % 97 else f"2024-01-01,{i},x,surplus")
    data = ("\n".join(lines) + "\n").encode()
    batches = list(parse_csv(io.BytesIO(data), BASIC, batch_rows=64, block_size=1 << 12))
    assert all(batch.records.num_rows <= 64 for batch in batches)
    numbers = [n for batch in batches for n in batch.records.column("row_number").to_pylist()]
    assert numbers == [i for i in range(1, 1001) if i % 97]
    errors = [e.row for batch in batches for e in batch.errors]
    assert errors == [i for i in range(1, 1001) if i % 97 == 0]
    amounts = [a for batch in batches for a in batch.records.column("amount").to_pylist()]
    assert amounts == [i * 10_000 + 2_500 for i in range(1, 1001) if i % 97]
    assert batches[-1].bytes_read == len(data)


def test_ragged_rows_pad_mode() -> None:
    data = b"Date,Amount,Description,\n2024-01-01,1\n2024-01-02,2,b,,\n2024-01-03,3,c,,x\n"
    options = ParseOptions(mapping=BASIC.mapping, date_format="%Y-%m-%d", ragged_rows="pad")
    result = parse_bytes(data, options)
    assert column(result, "row_number") == [1, 2]
    assert column(result, "description") == [None, "b"]
    assert [(e.row, e.code) for e in result.errors] == [(3, "column_count")]


def test_gzip_stream() -> None:
    text = "Date,Amount,Description\n" + "".join(f"2024-01-01,{i},r{i}\n" for i in range(5000))
    result = parse_bytes(gzip.compress(text.encode()), BASIC)
    assert result.records.num_rows == 5000
    assert column(result, "amount")[-1] == 4999 * 10_000


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_transcoded_streams(encoding: str) -> None:
    text = "Date,Amount,Description\n" + "".join(
        f"2024-01-01,{i},Grüße €{i}\n" for i in range(3000)
    )
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith(codecs.BOM_UTF16_LE)
    options = ParseOptions(mapping=BASIC.mapping, date_format="%Y-%m-%d", encoding=encoding)
    result = parse_bytes(data, options, block_size=1 << 14)
    assert column(result, "description")[:2] == ["Grüße €0", "Grüße €1"]
    assert result.records.num_rows == 3000


def test_no_header_file() -> None:
    data = b"2024-01-01,5,a\n2024-01-02,6,b\n"
    options = ParseOptions(
        mapping={"booking_date": "column_1", "amount": "column_2"},
        has_header=False,
        date_format="%Y-%m-%d",
    )
    result = parse_bytes(data, options)
    assert column(result, "row_number") == [1, 2]
    assert column(result, "extra") == ['{"column_3":"a"}', '{"column_3":"b"}']


def test_skip_semantics_and_reject_semantics() -> None:
    data = b"Date,Amount,Description\n2024-01-01,1,ok\n2024-13-01,1.23456,=cmd\n2024-01-03,3,ok\n"
    result = parse_bytes(data, BASIC)
    assert column(result, "row_number") == [1, 3]  # skip: good rows load, bad rows set aside
    [skipped] = result.skipped
    assert skipped.row == 2 and skipped.cells == ["2024-13-01", "1.23456", "=cmd"]
    assert len(skipped.reasons) == 2
    download = skipped_rows_csv(result.skipped, ["Date", "Amount", "Description"]).decode()
    assert download.splitlines()[1].endswith(",2024-13-01,1.23456,'=cmd")
    with pytest.raises(InvalidDateError) as info:  # reject: the first error, as an exception
        raise_for_errors(result.errors)
    assert (info.value.row, info.value.column) == (2, "Date")
    with pytest.raises(AmountPrecisionError):
        raise_for_errors(result.errors[1:])


def test_column_count_error_is_an_ingest_error() -> None:
    result = parse_bytes(b"Date,Amount,Description\n2024-01-01,1\n", BASIC)
    with pytest.raises(ColumnCountError) as info:
        raise_for_errors(result.errors)
    assert isinstance(info.value, IngestError) and info.value.row == 1


def test_header_mismatch_is_refused() -> None:
    options = ParseOptions(
        mapping=BASIC.mapping, date_format="%Y-%m-%d", header=["Date", "Amount", "Description"]
    )
    with pytest.raises(HeaderMismatchError):
        parse_bytes(b"Amount,Date,Description\n1,2024-01-01,x\n", options)


def test_duplicate_header_is_refused_without_resolved_columns() -> None:
    data = b"Date,Amount,Amount\n2024-01-01,1,2\n"
    with pytest.raises(DuplicateHeaderError) as info:
        parse_bytes(
            data,
            ParseOptions(
                mapping={"booking_date": "Date", "amount": "Amount"}, date_format="%Y-%m-%d"
            ),
        )
    assert info.value.column == "Amount"
    resolved = ParseOptions(
        mapping={"booking_date": "Date", "amount": "Amount (2)"},
        date_format="%Y-%m-%d",
        columns=["Date", "Amount", "Amount (2)"],
        header=["Date", "Amount", "Amount"],
    )
    assert column(parse_bytes(data, resolved), "amount") == [20_000]


def test_required_fields() -> None:
    with pytest.raises(MappingError):
        parse_bytes(SIMPLE_DATA, ParseOptions(mapping={"amount": "Amount"}, date_format="%Y-%m-%d"))
    with pytest.raises(MappingError):
        parse_bytes(
            SIMPLE_DATA, ParseOptions(mapping={"booking_date": "Date"}, date_format="%Y-%m-%d")
        )
    with pytest.raises(MappingError):
        parse_bytes(
            SIMPLE_DATA,
            ParseOptions(
                mapping={"booking_date": "Date", "amount": "Nope"}, date_format="%Y-%m-%d"
            ),
        )
    with pytest.raises(OptionsError):
        parse_bytes(SIMPLE_DATA, ParseOptions(mapping=BASIC.mapping))  # no date format


SIMPLE_DATA = b"Date,Amount,Description\n2024-01-01,1,a\n"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyFileError),
        (b"Date,Amount,Description\n", NoDataError),
        (b"Date,Amount,Description\n2024-01-01,1,\xff\xfe\n", EncodingError),
    ],
)
def test_bad_files(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_bytes(data, BASIC)


class _Endless(io.RawIOBase):
    """A stream of one endless line, counting how much of it was read."""

    def __init__(self, prefix: bytes) -> None:
        self.prefix = prefix
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        size = len(buffer)
        chunk = (self.prefix + b"x" * size)[:size] if not self.served else b"x" * size
        self.prefix = b""
        buffer[:size] = chunk
        self.served += size
        return size


def test_huge_line_is_refused_with_bounded_reading() -> None:
    stream = _Endless(b"Date,Amount,Description\n2024-01-01,1,")
    with pytest.raises(LineTooLongError):
        list(parse_csv(stream, BASIC, block_size=1 << 20))
    # The head and the blocks pyarrow reads ahead (how many depends on the machine's thread
    # pools: 36 one-MiB blocks were seen on an 8-core machine), never the whole endless line.
    assert stream.served <= 128 << 20
    with pytest.raises(LineTooLongError):
        list(parse_csv(_Endless(b""), BASIC))


def test_options_from_dict_refuses_unknown_keys() -> None:
    with pytest.raises(OptionsError):
        ParseOptions.from_dict({"mapping": {}, "delimeter": ";"})
    restored = ParseOptions.from_dict(json.loads(json.dumps(BASIC.to_dict())))
    assert restored == BASIC


def test_unknown_encoding_in_options() -> None:
    options = ParseOptions(mapping=BASIC.mapping, date_format="%Y-%m-%d", encoding="klingon")
    with pytest.raises(EncodingError):
        parse_bytes(SIMPLE_DATA, options)
