from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.ingest.dates import (
    DateFormatError,
    compile_date_format,
    date_order_tiebreak,
    detect_date_format,
    parse_date,
    parse_dates,
)
from tally.ingest.errors import OptionsError


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("2024-01-31", "%Y-%m-%d", date(2024, 1, 31)),
        ("2024-1-5", "%Y-%m-%d", date(2024, 1, 5)),
        ("2020-01-01T13:00:00", "%Y-%m-%d", date(2020, 1, 1)),
        ("2013-07-03-08.21.36.47192", "%Y-%m-%d", date(2013, 7, 3)),  # DB2 timestamp
        ("31.12.2023", "%d.%m.%Y", date(2023, 12, 31)),
        ("1.2.2023", "%d.%m.%Y", date(2023, 2, 1)),
        ("31.12.2023 16:57", "%d.%m.%Y", date(2023, 12, 31)),
        ("03.01.13", "%d.%m.%y", date(2013, 1, 3)),
        ("03.01.69", "%d.%m.%y", date(1969, 1, 3)),
        ("31/12/2023", "%d/%m/%Y", date(2023, 12, 31)),
        ("12/31/2023", "%m/%d/%Y", date(2023, 12, 31)),
        ("3/6/2016", "%m/%d/%Y", date(2016, 3, 6)),
        ("12/31/2021 10:28 am", "%m/%d/%Y", date(2021, 12, 31)),
        ("21-06-2019", "%d-%m-%Y", date(2019, 6, 21)),
        ("20200213", "%Y%m%d", date(2020, 2, 13)),
        ("2023/11/30", "%Y/%m/%d", date(2023, 11, 30)),
        ("12-Dec-2019", "%d-%b-%Y", date(2019, 12, 12)),
        ("3 Mär 2020", "%d %b %Y", date(2020, 3, 3)),
        ("Jan 5, 2024", "%b %d, %Y", date(2024, 1, 5)),
        ("5. Oktober 2024", "%d. %B %Y", date(2024, 10, 5)),
        ("2024-01-31 14:00:00", "%Y-%m-%d %H:%M:%S", date(2024, 1, 31)),
        ("45000", "excel", date(2023, 3, 15)),
        ("45000.75", "excel", date(2023, 3, 15)),
    ],
)
def test_date_formats(text: str, date_format: str, expected: date) -> None:
    assert parse_date(text, date_format) == expected
    assert parse_dates(pa.array([text]), date_format).to_pylist() == [expected]


