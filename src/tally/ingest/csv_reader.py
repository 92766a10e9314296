"""Streaming CSV/TSV (optionally gzip-compressed, any encoding) parse into RECORD_SCHEMA batches.

The head of the stream (``HEAD_BYTES``) is decoded in Python only to find where the data starts:
the preamble and header are checked against the stored options (a file with another layout is
refused, not mis-mapped). From the first data row on, pyarrow's streaming CSV reader does the work
with every column typed as string (nothing is guessed) and a bounded block size, so memory stays
flat whatever the file size; a record longer than a block is a ``LineTooLongError``. Rows with the
wrong number of fields come through pyarrow's invalid-row handler, which knows their row number,
and become errors (or are padded, with ``ragged_rows="pad"``). Conversion is ``RecordConverter``.
"""

from __future__ import annotations

import codecs
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from tally.ingest.batches import ParsedBatch, without_edge_rows
from tally.ingest.convert import RecordConverter
from tally.ingest.errors import (
    BinaryFileError,
    DuplicateHeaderError,
    EmptyFileError,
    EncodingError,
    HeaderMismatchError,
    IngestError,
    LineTooLongError,
    MalformedCsvError,
    NoDataError,
    RowError,
    SkippedRow,
)
from tally.ingest.options import ParseOptions
from tally.ingest.sniff import (
    HEADER_SEARCH_RECORDS,
    check_not_binary,
    column_names,
    decode_head,
    detect_container,
    parse_record,
    read_records,
)
from tally.ingest.streams import (
    CountingReader,
    LineBoundedReader,
    PrefixedReader,
    Readable,
    read_up_to,
)

HEAD_BYTES = 1 << 20  # where the header must be found; also the longest preamble + header
DEFAULT_BATCH_ROWS = 65_536
MIN_BLOCK_SIZE = 1 << 20  # pyarrow's unit of reading; also the longest possible record
MAX_BLOCK_SIZE = 64 << 20


@dataclass(frozen=True)
class TableStart:
    """Where the data starts in the decoded head, and the columns it has."""

    columns: list[str]
    data_offset: int  # in characters of the decoded head


def locate_table(text: str, options: ParseOptions, *, complete: bool) -> TableStart:
    """Find the header (checking it against ``options.header``) and the start of the data."""
    limit = options.skip_rows + HEADER_SEARCH_RECORDS + 1
    records = read_records(
        text, options.delimiter, options.quotechar, complete=complete, max_records=limit
    )
    if not records:
        if not text.strip() and complete:
            raise EmptyFileError("the file is empty")
        raise LineTooLongError(f"no complete line in the first {HEAD_BYTES:,} bytes")
    cells = [record.cells for record in records]
    if not options.has_header:
        if options.skip_rows >= len(records):
            raise NoDataError("the file has no data rows after the skipped rows")
        start = records[options.skip_rows]
        columns = options.columns or [
            f"column_{i}" for i in range(1, len(cells[options.skip_rows]) + 1)
        ]
        return TableStart(list(columns), start.start)
    index = _header_index(cells, options)
    if index is None:
        if not complete and len(records) < limit:
            raise LineTooLongError(f"the header was not found in the first {HEAD_BYTES:,} bytes")
        expected = options.header or []
        found = cells[options.skip_rows] if options.skip_rows < len(cells) else []
        raise HeaderMismatchError(
            f"the file's header does not match the one the options were made for: "
            f"expected {expected}, found {found}",
            row=0,
        )
    header = cells[index]
    if options.columns is not None:
        columns = list(options.columns)
    else:
        columns, duplicates = column_names(header, len(header))
        if duplicates:
            raise DuplicateHeaderError(
                f"duplicate column name {duplicates[0]!r}", row=0, column=duplicates[0]
            )
    return TableStart(columns, records[index].stop)


def _normalised(cells: list[str]) -> list[str]:
    stripped = [cell.strip() for cell in cells]
    while stripped and not stripped[-1]:
        stripped.pop()
    return stripped


def _header_index(cells: list[list[str]], options: ParseOptions) -> int | None:
    if options.header is None:
        return options.skip_rows if options.skip_rows < len(cells) else None
    expected = _normalised(options.header)
    # Usually exactly at skip_rows; a preamble that grew or shrank by a line is tolerated.
    order: list[int] = [options.skip_rows, *range(len(cells))]
    for index in order:
        if index < len(cells) and _normalised(cells[index]) == expected:
            return index
    return None


