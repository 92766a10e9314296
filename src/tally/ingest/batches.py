"""What the bulk parsers yield, and helpers for the caller's reject / skip decision."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from tally.ingest.errors import (
    RowError,
    SkippedRow,
    edge_rows,
    raise_for_errors,
)
from tally.ingest.records import RECORD_SCHEMA
from tally.ingest.safety import escape_formula


@dataclass
class ParsedBatch:
    """One batch of a streaming parse.

    ``records`` (exactly RECORD_SCHEMA) holds only the rows that converted cleanly; ``errors`` lists
    every problem found in this batch's rows and ``skipped`` those rows' raw cells. Rejecting the
    file on the first error is ``batch.raise_for_errors()``; skipping is loading ``records`` and
    offering ``skipped`` for download. ``bytes_read`` counts the input bytes consumed so far (for
    progress), ``rows_read`` the data rows seen so far, good or bad.
    """

    records: pa.RecordBatch
    errors: list[RowError] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    bytes_read: int = 0
    rows_read: int = 0

    def raise_for_errors(self) -> None:
        raise_for_errors(self.errors)


def without_edge_rows(batches: Iterable[ParsedBatch]) -> Iterator[ParsedBatch]:
    """The batches with the errors of the table's preamble and footer rows left out (the rows
    stay in ``skipped``), by ``errors.edge_rows``, the rule preflight applies to its sample. A
    batch whose last rows fail is held until the next batch shows whether entries follow."""
    first_good: int | None = None
    last_good = 0
    held: ParsedBatch | None = None
    for batch in batches:
        if batch.records.num_rows:
            numbers = batch.records.column("row_number")
            low, high = int(pc.min(numbers).as_py()), int(pc.max(numbers).as_py())
            if first_good is None:
                first_good = low
                _drop_edges(batch, low, high, leading=True, trailing=False)
            if held is not None:
                yield held
                held = None
            last_good = high
        elif held is not None:
            held.errors.extend(batch.errors)
            held.skipped.extend(batch.skipped)
            held.bytes_read, held.rows_read = batch.bytes_read, batch.rows_read
            continue
        if first_good is not None and any(e.row and e.row > last_good for e in batch.errors):
            held = batch
            continue
        yield batch
    if held is not None and first_good is not None:
        _drop_edges(held, first_good, last_good, leading=False, trailing=True)
    if held is not None:
        yield held


def _drop_edges(
    batch: ParsedBatch, first_good: int, last_good: int, *, leading: bool, trailing: bool
) -> None:
    failing = {error.row for error in batch.errors if error.row}
    cells = {row.row: row.cells for row in batch.skipped}
    edge = edge_rows(failing, first_good, last_good, cells, leading=leading, trailing=trailing)
    if edge:
        batch.errors = [error for error in batch.errors if error.row not in edge]


@dataclass
class ParseResult:
    """A whole (small) file collected in memory: for tests, previews and tiny uploads."""

    records: pa.Table
    errors: list[RowError]
    skipped: list[SkippedRow]
    bytes_read: int
    rows_read: int


def collect(batches: Iterable[ParsedBatch]) -> ParseResult:
    """Gather every batch of a parse (memory grows with the file: not for the bulk path)."""
    records: list[pa.RecordBatch] = []
    errors: list[RowError] = []
    skipped: list[SkippedRow] = []
    bytes_read = rows_read = 0
    for batch in batches:
        records.append(batch.records)
        errors.extend(batch.errors)
        skipped.extend(batch.skipped)
        bytes_read, rows_read = batch.bytes_read, batch.rows_read
    table = pa.Table.from_batches(records, schema=RECORD_SCHEMA)
    return ParseResult(table, errors, skipped, bytes_read, rows_read)


def skipped_rows_csv(
    rows: Sequence[SkippedRow], columns: Sequence[str], *, header: bool = True
) -> bytes:
    """The skipped rows as a UTF-8 CSV for download: row number, reasons, then the raw cells.

    Cells that a spreadsheet would run as a formula are escaped (see ``safety.escape_formula``).
    ``header=False`` continues a file batch by batch.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(["row", "reasons", *columns])
    for row in rows:
        writer.writerow(
            [
                row.row,
                escape_formula("; ".join(row.reasons)),
                *(escape_formula(c) for c in row.cells),
            ]
        )
    return buffer.getvalue().encode("utf-8")