@pytest.mark.parametrize(
    ("text", "date_format"),
    [
        ("2020-02-30", "%Y-%m-%d"),  # pyarrow's strptime would roll this over to March
        ("29.02.2023", "%d.%m.%Y"),
        ("2020-13-01", "%Y-%m-%d"),
        ("2020021", "%Y%m%d"),  # no separator: widths are fixed
        ("Pending", "%d-%b-%Y"),
        ("04/17/2023 as of", "%m/%d/%Y"),  # words without the second date: not an annotation
        ("04/17/2023 CB CARREFOUR", "%m/%d/%Y"),
        ("31.12.2023", "%Y-%m-%d"),
        ("0", "excel"),
    ],
)
def test_invalid_dates(text: str, date_format: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date(text, date_format)
    assert parse_dates(pa.array([text]), date_format).to_pylist() == [None]


def test_leap_day_and_empty_cells() -> None:
    values = pa.array(["29.02.2024", "", None, "01.03.2024"])
    assert parse_dates(values, "%d.%m.%Y").to_pylist() == [
        date(2024, 2, 29),
        None,
        None,
        date(2024, 3, 1),
    ]


@pytest.mark.parametrize("bad", ["%Y-%m", "%Q", "%Y-%m-%d%", "%d.%d.%Y"])
def test_invalid_formats_are_refused(bad: str) -> None:
    with pytest.raises(OptionsError):
        compile_date_format(bad)


@pytest.mark.parametrize(
    ("values", "expected", "ambiguous"),
    [
        (["2024-01-31", "2024-02-01"], "%Y-%m-%d", False),
        (["31.12.2023", "01.01.2024"], "%d.%m.%Y", False),
        (["13/01/2024", "01/02/2024"], "%d/%m/%Y", False),  # day > 12 decides
        (["01/13/2024", "01/02/2024"], "%m/%d/%Y", False),
        (["7/8/2016", "12/31/2015"], "%m/%d/%Y", False),
        (["01/02/2024", "03/04/2024"], None, True),  # DD/MM or MM/DD: the user must say
        (["12-Dec-2019", "Pending", "03-Dec-2019"], "%d-%b-%Y", False),
        (["20200213", "20191213"], "%Y%m%d", False),
        (["hello", "world"], None, False),
    ],
)
def test_detection(values: list[str], expected: str | None, ambiguous: bool) -> None:
    detection = detect_date_format(values)
    assert detection.format == expected
    assert detection.ambiguous is ambiguous
    if ambiguous:
        assert set(detection.candidates) == {"%d/%m/%Y", "%m/%d/%Y"}


@settings(max_examples=200, deadline=None)
@given(
    days=st.lists(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)), max_size=20),
    date_format=st.sampled_from(["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y%m%d", "%d-%b-%Y"]),
    padded=st.booleans(),
)
def test_vectorised_round_trip(days: list[date], date_format: str, padded: bool) -> None:
    texts = [day.strftime(date_format) for day in days]
    if not padded and "%b" not in date_format and "%Y%m" not in date_format:
        texts = [text.replace("/0", "/").replace(".0", ".").lstrip("0") for text in texts]
    assert parse_dates(pa.array(texts, pa.string()), date_format).to_pylist() == days
    assert [parse_date(text, date_format) for text in texts] == days


def test_order_breaks_a_day_month_tie_when_one_reading_zigzags() -> None:
    # A statement of 1-12 March, oldest first: read month-first it jumps between months.
    values = [f"{day:02d}/03/2024" for day in (1, 1, 2, 4, 5, 5, 8, 11, 12)]
    assert date_order_tiebreak(values, ("%d/%m/%Y", "%m/%d/%Y")) == "%d/%m/%Y"
    # The same days, month first and newest first.
    values = [f"03/{day:02d}/2024" for day in (12, 11, 8, 5, 5, 4, 2, 1, 1)]
    assert date_order_tiebreak(values, ("%d/%m/%Y", "%m/%d/%Y")) == "%m/%d/%Y"


def test_order_prefers_weeks_over_months_when_both_readings_are_ordered() -> None:
    values = ["01/02/2024", "02/02/2024", "03/02/2024", "05/02/2024"]
    # Day first: 1-5 February; month first: 2 January to 2 May. Both go one way.
    assert date_order_tiebreak(values, ("%d/%m/%Y", "%m/%d/%Y")) == "%d/%m/%Y"


@pytest.mark.parametrize(
    "values",
    [
        ["01/02/2024", "03/04/2024"],  # too few dates to tell an order
        ["01/02/2024", "05/03/2024", "02/01/2024", "04/06/2024", "03/02/2024"],  # no order
    ],
)
def test_order_leaves_a_real_tie_unbroken(values: list[str]) -> None:
    assert date_order_tiebreak(values, ("%d/%m/%Y", "%m/%d/%Y")) is None


def test_days_equal_to_months_keep_the_other_order_a_candidate() -> None:
    detection = detect_date_format(["01/01/2024", "02/02/2024"])
    assert (detection.format, detection.candidates) == ("%d/%m/%Y", ("%d/%m/%Y", "%m/%d/%Y"))
    assert not detection.ambiguous
    named = detect_date_format(["12 Dec 2019", "03 Jan 2020"])
    assert named.candidates == (named.format,)
