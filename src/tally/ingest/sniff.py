"""Sniffing the head of a file: compression, binary junk, encoding, records, dialect, header.

Everything here works on the first bytes of a file (a few hundred rows at most) with the standard
library; the bulk parse never comes back here except to locate the header of each file it reads.
"""

from __future__ import annotations

import codecs
import csv
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tally.ingest.amounts import looks_like_amount
from tally.ingest.dates import looks_like_date
from tally.ingest.encodings import legacy_encoding
from tally.ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    LineTooLongError,
)

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}

DELIMITERS = (",", ";", "\t", "|")
HEADER_SEARCH_RECORDS = 60  # how far down a header may sit below a title or key/value preamble
# Control characters other than tab, LF, CR and form feed; a text file has (almost) none.
_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"
_CONTROL_TABLE = bytes.maketrans(_CONTROL_BYTES, b"\x00" * len(_CONTROL_BYTES))


def detect_container(head: bytes) -> str | None:
    """'gzip' or 'xlsx' for those containers, None for plain text; refuse other binary formats."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise BinaryFileError(
            "this is a legacy Excel (.xls) or other OLE2 file; save it as .xlsx or CSV"
        )
    for magic, what in _OTHER_MAGIC.items():
        if head.startswith(magic):
            raise BinaryFileError(f"this is {what}, not a CSV or XLSX file")
    return None


def gunzip_head(head: bytes, limit: int) -> tuple[bytes, bool]:
    """Decompress the start of a gzip stream: (up to ``limit`` bytes, whether that is all of it)."""
    decompressor = zlib.decompressobj(wbits=31)
    try:
        data = decompressor.decompress(head, limit)
    except zlib.error as exc:
        raise BinaryFileError(f"corrupt gzip data: {exc}") from None
    complete = decompressor.eof and not decompressor.unconsumed_tail
    return data, bool(complete and not decompressor.unused_data)


def detect_encoding(head: bytes, *, complete: bool) -> str:
    """The text encoding of the head: utf-8-sig, utf-16 (with BOM), utf-8 or a legacy code page.

    Text that is not valid UTF-8 is read in the code page it reads best in (``encodings``:
    cp1252, cp1250, cp932 or GB18030); a file that none decodes is refused rather than decoded
    into mojibake.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    check_not_binary(head)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    encoding = legacy_encoding(head, complete=complete)
    if encoding is None:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"unknown text encoding: neither UTF-8 nor a Windows code page (cp1252, cp1250, "
                f"cp1251, cp932, cp949, GB18030) (byte 0x{head[exc.start]:02x} at offset {exc.start}); set the "
                "encoding explicitly"
            ) from None
        return "cp1252"
    return encoding


def check_not_binary(head: bytes) -> None:
    """Refuse bytes that are not text: NULs, or more than 1% control characters."""
    if not head:
        return
    if b"\x00" in head:
        raise BinaryFileError("the file contains NUL bytes: it is binary, not text")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls * 100 > len(head):
        raise BinaryFileError("the file is mostly not text (control characters)")


def decode_head(head: bytes, encoding: str, *, complete: bool) -> str:
    """Decode the head; a multi-byte character cut at the end is held back, not an error."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise EncodingError(f"unknown encoding {encoding!r}") from None
    try:
        text = decoder.decode(head, final=complete)
    except UnicodeDecodeError as exc:
        line = head.count(b"\n", 0, exc.start) + 1
        raise EncodingError(
            f"the bytes are not valid {encoding} (line {line}, offset {exc.start})"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One CSV record of the decoded head: its cells and its span (``stop`` is past the line break)."""

    cells: list[str]
    start: int
    stop: int


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def rough_lines(text: str, quotechar: str | None, max_records: int = 200) -> list[str]:
    """Records split by quote parity alone: good enough to choose a delimiter, nothing more."""
    lines: list[str] = []
    start = scanned = quotes = 0
    for match in _LINE_BREAK.finditer(text):
        if quotechar:
            quotes += text.count(quotechar, scanned, match.start())
            scanned = match.end()
        if quotes % 2:
            continue
        if match.start() > start:
            lines.append(text[start : match.start()])
            if len(lines) >= max_records:
                break
        start = match.end()
    if not lines and text[start:].strip():
        lines.append(text[start:])  # a single line without a line break
    return lines


