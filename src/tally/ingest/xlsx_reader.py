"""XLSX workbooks: openpyxl in read-only (streaming) mode, then the same path as CSV.

Cells become the text a user sees in the sheet (dates as ISO dates, numbers without float noise),
so preflight's header detection, mapping and format detection, and the bulk conversion
(``RecordConverter``), are shared with CSV rather than copied. Row numbers count sheet rows below
the header, so data row n is sheet row (header row + n).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa

from tally.ingest.batches import ParsedBatch, without_edge_rows
from tally.ingest.convert import RecordConverter
from tally.ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    HeaderMismatchError,
    NoDataError,
    OptionsError,
    RowError,
    SkippedRow,
)
from tally.ingest.options import ParseOptions
from tally.ingest.preflight import (
    DEFAULT_MAX_ROWS,
    Hints,
    IngestWarning,
    PreflightResult,
    analyse_rows,
)
from tally.ingest.sniff import HEADER_SEARCH_RECORDS, Dialect, column_names

DEFAULT_BATCH_ROWS = 65_536

Source = bytes | IO[bytes]


def cell_text(value: Any) -> str:
    """A cell as the text a person reads in the sheet (never through a lossy float format)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits; more would print binary noise (0.30000000000000004).
        text = format(value, ".15g")
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _open(source: Source) -> Any:
    from openpyxl import load_workbook

    if isinstance(source, str | os.PathLike):
        # openpyxl refuses a path without an .xlsx name (a spooled upload has none): hand it the
        # open file instead, which it reads by content.
        source = Path(source).open("rb")  # noqa: SIM115 - closed with the workbook
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    if isinstance(source, bytes | bytearray) and not source:
        raise EmptyFileError("the file is empty")
    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BinaryFileError(f"not a readable XLSX workbook: {exc}") from None
    except Exception as exc:  # openpyxl's InvalidFileException and friends
        raise BinaryFileError(f"not a readable XLSX workbook: {exc}") from None


def _sheet(workbook: Any, name: str | None) -> Any:
    if name is None:
        return workbook.worksheets[0]
    if name not in workbook.sheetnames:
        raise OptionsError(f"the workbook has no sheet {name!r} (sheets: {workbook.sheetnames})")
    return workbook[name]


def list_sheets(source: Source) -> list[str]:
    workbook = _open(source)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _rows(sheet: Any) -> Iterator[list[str]]:
    for values in sheet.iter_rows(values_only=True):
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1].strip():
            cells.pop()
        yield cells


def preflight_xlsx(
    source: Source,
    *,
    sheet: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    has_header: bool | None = None,
    skip_rows: int | None = None,
    date_format: str | None = None,
    decimal_separator: str | None = None,
    mapping: Mapping[str, str] | None = None,
    default_currency: str | None = None,
) -> PreflightResult:
    """Preflight one sheet of a workbook: ``sheet``, or else the first that holds a table of
    entries (a report's summary sheet often comes before its details)."""
    limit = (skip_rows or 0) + HEADER_SEARCH_RECORDS + max_rows + 1
    workbook = _open(source)
    try:
        sheets = list(workbook.sheetnames)
        heads = [
            (worksheet.title, _head(worksheet, limit))
            for worksheet in (
                [_sheet(workbook, sheet)] if sheet is not None else workbook.worksheets
            )
        ]
    finally:
        workbook.close()
    hints = Hints(
        has_header=has_header,
        skip_rows=skip_rows,
        date_format=date_format,
        decimal_separator=decimal_separator,
        mapping=mapping,
        default_currency=default_currency,
        ragged_rows="pad",
    )
    first: PreflightResult | EmptyFileError | None = None
    for sheet_name, rows in heads:
        try:
            result = _analyse_sheet(rows, hints, limit, max_rows)
        except EmptyFileError as exc:
            result_or_error: PreflightResult | EmptyFileError = exc
        else:
            result.sheets = sheets
            result.options = replace(
                result.options, format="xlsx", sheet=sheet_name, encoding="utf-8"
            )
            if not any(error.code == "mapping" for error in result.errors):
                if first is not None:
                    result.warnings.append(
                        IngestWarning(
                            "sheet",
                            f"the first sheet holds no table of entries: reading sheet "
                            f"{sheet_name!r} (set sheet to override)",
                        )
                    )
                return result
            result_or_error = result
        if first is None:
            first = result_or_error
    if isinstance(first, EmptyFileError) or first is None:
        raise first or EmptyFileError("the sheet is empty")
    return first


def _head(worksheet: Any, limit: int) -> list[list[str]]:
    rows: list[list[str]] = []
    for cells in _rows(worksheet):
        rows.append(cells)
        if len(rows) >= limit:
            break
    return rows


