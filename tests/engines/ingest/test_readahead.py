"""Reading ahead down a CSV's date columns for a value that settles the day/month order."""

from __future__ import annotations

import gzip
import io

from tally.ingest.options import ParseOptions
from tally.ingest.preflight import preflight
from tally.ingest.readahead import read_ahead_date_format

DMY, MDY = "%d/%m/%Y", "%m/%d/%Y"


def _csv(dates: list[str], header: str = "Date,Amount,Currency") -> bytes:
    rows = [f"{value},{index}.50,EUR" for index, value in enumerate(dates, start=1)]
    return ("\n".join([header, *rows]) + "\n").encode()


def _ambiguous(count: int) -> list[str]:
    """Dates every order reads (days and months <= 12), in no date order."""
    return [f"{(i * 7) % 12 + 1:02d}/{(i * 5) % 12 + 1:02d}/2024" for i in range(count)]


def _options(data: bytes) -> ParseOptions:
    result = preflight(data[:2000], complete=False)
    assert result.date_format_choices == [DMY, MDY]
    return result.options


def test_the_first_value_only_one_order_reads_decides() -> None:
    data = _csv([*_ambiguous(300), "03/17/2024", "12/31/2024"])
    evidence = read_ahead_date_format(io.BytesIO(data), _options(data), [DMY, MDY])
    assert evidence is not None
    assert (evidence.date_format, evidence.row, evidence.column) == (MDY, 301, "Date")
    assert evidence.value == "03/17/2024"
    assert "row 301" in evidence.explain([DMY, MDY])


def test_day_first_values_decide_day_first() -> None:
    data = _csv([*_ambiguous(300), "17/03/2024"])
    evidence = read_ahead_date_format(io.BytesIO(data), _options(data), [DMY, MDY])
    assert evidence is not None and evidence.date_format == DMY


def test_a_value_date_column_decides_too() -> None:
    dates = _ambiguous(300)
    value_dates = [*dates[:-1], "02/28/2024"]
    rows = [f"{d},{v},1.00,EUR" for d, v in zip(dates, value_dates, strict=True)]
    data = ("\n".join(["Booking date,Value date,Amount,Currency", *rows]) + "\n").encode()
    evidence = read_ahead_date_format(io.BytesIO(data), _options(data), [DMY, MDY])
    assert evidence is not None
    assert (evidence.date_format, evidence.row, evidence.column) == (MDY, 300, "Value date")


def test_nothing_is_decided_beyond_the_bound() -> None:
    data = _csv([*_ambiguous(300), "03/17/2024"])
    options = _options(data)
    assert read_ahead_date_format(io.BytesIO(data), options, [DMY, MDY], max_rows=300) is None
    assert read_ahead_date_format(io.BytesIO(_csv(_ambiguous(300))), options, [DMY, MDY]) is None


def test_a_file_mixing_both_orders_is_not_decided() -> None:
    data = _csv([*_ambiguous(300), "03/17/2024", "17/03/2024"])
    assert read_ahead_date_format(io.BytesIO(data), _options(data), [DMY, MDY]) is None


def test_a_gzip_file_with_a_ragged_row_is_read_ahead() -> None:
    dates = _ambiguous(300)
    lines = ["Date,Amount,Currency", *(f"{d},1.00,EUR" for d in dates)]
    lines.insert(101, "a,ragged,row,here")
    lines.append("03/17/2024,1.00,EUR")
    plain = ("\n".join(lines) + "\n").encode()
    options = _options(plain)
    evidence = read_ahead_date_format(io.BytesIO(gzip.compress(plain)), options, [DMY, MDY])
    assert evidence is not None and (evidence.date_format, evidence.row) == (MDY, 302)


def test_the_byte_bound_stops_at_whole_rows() -> None:
    data = _csv([*_ambiguous(300), "03/17/2024"])
    options = _options(data)
    last_row_starts = data.index(b"03/17/2024")
    header_end = data.index(b"\n") + 1
    short = last_row_starts - header_end + 5  # ends inside the deciding row: it is not read
    assert read_ahead_date_format(io.BytesIO(data), options, [DMY, MDY], max_bytes=short) is None
    whole = len(data) - header_end
    found = read_ahead_date_format(io.BytesIO(data), options, [DMY, MDY], max_bytes=whole)
    assert found is not None and found.row == 301


def test_dates_whose_day_equals_their_month_leave_the_order_assumed() -> None:
    data = _csv(["01/01/2024", "02/02/2024", "03/03/2024"] * 40 + ["03/17/2024"])
    result = preflight(data[:1000], complete=False)
    assert (result.date_format, result.date_format_choices) == (DMY, [DMY, MDY])
    assert [w.code for w in result.warnings] == ["date_format_assumed"]
    evidence = read_ahead_date_format(io.BytesIO(data), result.options, [DMY, MDY])
    assert evidence is not None and evidence.date_format == MDY