def read_records(
    text: str,
    delimiter: str,
    quotechar: str | None,
    *,
    complete: bool,
    max_records: int | None = None,
) -> list[RawRecord]:
    """The CSV records of the head with their cells and character spans; blank lines left out.

    The csv module reads the lines one at a time, so each record's span is known. Unless
    ``complete``, the text after the last line break is a partial line, and a record still inside
    a quoted cell at the end of the head was cut: both are dropped.
    """
    ends = [match.end() for match in _LINE_BREAK.finditer(text)]
    if complete and (not ends or ends[-1] < len(text)):
        ends.append(len(text))
    consumed = 0
    exhausted = False

    def lines() -> Iterator[str]:
        nonlocal consumed, exhausted
        start = 0
        for end in ends:
            consumed += 1
            yield text[start:end]
            start = end
        # Reached only when the reader wants a line after the last one: it was inside a quoted
        # cell, so (unless the text is complete) that record was cut and must not be used.
        exhausted = True

    if quotechar:
        reader = csv.reader(lines(), delimiter=delimiter, quotechar=quotechar, strict=False)
    else:
        reader = csv.reader(lines(), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    records: list[RawRecord] = []
    first_line = 0
    try:
        for cells in reader:
            if exhausted and not complete:
                break
            start = ends[first_line - 1] if first_line else 0
            stop = ends[consumed - 1]
            first_line = consumed
            if cells:
                records.append(RawRecord(cells, start, stop))
                if max_records is not None and len(records) > max_records:
                    break
    except csv.Error:
        pass  # a NUL or a line the csv module refuses: keep what came before
    if max_records is not None:
        del records[max_records:]
    return records


def parse_record(text: str, delimiter: str, quotechar: str | None) -> list[str]:
    """The cells of one record's text, as the bulk parser sees them."""
    if quotechar:
        reader = csv.reader([text], delimiter=delimiter, quotechar=quotechar, strict=False)
    else:
        reader = csv.reader([text], delimiter=delimiter, quoting=csv.QUOTE_NONE)
    try:
        return next(reader)
    except (StopIteration, csv.Error):
        return [text]


def ensure_records(text: str, head_size: int, records: Sequence[object]) -> None:
    """Raise for a head with no content, or one whose first line never ends (bounded memory)."""
    if not records:
        if not text.strip():
            raise EmptyFileError("the file is empty")
        raise LineTooLongError(
            f"no complete line in the first {head_size:,} bytes: the file is one huge line "
            "or not a line-oriented text file"
        )


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quotechar: str | None
    field_count: int  # the most common number of fields per record
    consistent: bool  # whether a delimiter was found at all


def detect_dialect(lines: Sequence[str]) -> Dialect:
    """Pick the delimiter (and quote character) giving the most records the same field count."""
    sample = list(lines[:200])
    best: tuple[int, int, int] | None = None
    chosen = Dialect(",", '"', 1, False)
    for rank, (delimiter, quotechar) in enumerate(
        [(d, '"') for d in DELIMITERS] + [(d, "'") for d in DELIMITERS]
    ):
        if quotechar == "'" and any('"' in line for line in sample):
            continue
        counts = Counter(len(parse_record(line, delimiter, quotechar)) for line in sample)
        counts.pop(1, None)
        if not counts:
            continue
        width = _table_width(counts)
        # The delimiter that yields the biggest consistent table (in cells) wins: decimal commas
        # inside a ';' file's quoted amounts make a few consistent 2-field lines, not a table.
        score = (width * counts[width], counts[width], -rank)
        if best is None or score > best:
            best = score
            chosen = Dialect(delimiter, quotechar, width, True)
    if chosen.quotechar == "'":
        # Only quote with apostrophes when that changes the fields (a delimiter inside '...').
        plain = Counter(len(parse_record(line, chosen.delimiter, '"')) for line in sample)
        if plain[chosen.field_count] >= (best[1] if best else 0):
            chosen = Dialect(chosen.delimiter, '"', chosen.field_count, True)
    return chosen


def _table_width(counts: Counter[int]) -> int:
    """The table's width: of the field counts seen on at least two records, the one covering the
    most cells. A key/value preamble can have more lines than a short table has rows (8 lines of
    3 fields above 4 rows of 15), but never more cells."""
    repeated = {count: hits for count, hits in counts.items() if hits >= 2} or counts
    return max(repeated.items(), key=lambda item: (item[0] * item[1], item[1]))[0]


def cell_kind(value: str) -> str:
    """'empty', 'date', 'amount' or 'text' (dates win over amounts: 20200101 is a date)."""
    value = value.strip()
    if not value:
        return "empty"
    if not any(ch.isdigit() for ch in value):
        return "text"
    if looks_like_date(value):
        return "date"
    if looks_like_amount(value):
        return "amount"
    return "text"


def _is_header_like(cells: Sequence[str], field_count: int) -> bool:
    kinds = [cell_kind(cell) for cell in cells]
    filled = [kind for kind in kinds if kind != "empty"]
    if len(filled) < max(2, (field_count + 1) // 2):
        return False
    if "date" in filled:
        return False
    return filled.count("text") * 5 >= len(filled) * 4


def _is_data_like(cells: Sequence[str], field_count: int) -> bool:
    if len(cells) < max(2, field_count // 2):
        return False
    return any(cell_kind(cell) in ("date", "amount") for cell in cells)


def _is_entry_like(cells: Sequence[str], field_count: int) -> bool:
    """A row that starts a table without a header: two typed cells at least (a date and an amount,
    or two amounts). One value alone is a preamble's key/value line ('Solde au 14/03;8 254,10')."""
    if len(cells) < max(2, field_count // 2):
        return False
    return sum(cell_kind(cell) in ("date", "amount") for cell in cells) >= 2


@dataclass(frozen=True)
class HeaderGuess:
    """Where the table starts: the header row index (None: no header) and the records skipped."""

    header_index: int | None
    skip_rows: int


def find_header(rows: Sequence[Sequence[str]], field_count: int) -> HeaderGuess:
    """Find the header among the first rows, skipping titles and key/value preambles.

    The header is the first row, before any data-looking row, whose cells are mostly filled with
    text (no dates, at most one number in five) and which is followed by a data-looking row.
    """
    limit = min(len(rows), HEADER_SEARCH_RECORDS)
    for index in range(limit):
        cells = rows[index]
        if _is_header_like(cells, field_count):
            following = rows[index + 1 : index + 4]
            if not following or any(_is_data_like(row, field_count) for row in following):
                if len(cells) < field_count and not any(len(r) >= field_count for r in following):
                    # A narrower table above the main one (Bank of America's summary block of
                    # balances and totals): the header of the full-width table is further down.
                    wider = find_header(rows[index + 1 : limit], field_count)
                    if wider.header_index is not None:
                        return HeaderGuess(
                            index + 1 + wider.header_index, index + 1 + wider.skip_rows
                        )
                return HeaderGuess(index, index)
        if _is_entry_like(cells, field_count) and len(cells) >= field_count - 1:
            return HeaderGuess(None, index)
    return HeaderGuess(None, 0)


def column_names(header: Sequence[str], field_count: int) -> tuple[list[str], list[str]]:
    """(unique column names, duplicated names) from a header row.

    Trailing empty header cells beyond the data's field count are dropped (a header that ends with
    a delimiter); other empty cells become ``column_N``; a repeated name gets `` (2)``.
    """
    cells = [cell.strip() for cell in header]
    while len(cells) > field_count and not cells[-1]:
        cells.pop()
    names: list[str] = []
    duplicates: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        name = cell or f"column_{position}"
        if name in seen:
            duplicates.append(name)
            suffix = 2
            while f"{name} ({suffix})" in seen:
                suffix += 1
            name = f"{name} ({suffix})"
        seen.add(name)
        names.append(name)
    for position in range(len(names) + 1, field_count + 1):
        names.append(f"column_{position}")
    return names, duplicates


def generated_names(field_count: int) -> list[str]:
    return [f"column_{position}" for position in range(1, field_count + 1)]


def looks_whole(head: bytes, head_limit: int) -> bool:
    """Whether bytes sent without saying if they are the whole file probably are: shorter than
    what preflight reads of a file (``head_limit``), and ending with a line break or with a last
    line as wide as the rest (a file without a final newline), not with a cut row."""
    if len(head) >= head_limit:
        return False
    try:
        if detect_container(head) is not None:
            return False
    except BinaryFileError:
        return False  # not text at all: preflight refuses it, naming what it is (a 422, not a 500)
    if head.endswith((b"\n", b"\r")):
        return True
    try:
        text = decode_head(head, detect_encoding(head, complete=True), complete=True)
    except (EncodingError, BinaryFileError):
        return False
    breaks = list(_LINE_BREAK.finditer(text))
    if not breaks:
        return True  # one line: nothing to compare it with
    lines = rough_lines(text[: breaks[-1].end()], '"')
    dialect = detect_dialect(lines)
    last = parse_record(text[breaks[-1].end() :], dialect.delimiter, dialect.quotechar)
    return len(last) >= dialect.field_count


_UNIT_IN_NAME = re.compile(r"\(([^()]+)\)\s*$")


def sub_header_names(columns: Sequence[str], below: Sequence[str]) -> list[str] | None:
    """Column names from a two-row header, or None when the row below the header is not one.

    A spreadsheet header often spans a merged top cell over two sub-columns ('Amount' over
    'Debit' | 'Credit'): the top row leaves the second cell empty (read as ``column_N``), the row
    below holds only labels, one of them under that empty cell. Each label then names its column,
    with the unit in parentheses of the top cell it sits under (the nearest named one to the
    left: 'Betrag (EUR)' over 'Soll' gives 'Soll (EUR)'; the top cell's own words would name the
    sub-columns alike). The label row stays the table's first row, left out as the table's edge.
    """
    labels = [cell.strip() for cell in below][: len(columns)]
    if not any(labels) or any(cell_kind(label) in ("date", "amount") for label in labels if label):
        return None
    generated = {f"column_{position}" for position in range(1, len(columns) + 1)}
    if not any(label and columns[i] in generated for i, label in enumerate(labels)):
        return None
    names: list[str] = []
    parent = ""
    for index, name in enumerate(columns):
        if name not in generated:
            parent = name
        label = labels[index] if index < len(labels) else ""
        unit = _UNIT_IN_NAME.search(parent)
        names.append(f"{label} ({unit.group(1)})" if label and unit else label or name)
    unique, _ = column_names(names, len(names))
    return unique
