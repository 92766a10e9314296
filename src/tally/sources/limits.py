"""How far one upload may expand, checked before the parsers see it.

A 560 KB gzip became 10,485,760 rows and ~1 GB of database in 83 s; an XLSX zip bomb (1.6 MB zip,
423 MB sheet) took 39.7 s of preflight; a 0.9 MB CSV of 100k columns ~50 s. So before preflight:
- gzip: decompressed in bounded chunks, refused as soon as it expands more than
  TALLY_MAX_COMPRESSION_RATIO times the compressed bytes read so far (a bomb shows itself within
  its first kilobytes) or past TALLY_MAX_EXPANDED_BYTES. The upload request reads at most
  ``PROBE_BYTES`` of output; the background load checks the whole stream before parsing it.
- XLSX: the zip directory's declared sizes (zipfile never reads past them), per part against the
  ratio, per sheet against TALLY_MAX_SHEET_BYTES, in total against TALLY_MAX_EXPANDED_BYTES.
- columns: the first lines of a delimited text file, then the parsed header of every format,
  against TALLY_MAX_COLUMNS.
Rows per source (TALLY_MAX_SOURCE_ROWS) are counted by the load itself (tally.sources.ingestion).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tally.config import Settings
from tally.ingest.sniff import HEADER_SEARCH_RECORDS
from tally.kit.errors import TallyError

PROBE_BYTES = 64 * 1024**2  # decompressed bytes the upload request looks at
_CHUNK = 1024**2
_MIN_RATIO_SAMPLE = 4 * 1024**2  # judge the ratio once this much has been decompressed
_DELIMITERS = (b",", b";", b"\t", b"|")
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_SHEET_PROBE_BYTES = 8 * _CHUNK  # of a sheet's XML, for the columns of its first rows
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})[0-9]+\"")


class ExpansionTooLarge(TallyError):
    """The file expands beyond a configured limit once decompressed."""

    status_code = 413


class TooManyColumns(TallyError):
    """The file has more columns than the configured limit."""

    status_code = 422


@dataclass(frozen=True, slots=True)
class SourceLimits:
    max_expanded_bytes: int
    max_ratio: int
    max_sheet_bytes: int
    max_columns: int

    @classmethod
    def of(cls, settings: Settings) -> SourceLimits:
        return cls(
            max_expanded_bytes=settings.max_expanded_bytes,
            max_ratio=settings.max_compression_ratio,
            max_sheet_bytes=settings.max_sheet_bytes,
            max_columns=settings.max_columns,
        )

    def check_columns(self, columns: int) -> None:
        if columns > self.max_columns:
            raise TooManyColumns(
                f"The file has {columns} columns; at most {self.max_columns} are read "
                "(TALLY_MAX_COLUMNS)"
            )


def check_upload(head: bytes, path: Path | None, limits: SourceLimits) -> None:
    """Refuse a file (its ``head``, and the whole file at ``path`` when there is one) that would
    expand beyond ``limits``: blocking, run it in a thread. Reads at most PROBE_BYTES of output."""
    if head.startswith(_GZIP_MAGIC):
        text = _check_gzip(path, head, limits, probe=PROBE_BYTES)
    elif head.startswith(_ZIP_MAGIC):
        _check_zip(path if path is not None else io.BytesIO(head), limits)
        return
    else:
        text = head
    _check_first_lines(text, limits)


def check_whole_file(path: Path, limits: SourceLimits) -> None:
    """The full expansion check of a stored upload, before the background load parses it."""
    if not path.is_file():
        # Only a regular file can be read twice (here, then by the load); stored uploads always
        # are. A named pipe at the upload path, which feeds a load held open mid-way, is read
        # once, by the load.
        return
    with path.open("rb") as stream:
        magic = stream.read(4)
    if magic.startswith(_GZIP_MAGIC):
        _check_gzip(path, magic, limits, probe=None)
    elif magic.startswith(_ZIP_MAGIC):
        _check_zip(path, limits)


def _check_gzip(
    path: Path | None, head: bytes, limits: SourceLimits, *, probe: int | None
) -> bytes:
    """Decompress (every member) until ``probe`` output bytes; returns the first megabyte."""
    stream: IO[bytes] = path.open("rb") if path is not None else io.BytesIO(head)
    first = bytearray()
    consumed = produced = 0
    decompressor = zlib.decompressobj(wbits=31)
    try:
        while probe is None or produced < probe:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            consumed += len(chunk)
            pending = chunk
            while pending:
                data = decompressor.decompress(pending, _CHUNK)
                produced += len(data)
                if len(first) < _CHUNK:
                    first += data[: _CHUNK - len(first)]
                _judge(produced, consumed, limits)
                if decompressor.eof:  # another gzip member may follow
                    pending = decompressor.unused_data
                    decompressor = zlib.decompressobj(wbits=31)
                else:
                    pending = decompressor.unconsumed_tail
    except zlib.error:
        pass  # corrupt data: the parser reports it with its own words
    finally:
        stream.close()
    return bytes(first)


def _judge(produced: int, consumed: int, limits: SourceLimits) -> None:
    if produced > limits.max_expanded_bytes:
        raise ExpansionTooLarge(
            f"The file expands beyond {limits.max_expanded_bytes} bytes once decompressed "
            "(TALLY_MAX_EXPANDED_BYTES)"
        )
    if produced >= _MIN_RATIO_SAMPLE and produced > limits.max_ratio * consumed:
        raise ExpansionTooLarge(
            f"The file expands more than {limits.max_ratio} times when decompressed "
            "(TALLY_MAX_COMPRESSION_RATIO): refused as a compression bomb"
        )


def _check_zip(path: Path | IO[bytes], limits: SourceLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_sizes(parts, limits)
            for part in parts:
                if _SHEET_PART.fullmatch(part.filename):
                    limits.check_columns(_widest_sheet_row(archive, part))
    # Not a readable workbook (damaged, encrypted, an unknown compression): the reader says so.
    except (zipfile.BadZipFile, OSError, zlib.error, NotImplementedError, RuntimeError):
        return


def _widest_sheet_row(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """The widest of a sheet's first rows (where preflight looks for the header), from its XML:
    cells counted, and a cell's reference (r="XFD1") as far to the right as it sits."""
    with archive.open(part) as stream:
        xml = stream.read(_SHEET_PROBE_BYTES)
    rows = _ROW_END.split(xml, HEADER_SEARCH_RECORDS + 1)[: HEADER_SEARCH_RECORDS + 1]
    widest = 0
    for row in rows:
        widest = max(widest, len(_CELL.findall(row)))
        for letters in _CELL_COLUMN.findall(row):
            widest = max(widest, _column_number(letters))
    return widest


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _check_sizes(parts: list[zipfile.ZipInfo], limits: SourceLimits) -> None:
    total = 0
    for part in parts:
        total += part.file_size
        is_sheet = part.filename.startswith("xl/worksheets/")
        if is_sheet and part.file_size > limits.max_sheet_bytes:
            raise ExpansionTooLarge(
                f"Sheet {part.filename} is {part.file_size} bytes uncompressed; at most "
                f"{limits.max_sheet_bytes} (TALLY_MAX_SHEET_BYTES)"
            )
        if part.file_size >= _MIN_RATIO_SAMPLE and part.file_size > limits.max_ratio * max(
            part.compress_size, 1
        ):
            raise ExpansionTooLarge(
                f"{part.filename} expands more than {limits.max_ratio} times "
                "(TALLY_MAX_COMPRESSION_RATIO): refused as a compression bomb"
            )
    if total > limits.max_expanded_bytes:
        raise ExpansionTooLarge(
            f"The workbook expands to {total} bytes; at most {limits.max_expanded_bytes} "
            "(TALLY_MAX_EXPANDED_BYTES)"
        )


def _check_first_lines(head: bytes, limits: SourceLimits) -> None:
    """Count the fields of the lines where preflight looks for the header, for each common
    delimiter: a header of 100k columns, below a title or not, is refused before the parser
    sniffs it (which costs time in the number of columns)."""
    if head.lstrip()[:1] in (b"<", b"{"):
        return  # XML and JSON statements: a fixed set of fields
    lines = head[: 4 * _CHUNK].split(b"\n", HEADER_SEARCH_RECORDS + 1)[: HEADER_SEARCH_RECORDS + 1]
    # Delimiters inside quotes count too: a header with a thousand quoted commas is no table.
    widest = max(line.count(delimiter) + 1 for line in lines for delimiter in _DELIMITERS)
    limits.check_columns(widest)
