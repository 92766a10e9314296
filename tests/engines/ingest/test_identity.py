from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.ingest.identity import content_hashes, fnv1a_64


def _reference_fnv(data: bytes) -> int:
    value = 0xCBF29CE484222325
    for byte in data:
        value ^= byte
        value = (value * 0x100000001B3) % (1 << 64)
    return value


def _reference_row(fields: list[object]) -> int:
    text = "\x1f".join("" if field is None else str(field) for field in fields)
    value = _reference_fnv(text.encode("utf-8"))
    return value - (1 << 64) if value >= 1 << 63 else value


texts = st.one_of(st.none(), st.text(max_size=40))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(texts, texts, st.integers(-(10**15), 10**15)), max_size=60))
def test_content_hash_is_fnv1a_of_the_joined_fields(
    rows: list[tuple[str | None, str | None, int]],
) -> None:
    first = pa.array([row[0] for row in rows], pa.string())
    second = pa.array([row[1] for row in rows], pa.string())
    amounts = pa.array([row[2] for row in rows], pa.int64())
    hashes = content_hashes([first, amounts, second]).to_pylist()
    assert hashes == [_reference_row([a, c, b]) for a, b, c in rows]


def test_long_values_fixed_width_and_dates() -> None:
    long_value = "x" * 5_000  # longer than the matrix width: hashed byte by byte
    values = pa.array([long_value, "ab", None, "ü€", "", "y" * 300])
    assert fnv1a_64(values).tolist() == [
        _reference_fnv(("" if v is None else v).encode()) for v in values.to_pylist()
    ]
    days = pa.array([date(2024, 1, 31), None, date(1999, 12, 1)], pa.date32())
    codes = pa.array(["EUR", "CHF", "USD"])  # fixed width: the strided fast path
    assert content_hashes([days, codes]).to_pylist() == [
        _reference_row(["2024-01-31", "EUR"]),
        _reference_row([None, "CHF"]),
        _reference_row(["1999-12-01", "USD"]),
    ]


def test_sliced_and_chunked_inputs() -> None:
    values = pa.array(["a", "bb", "ccc", "dddd"])
    sliced = values.slice(1, 2)
    chunked = pa.chunked_array([values.slice(0, 2), values.slice(2)])
    assert fnv1a_64(sliced).tolist() == [_reference_fnv(b"bb"), _reference_fnv(b"ccc")]
    assert np.array_equal(fnv1a_64(chunked), fnv1a_64(values))