def _analyse_sheet(
    rows: list[list[str]], hints: Hints, limit: int, max_rows: int
) -> PreflightResult:
    if not any(cell.strip() for row in rows for cell in row):
        raise EmptyFileError("the sheet is empty")
    counts = [len(row) for row in rows if len(row) > 1]
    field_count = max(set(counts), key=counts.count) if counts else 1
    dialect = Dialect(",", '"', field_count, True)
    result = analyse_rows(rows, dialect, hints, "utf-8", None, len(rows) < limit, max_rows)
    result.format = "xlsx"
    return result


def parse_xlsx(
    source: Source, options: ParseOptions, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedBatch]:
    """Stream one sheet into RECORD_SCHEMA batches; errors and skipped rows as with CSV."""
    options.validate()
    size = len(source) if isinstance(source, bytes | bytearray) else _size(source)
    workbook = _open(source)
    try:
        worksheet = _sheet(workbook, options.sheet)
        total_rows = worksheet.max_row or 0
        rows = _rows(worksheet)
        columns, header_row = _locate(rows, options)
        converter = RecordConverter(options, columns)
        yield from without_edge_rows(
            _batches(rows, converter, columns, header_row, batch_rows, size, total_rows)
        )
    finally:
        workbook.close()


def _size(stream: IO[bytes]) -> int:
    try:
        position = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(position)
        return end
    except (OSError, AttributeError):
        return 0


def _locate(rows: Iterator[list[str]], options: ParseOptions) -> tuple[list[str], int]:
    """Consume the rows up to the header; (columns, sheet row number of the header or last skipped)."""
    seen: list[list[str]] = []
    if not options.has_header:
        for _ in range(options.skip_rows):
            seen.append(next(rows, []))
        width = len(options.columns) if options.columns else 0
        if not width:
            raise OptionsError("a sheet without a header needs its columns in the options")
        return list(options.columns or []), options.skip_rows
    expected = _normalised(options.header) if options.header is not None else None
    for index, cells in enumerate(rows):
        seen.append(cells)
        if expected is None and index == options.skip_rows:
            names, duplicates = column_names(cells, len(cells))
            columns = list(options.columns) if options.columns else names
            if duplicates and not options.columns:
                raise OptionsError(f"duplicate column name {duplicates[0]!r}")
            return columns, index + 1
        if expected is not None and _normalised(cells) == expected:
            names, _ = column_names(cells, len(cells))
            return list(options.columns) if options.columns else names, index + 1
        if index >= options.skip_rows + HEADER_SEARCH_RECORDS:
            break
    if not seen:
        raise EmptyFileError("the sheet is empty")
    raise HeaderMismatchError(
        f"the sheet's header does not match the one the options were made for: {options.header}",
        row=0,
    )


def _normalised(cells: list[str]) -> list[str]:
    stripped = [cell.strip() for cell in cells]
    while stripped and not stripped[-1]:
        stripped.pop()
    return stripped


def _batches(
    rows: Iterator[list[str]],
    converter: RecordConverter,
    columns: list[str],
    header_row: int,
    batch_rows: int,
    size: int,
    total_rows: int,
) -> Iterator[ParsedBatch]:
    width = len(columns)
    buffer: list[list[str]] = [[] for _ in range(width)]
    numbers: list[int] = []
    errors: list[RowError] = []
    skipped: list[SkippedRow] = []
    rows_read = 0

    def flush() -> ParsedBatch:
        nonlocal buffer, numbers, errors, skipped
        table = pa.table(
            {f"c{i}": pa.array(values, pa.string()) for i, values in enumerate(buffer)}
        )
        converted = converter.convert(table, np.asarray(numbers, dtype=np.int64))
        all_errors = sorted(errors + converted.errors, key=lambda error: error.row or 0)
        all_skipped = sorted(skipped + converted.skipped, key=lambda row: row.row)
        done = min(size, size * (header_row + rows_read) // total_rows) if total_rows else 0
        batch = ParsedBatch(converted.records, all_errors, all_skipped, done, rows_read)
        buffer, numbers, errors, skipped = [[] for _ in range(width)], [], [], []
        return batch

    for number, cells in enumerate(rows, start=1):
        rows_read = number
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width:
            if any(cell.strip() for cell in cells[width:]):
                reason = f"expected {width} fields, found {len(cells)}"
                errors.append(RowError(number, None, None, reason, "column_count"))
                skipped.append(SkippedRow(number, cells, [reason]))
                continue
            cells = cells[:width]
        for index in range(width):
            buffer[index].append(cells[index] if index < len(cells) else "")
        numbers.append(number)
        if len(numbers) >= batch_rows:
            yield flush()
    if numbers or errors:
        batch = flush()
        batch.bytes_read = size
        yield batch
    elif not rows_read:
        raise NoDataError("the sheet has no data rows below the header")
