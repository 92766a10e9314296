"""Read ahead down a CSV's date columns for a value that settles a day/month tie.

Preflight sees a file's head only. When every date there has a day <= 12, DD/MM and MM/DD fit
alike and the order is left to the user or assumed from weaker cues (the rows' date order, the
decimal comma, the currency); a file whose first thousands of rows all have days <= 12 was then
read the wrong way and its load failed far down. When the whole file is at hand, one bounded pass
over the date columns' raw text (no row conversion) finds the first value only one order can read
(13/02/2024 is day-first), and that value decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tally.ingest.csv_reader import read_column_values
from tally.ingest.dates import parse_dates
from tally.ingest.options import DATE_FIELDS, ParseOptions
from tally.ingest.streams import Readable

# A pass over a few MB of one column's text costs tens of milliseconds; beyond it the file is left
# to the user (the preflight warning says the order is assumed or asks for it).
READ_AHEAD_BYTES = 8 << 20
READ_AHEAD_ROWS = 200_000


@dataclass(frozen=True)
class DateOrderEvidence:
    """The value further down the file that only ``date_format`` reads."""

    date_format: str
    row: int  # 1-based data row number
    column: str
    value: str

    def explain(self, candidates: Sequence[str]) -> str:
        return (
            f"the first rows' dates fit {' and '.join(candidates)}; row {self.row} further down "
            f"has {self.value!r} in {self.column!r}, which only {self.date_format} reads"
        )


def read_ahead_date_format(
    stream: IO[bytes] | Readable,
    options: ParseOptions,
    candidates: Sequence[str],
    *,
    max_bytes: int = READ_AHEAD_BYTES,
    max_rows: int = READ_AHEAD_ROWS,
) -> DateOrderEvidence | None:
    """The candidate date format that the first disambiguating value of the date columns reads.

    Reads at most about ``max_bytes`` of ``stream`` or ``max_rows`` rows. None when no value
    there fits only one candidate, or when the block holding the first such values has some for
    each candidate (the file mixes orders: nothing is decided).
    """
    columns = [options.mapping[name] for name in DATE_FIELDS if name in options.mapping]
    if len(candidates) < 2 or not columns:
        return None
    rows = 0
    for numbers, arrays in read_column_values(stream, options, columns, max_bytes=max_bytes):
        if rows >= max_rows:
            return None
        keep = min(len(numbers), max_rows - rows)
        rows += len(numbers)
        only = _readable_only_by(arrays, candidates, keep)
        if only is None:
            continue
        fmt, position, index = only
        if fmt is None:
            return None  # values for both orders: a mixed file is not decided here
        value = arrays[position][index].as_py()
        return DateOrderEvidence(fmt, int(numbers[index]), columns[position], value.strip())
    return None


def _readable_only_by(
    arrays: Sequence[pa.Array], candidates: Sequence[str], keep: int
) -> tuple[str | None, int, int] | None:
    """(format, column position, row index) of the first value only one candidate reads, with
    format None when other values here are read only by another candidate; None if no value is."""
    first: tuple[str, int, int] | None = None
    deciding: set[str] = set()
    for position, array in enumerate(arrays):
        values = array.slice(0, keep)
        valid = [np.asarray(pc.is_valid(parse_dates(values, fmt))) for fmt in candidates]
        readers = np.sum(valid, axis=0)
        for fmt, readable in zip(candidates, valid, strict=True):
            only = np.flatnonzero(readable & (readers == 1))
            if not len(only):
                continue
            deciding.add(fmt)
            if first is None or int(only[0]) < first[2]:
                first = (fmt, position, int(only[0]))
    if first is None:
        return None
    if len(deciding) > 1:
        return None, first[1], first[2]
    return first
