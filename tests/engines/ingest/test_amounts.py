from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.ingest.amounts import (
    AmountFormatError,
    detect_decimal_separator,
    parse_amount,
    parse_amounts,
)
from tally.money import to_units


@pytest.mark.parametrize(
    ("text", "separator", "units"),
    [
        ("12.50", ".", 125_000),
        ("-12.50", ".", -125_000),
        ("+12.50", ".", 125_000),
        ("12.50-", ".", -125_000),
        ("(12.50)", ".", -125_000),
        ("\u221212.50", ".", -125_000),
        ("1,234.56", ".", 12_345_600),
        ("1.234,56", ",", 12_345_600),
        ("1'234.56", ".", 12_345_600),
        ("1\u2019234.56", ".", 12_345_600),
        ("1 234,56", ",", 12_345_600),
        ("1\u00a0234,56", ",", 12_345_600),
        ("1\u202f234.56", ".", 12_345_600),
        ("12,34,567.00", ".", 12_345_670_000),
        ("$7.50", ".", 75_000),
        ("-$7,971.39", ".", -79_713_900),
        ("+ $73.01", ".", 730_100),
        ("- $12.01", ".", -120_100),
        ("£1,183.23", ".", 11_832_300),
        ("EUR 12", ".", 120_000),
        ("12,00 €", ",", 120_000),
        ("CHF -5", ".", -50_000),
        ("2500", ",", 25_000_000),
        ("0,01", ",", 100),
        (".5", ".", 5_000),
        ("1.", ".", 10_000),
        ("1.23450", ".", 12_345),
        ("-0", ".", 0),
        ("  42.1  ", ".", 421_000),
        ("99999999999999.9999", ".", 999_999_999_999_999_999),
    ],
)
def test_amount_formats(text: str, separator: str, units: int) -> None:
    assert parse_amount(text, separator) == units
    assert parse_amounts(pa.array([text]), separator).to_pylist() == [units]


@pytest.mark.parametrize(
    ("text", "separator", "code"),
    [
        ("1.23456", ".", "amount_precision"),
        ("0,00001", ",", "amount_precision"),
        ("abc", ".", "invalid_amount"),
        ("1e3", ".", "invalid_amount"),
        (
            "12.50",
            ",",
            "invalid_amount",
        ),  # '.' groups thousands when ',' is decimal: '12.50' is not
        ("1,5", ".", "invalid_amount"),  # a group of 3 digits is required after a thousands comma
        ("(-1)", ".", "invalid_amount"),
        ("-1-", ".", "invalid_amount"),
        ("(1", ".", "invalid_amount"),
        ("$", ".", "invalid_amount"),
        ("123456789012345", ".", "invalid_amount"),
        ("-12 CR", ".", "invalid_amount"),  # two signs
        ("١٢", ".", "invalid_amount"),  # non-ASCII digits
    ],
)
def test_amount_rejections(text: str, separator: str, code: str) -> None:
    with pytest.raises(AmountFormatError) as info:
        parse_amount(text, separator)
    assert info.value.code == code
    assert parse_amounts(pa.array([text]), separator).to_pylist() == [None]


def test_vectorised_nulls_empty_cells_and_keeps_order() -> None:
    values = pa.array(["1.5", "", None, "x", "-2", "  "])
    assert parse_amounts(values).to_pylist() == [15_000, None, None, None, -20_000, None]
    # The fast path (plain decimals) and the general path (here forced by '$') agree.
    assert parse_amounts(pa.array(["1.5", "", "-2", "$3"])).to_pylist() == [
        15_000,
        None,
        -20_000,
        30_000,
    ]


def test_sliced_arrays() -> None:
    values = pa.array(["9", "1,5", "2,25", ""]).slice(1)
    assert parse_amounts(values, ",").to_pylist() == [15_000, 22_500, None]


def _render(value: Decimal, style: str) -> tuple[str, str]:
    """A Decimal as a bank would print it in one of several conventions, and its separator."""
    negative = value < 0
    digits = f"{abs(value):f}"
    whole, _, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if style == "us":
        text, sep = ",".join(groups) + ("." + fraction if fraction else ""), "."
        return ("-" + text if negative else text), sep
    if style == "de":
        text = ".".join(groups) + ("," + fraction if fraction else "")
        return ("-" + text if negative else text), ","
    if style == "ch":
        text = "'".join(groups) + ("." + fraction if fraction else "")
        return (text + "-" if negative else text), "."
    if style == "fr":
        text = "\u202f".join(groups) + ("," + fraction if fraction else "")
        return ("(" + text + ")" if negative else text + " €"), ","
    if style == "plain":
        text = "".join(groups) + ("." + fraction if fraction else "")
        return ("-" + text if negative else text), "."
    text = "".join(groups) + ("," + fraction if fraction else "")
    return ("-$" + text if negative else "$" + text), ","


amounts = st.decimals(
    min_value=Decimal("-99999999999999.9999"),
    max_value=Decimal("99999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(amounts, min_size=1, max_size=20),
    style=st.sampled_from(["us", "de", "ch", "fr", "plain", "dollar-comma"]),
)
def test_rendered_decimals_parse_back_exactly(values: list[Decimal], style: str) -> None:
    rendered = [_render(value, style) for value in values]
    separator = rendered[0][1]
    texts = [text for text, _ in rendered]
    expected = [to_units(value) for value in values]
    assert [parse_amount(text, separator) for text in texts] == expected
    assert parse_amounts(pa.array(texts), separator).to_pylist() == expected


_ALPHABET = "0123456789.,-+()$€ '\u2212EURCH\u00a0e"


@settings(max_examples=500, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=1, max_size=10),
    separator=st.sampled_from([".", ","]),
)
def test_vectorised_agrees_with_scalar(texts: list[str], separator: str) -> None:
    expected: list[int | None] = []
    for text in texts:
        try:
            expected.append(parse_amount(text, separator))
        except AmountFormatError:
            expected.append(None)
    assert parse_amounts(pa.array(texts), separator).to_pylist() == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1,234.56", "12.50"], (".", False)),
        (["1.234,56", "-5,5"], (",", False)),
        (["1,234,567"], (".", False)),
        (["1.234.567"], (",", False)),
        (["1,234"], (None, False)),
        (["2500", "17"], (None, False)),
        (["1.5", "2,5"], (".", True)),
        (["-$7,971.39", "$6,000.36"], (".", False)),
    ],
)
def test_decimal_separator_detection(values: list[str], expected: tuple[str | None, bool]) -> None:
    assert detect_decimal_separator(values) == expected
