"""Normalisers, extra fields, derived fields and input validation."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tally.matching import RecordFrameError
from tally.matching.fields import field_expr, key_expr, normalise, prepare_side

from .helpers import equals, records, rule, rules


@pytest.mark.parametrize(
    ("normalisers", "value", "expected"),
    [
        (["case"], "Inv-7a", "INV-7A"),
        (["whitespace"], " INV  00 12 ", "INV0012"),
        (["punctuation"], "INV-00.12/a b", "INV0012a b"),
        (["leading_zeros"], "INV-000123-0045", "INV-123-45"),
        (["leading_zeros"], "000", "0"),
        (["leading_zeros"], "100200", "100200"),
        (["leading_zeros"], "A0B", "A0B"),
        (["case", "punctuation", "whitespace", "leading_zeros"], " inv-00 12 ", "INV12"),
        # Order given does not matter: they always run case, punctuation, whitespace, zeros.
        (["leading_zeros", "whitespace", "case", "punctuation"], " inv-00 12 ", "INV12"),
        (["punctuation"], "Ünï-çø!", "Ünïçø"),
        (["punctuation", "whitespace"], " - / ", None),  # empty keys never match
    ],
)
def test_normalisers(normalisers: list[str], value: str, expected: str | None) -> None:
    out = pl.select(normalise(pl.lit(value), normalisers)).item()
    assert out == expected


def test_extra_field_reads_json_and_tolerates_garbage() -> None:
    frame = pl.DataFrame({"extra": ['{"invoice_no": "77", "n": 3}', None, "not json", "{}"]})
    rs = rules(rule("r", equals("extra.invoice_no")))
    got = frame.select(field_expr("extra.invoice_no", rs)).to_series().to_list()
    assert got == ["77", None, None, None]


def test_derived_field_single_and_multiple() -> None:
    rs = rules(
        rule("r", equals("inv"), equals("all")),
        derived_fields=[
            {"name": "inv", "pattern": r"(?P<no>INV-?\d+)", "normalisers": ["punctuation"]},
            {"name": "all", "pattern": r"(?P<no>INV-?\d+)", "multiple": True},
        ],
    )
    frame = pl.DataFrame(
        {"description": ["Zahlung INV-100123 ff", "Sammel INV-1, INV-2 und INV3", None, "none"]}
    )
    out = frame.select(
        field_expr("inv", rs).alias("inv"),
        key_expr("all", ["punctuation"], rs).alias("all"),
    )
    assert out["inv"].to_list() == ["INV100123", "INV1", None, None]
    assert out["all"].to_list() == [["INV100123"], ["INV1", "INV2", "INV3"], None, []]


def test_prepare_side_sorts_by_id_and_fills_missing_columns() -> None:
    frame = pl.DataFrame({"id": [3, 1, 2], "amount": [30, 10, 20]})
    out = prepare_side(frame, "left")
    assert out["id"].to_list() == [1, 2, 3]
    assert out["_row"].to_list() == [0, 1, 2]
    assert out.schema["booking_date"] == pl.Date
    assert out["reference"].null_count() == 3


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pl.DataFrame({"amount": [1]}), "missing required column 'id'"),
        (pl.DataFrame({"id": [1], "amount": [1.5]}), "must be an integer type"),
        (pl.DataFrame({"id": [1, 1], "amount": [1, 2]}), "'id' is not unique"),
        (
            pl.DataFrame(
                {"id": [1], "amount": [None]}, schema={"id": pl.Int64, "amount": pl.Int64}
            ),
            "'amount' has nulls",
        ),
        (
            pl.DataFrame({"id": [1], "amount": [1], "booking_date": ["2024-01-01"]}),
            "must be a Date",
        ),
        (pl.DataFrame({"id": [1], "amount": [1], "reference": [5]}), "must be text"),
    ],
)
def test_prepare_side_rejects_bad_frames(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(RecordFrameError, match=message):
        prepare_side(frame, "left")


def test_datetimes_are_accepted_as_dates() -> None:
    frame = records({"id": 1, "amount": "1"}).with_columns(
        pl.lit(dt.datetime(2024, 1, 2, 13, 0)).alias("booking_date")
    )
    assert prepare_side(frame, "left")["booking_date"].to_list() == [dt.date(2024, 1, 2)]