def _arrow_encoding(encoding: str, head: bytes) -> tuple[str, int]:
    """(encoding for pyarrow, length of the byte order mark) for a Python codec name."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return "utf8", 3 if head.startswith(codecs.BOM_UTF8) else 0
    if name == "utf-16":
        if head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16-be", 2
        return "utf-16-le", 2 if head.startswith(codecs.BOM_UTF16_LE) else 0
    return name, 0


class _RaggedRows:
    """pyarrow's invalid-row handler: remembers rows with the wrong field count, by row number."""

    def __init__(self) -> None:
        self.numbers: list[int] = []
        self.pending: list[tuple[int, int, int, str]] = []
        self._lock = threading.Lock()  # called on the reader thread, read on the consumer's

    def __call__(self, row: Any) -> str:
        number = int(row.number) if row.number is not None else -1
        with self._lock:
            self.numbers.append(number)
            self.pending.append((number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    def row_numbers(self, first_valid: int, count: int) -> np.ndarray:
        """Data row numbers of the next ``count`` good rows (1-based, ragged rows in between)."""
        valid = np.arange(first_valid, first_valid + count, dtype=np.int64)
        with self._lock:
            invalid = np.asarray(self.numbers, dtype=np.int64)
        if not len(invalid):
            return valid
        # Good rows before the j-th ragged row: its number - 1 - j.
        before = invalid - 1 - np.arange(len(invalid))
        return valid + np.searchsorted(before, valid, side="left")

    def take_until(self, last_row: int | None) -> list[tuple[int, int, int, str]]:
        with self._lock:
            if last_row is None:
                taken, self.pending = self.pending, []
                return taken
            taken = [item for item in self.pending if item[0] <= last_row]
            self.pending = [item for item in self.pending if item[0] > last_row]
            return taken

    @property
    def has_pending(self) -> bool:
        with self._lock:
            return bool(self.pending)

    @property
    def seen(self) -> int:
        with self._lock:
            return len(self.numbers)


class _Prefetcher:
    """Reads pyarrow batches on a background thread (pyarrow releases the GIL while parsing), so
    parsing the next block overlaps converting this one. At most ``depth`` batches wait."""

    _END = object()

    def __init__(self, reader: pacsv.CSVStreamingReader, depth: int = 2) -> None:
        self._reader = reader
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tally-csv-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    batch = self._reader.read_next_batch()
                except StopIteration:
                    break
                self._put(batch)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)
            return
        self._put(self._END)

    def _put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def next(self) -> pa.RecordBatch | None:
        item = self._queue.get()
        if item is self._END:
            return None
        if isinstance(item, BaseException):
            raise item
        assert isinstance(item, pa.RecordBatch)
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def parse_csv(
    stream: IO[bytes] | Readable,
    options: ParseOptions,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    block_size: int | None = None,
) -> Iterator[ParsedBatch]:
    """Parse a whole CSV stream into batches of at most ``batch_rows`` records.

    ``block_size`` (pyarrow's unit of reading, also the longest record accepted) defaults to about
    ``batch_rows`` rows as measured on the head, within ``MIN_BLOCK_SIZE``..``MAX_BLOCK_SIZE``.
    Raises an ``IngestError`` subclass for file-level problems (empty, binary, undecodable, a
    record longer than ``block_size``, a header other than ``options.header``, no data rows);
    row-level problems come back in each batch's ``errors`` and never stop the parse.
    """
    options.validate()
    opened = _open_data(stream, options)
    block = block_size if block_size is not None else _block_size(opened.sample, batch_rows)
    yield from without_edge_rows(
        _parse_rows(
            opened.data,
            opened.counting,
            options,
            opened.columns,
            opened.encoding,
            batch_rows,
            block,
        )
    )


@dataclass(frozen=True)
class _OpenedData:
    """A CSV stream positioned at its first data row, with what reading it needs."""

    data: Readable
    counting: CountingReader
    columns: list[str]
    encoding: str  # pyarrow's name for it
    sample: bytes  # the head's data rows


def _open_data(stream: IO[bytes] | Readable, options: ParseOptions) -> _OpenedData:
    """Skip the preamble and header (checked against ``options``): the data rows follow."""
    counting = CountingReader(stream)
    head, complete = read_up_to(counting, HEAD_BYTES)
    if not head:
        raise EmptyFileError("the file is empty")
    source: Readable = counting
    if detect_container(head) == "gzip":
        compressed = pa.PythonFile(PrefixedReader(head, counting), mode="r")
        source = pa.CompressedInputStream(compressed, "gzip")
        try:
            head, complete = read_up_to(source, HEAD_BYTES)
        except (OSError, pa.ArrowInvalid) as exc:
            raise BinaryFileError(f"corrupt gzip data: {exc}") from None
        if not head:
            raise EmptyFileError("the file is empty")
    elif detect_container(head) == "xlsx":
        raise BinaryFileError("this is a zip/XLSX file: read it with parse_xlsx")
    arrow_encoding, bom = _arrow_encoding(options.encoding, head)
    if not arrow_encoding.startswith("utf-16"):
        check_not_binary(head)
    text = decode_head(head, options.python_encoding, complete=complete)
    start = locate_table(text, options, complete=complete)
    if arrow_encoding == "utf8" or arrow_encoding.startswith("utf-16"):
        codec = "utf-8" if arrow_encoding == "utf8" else arrow_encoding
        data_offset = bom + len(text[: start.data_offset].encode(codec))
    else:
        data_offset = len(text[: start.data_offset].encode(options.python_encoding))
    data = PrefixedReader(head[data_offset:], source)
    return _OpenedData(data, counting, start.columns, arrow_encoding, head[data_offset:])


def read_column_values(
    stream: IO[bytes] | Readable, options: ParseOptions, columns: list[str], *, max_bytes: int
) -> Iterator[tuple[np.ndarray, list[pa.Array]]]:
    """The raw text of some columns with the rows' 1-based data row numbers, a block at a time,
    in the rows within the first ``max_bytes`` of the data (whole rows): a look down columns
    without converting rows (rows with the wrong number of fields are left out)."""
    opened = _open_data(stream, options)
    indices = [opened.columns.index(name) for name in columns if name in opened.columns]
    if not indices:
        return
    names = [f"c{i}" for i in range(len(opened.columns))]
    block = _block_size(opened.sample, DEFAULT_BATCH_ROWS)
    ragged = _RaggedRows()
    # Bounded by the bytes handed to pyarrow (which reads ahead on its own), not by a count of
    # what it has read so far, so the rows looked at do not depend on timing.
    data = LineBoundedReader(opened.data, max_bytes)
    reader = _open_reader(data, options, names, opened.encoding, block, ragged)
    good_rows = 0
    while True:
        batch = _next_batch_of(reader, block)
        if batch is None:
            return
        numbers = ragged.row_numbers(good_rows + 1, batch.num_rows)
        good_rows += batch.num_rows
        ragged.take_until(None)  # their text is not needed; keep memory flat
        yield numbers, [batch.column(index) for index in indices]


def _next_batch_of(reader: pacsv.CSVStreamingReader, block_size: int) -> pa.RecordBatch | None:
    try:
        return reader.read_next_batch()
    except StopIteration:
        return None
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _translate(exc, block_size, 0) from None


def _block_size(sample: bytes, batch_rows: int) -> int:
    """A block of about ``batch_rows`` rows (judged from the head), so batches need no copying."""
    lines = max(sample.count(b"\n"), sample.count(b"\r"), 1)
    estimate = int(len(sample) / lines * batch_rows * 0.9)
    return max(MIN_BLOCK_SIZE, min(MAX_BLOCK_SIZE, estimate))


def _parse_rows(
    data: Readable,
    counting: CountingReader,
    options: ParseOptions,
    columns: list[str],
    encoding: str,
    batch_rows: int,
    block_size: int,
) -> Iterator[ParsedBatch]:
    converter = RecordConverter(options, columns)
    names = [f"c{i}" for i in range(len(columns))]
    ragged = _RaggedRows()
    reader = _open_reader(data, options, names, encoding, block_size, ragged)
    prefetcher = _Prefetcher(reader)
    try:
        yield from _convert_batches(
            prefetcher,
            reader.schema,
            converter,
            ragged,
            counting,
            options,
            columns,
            batch_rows,
            block_size,
        )
    finally:
        prefetcher.close()


def _convert_batches(
    prefetcher: _Prefetcher,
    schema: pa.Schema,
    converter: RecordConverter,
    ragged: _RaggedRows,
    counting: CountingReader,
    options: ParseOptions,
    columns: list[str],
    batch_rows: int,
    block_size: int,
) -> Iterator[ParsedBatch]:
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    good_rows = 0
    rows_read = 0

    def emit(table: pa.Table, final: bool) -> ParsedBatch:
        nonlocal good_rows, rows_read
        numbers = ragged.row_numbers(good_rows + 1, table.num_rows)
        good_rows += table.num_rows
        last = int(numbers[-1]) if len(numbers) and not final else None
        extra_rows = ragged.take_until(last)
        errors: list[RowError] = []
        skipped: list[SkippedRow] = []
        if extra_rows:
            table, numbers = _merge_ragged(
                table, numbers, extra_rows, options, columns, errors, skipped
            )
        converted = converter.convert(table, numbers)
        errors.extend(converted.errors)
        skipped.extend(converted.skipped)
        if extra_rows:
            errors.sort(key=lambda error: error.row or 0)
            skipped.sort(key=lambda row: row.row)
        rows_read = max(rows_read, good_rows + ragged.seen)
        return ParsedBatch(converted.records, errors, skipped, counting.count, rows_read)

    while True:
        batch = _next_batch(prefetcher, block_size, good_rows + pending_rows)
        if batch is None:
            break
        if not batch.num_rows:
            continue
        if not pending and batch.num_rows <= batch_rows:
            # The usual case (blocks are sized to about batch_rows rows): no copy at all.
            yield emit(pa.Table.from_batches([batch]), final=False)
            continue
        pending.append(batch)
        pending_rows += batch.num_rows
        while pending_rows >= batch_rows:
            table = pa.Table.from_batches(pending)
            yield emit(table.slice(0, batch_rows), final=False)
            rest = table.slice(batch_rows)
            pending = rest.to_batches()
            pending_rows = rest.num_rows
    if pending_rows or ragged.has_pending:
        table = pa.Table.from_batches(pending, schema=schema)
        yield emit(table, final=True)
    if not rows_read and not good_rows:
        raise NoDataError("the file has no data rows")


def _open_reader(
    data: Readable,
    options: ParseOptions,
    names: list[str],
    encoding: str,
    block_size: int,
    ragged: _RaggedRows,
) -> pacsv.CSVStreamingReader:
    read_options = pacsv.ReadOptions(
        use_threads=False,  # serial parsing keeps invalid rows' numbers (and is as fast here)
        block_size=block_size,
        column_names=names,
        encoding=encoding,
    )
    parse_options = pacsv.ParseOptions(
        delimiter=options.delimiter,
        quote_char=options.quotechar or False,
        double_quote=True,
        escape_char=False,
        newlines_in_values=True,
        ignore_empty_lines=True,
        invalid_row_handler=ragged,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        return pacsv.open_csv(
            data,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _translate(exc, block_size, 0) from None
    except StopIteration:  # pragma: no cover - pyarrow raises on an empty stream
        raise NoDataError("the file has no data rows") from None


def _next_batch(
    prefetcher: _Prefetcher, block_size: int, rows_so_far: int
) -> pa.RecordBatch | None:
    try:
        return prefetcher.next()
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _translate(exc, block_size, rows_so_far) from None


def _translate(exc: Exception, block_size: int, rows_so_far: int) -> IngestError:
    near = rows_so_far + 1
    if isinstance(exc, UnicodeDecodeError):
        return EncodingError(f"the bytes are not valid {exc.encoding} near row {near}")
    message = str(exc)
    if "straddling" in message or "block size" in message:
        return LineTooLongError(
            f"a line (or quoted cell) near row {near} is longer than {block_size:,} bytes"
        )
    if "UTF8" in message or "UTF-8" in message:
        return EncodingError(f"invalid UTF-8 near row {near}; is the encoding right?")
    if "Empty CSV file" in message:
        return NoDataError("the file has no data rows")
    return MalformedCsvError(f"cannot parse the CSV near row {near}: {message}")


def _merge_ragged(
    table: pa.Table,
    numbers: np.ndarray,
    extra_rows: list[tuple[int, int, int, str]],
    options: ParseOptions,
    columns: list[str],
    errors: list[RowError],
    skipped: list[SkippedRow],
) -> tuple[pa.Table, np.ndarray]:
    """Report rows with the wrong field count, or (``pad``) repair them into the table."""
    width = len(columns)
    repaired: list[list[str]] = []
    repaired_numbers: list[int] = []
    for number, expected, actual, text in extra_rows:
        cells = parse_record(text, options.delimiter, options.quotechar)
        if options.ragged_rows == "pad" and all(not cell.strip() for cell in cells[width:]):
            repaired.append((cells + [""] * width)[:width])
            repaired_numbers.append(number)
            continue
        reason = f"expected {expected} fields, found {actual}"
        errors.append(RowError(number, None, text[:200], reason, "column_count"))
        skipped.append(SkippedRow(number, cells, [reason]))
    if not repaired:
        return table, numbers
    extra = pa.table(
        {
            name: pa.array([row[i] for row in repaired], pa.string())
            for i, name in enumerate(table.column_names)
        }
    )
    merged = pa.concat_tables([table, extra])
    all_numbers = np.concatenate([numbers, np.asarray(repaired_numbers, dtype=np.int64)])
    order = np.argsort(all_numbers, kind="stable")
    return merged.take(pa.array(order)), all_numbers[order]
