"""Bank statement formats: OFX/QFX, ISO 20022 CAMT.052/053/054, SWIFT MT940/MT942 and BAI2.

Pure parsers over byte streams (no database, HTTP or filesystem access). Each yields
``ParsedStatementBatch`` objects whose ``records`` have exactly ``tally.ingest.records.RECORD_SCHEMA``;
``check_balance`` verifies each statement's entries against its balances. Errors are
``FormatError`` subclasses with a ``position`` and a ``reason``.

Typical use by a task::

    with path.open("rb") as stream:
        sums: dict[int, int] = {}
        for batch in parse_statement(stream):
            load(batch.records)
            index = batch.statement.index
            sums[index] = sums.get(index, 0) + (pc.sum(batch.records["amount"]).as_py() or 0)
            if batch.complete:
                report(check_balance(batch.statement, sums[index]), batch.errors)
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator, Mapping
from typing import BinaryIO, Protocol

from tally.ingest.formats._common import DEFAULT_BATCH_ROWS
from tally.ingest.formats._stream import Readable, peek
from tally.ingest.formats.bai2 import parse_bai2
from tally.ingest.formats.camt import parse_camt, parse_camt052, parse_camt053, parse_camt054
from tally.ingest.formats.detect import DETECT_BYTES, DetectedFormat, detect_format, is_gzip
from tally.ingest.formats.errors import (
    FormatError,
    Issue,
    MalformedFileError,
    Position,
    UnsafeXmlError,
    UnsupportedFormatError,
)
from tally.ingest.formats.mt940 import parse_mt940, parse_mt942
from tally.ingest.formats.ofx import parse_ofx
from tally.ingest.formats.statement import (
    BalanceCheck,
    ParsedStatementBatch,
    Statement,
    StatementFormat,
    check_balance,
)

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "PARSERS",
    "BalanceCheck",
    "DetectedFormat",
    "FormatError",
    "Issue",
    "MalformedFileError",
    "ParsedStatementBatch",
    "Position",
    "Statement",
    "StatementFormat",
    "StatementParser",
    "UnsafeXmlError",
    "UnsupportedFormatError",
    "check_balance",
    "detect_format",
    "parse_bai2",
    "parse_camt",
    "parse_camt052",
    "parse_camt053",
    "parse_camt054",
    "parse_mt940",
    "parse_mt942",
    "parse_ofx",
    "parse_statement",
]


class StatementParser(Protocol):
    def __call__(
        self, stream: BinaryIO | Readable, *, batch_rows: int = ...
    ) -> Iterator[ParsedStatementBatch]: ...


PARSERS: Mapping[str, StatementParser] = {
    "ofx": parse_ofx,
    "camt.053": parse_camt053,
    "camt.052": parse_camt052,
    "camt.054": parse_camt054,
    "mt940": parse_mt940,
    "mt942": parse_mt942,
    "bai2": parse_bai2,
}


def parse_statement(
    stream: BinaryIO | Readable,
    *,
    format: StatementFormat | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Iterator[ParsedStatementBatch]:
    """Detect the format by content (unless given) and parse; gzip-compressed files are opened.

    Raises ``UnsupportedFormatError`` for CSV/XLSX content, which the CSV engine reads.
    """
    head, source = peek(stream, DETECT_BYTES)
    if not is_gzip(head):
        yield from _dispatch(head, source, format, batch_rows)
        return
    try:
        unpacked = gzip.GzipFile(fileobj=source, mode="rb")  # type: ignore[call-overload]
        head, source = peek(unpacked, DETECT_BYTES)
        yield from _dispatch(head, source, format, batch_rows)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise MalformedFileError(
            f"corrupt or truncated gzip data ({exc})", format=format or "gzip"
        ) from None


def _dispatch(
    head: bytes, source: Readable, format: StatementFormat | None, batch_rows: int
) -> Iterator[ParsedStatementBatch]:
    detected = format or detect_format(head)
    parser = PARSERS.get(detected)
    if parser is None:
        raise UnsupportedFormatError(
            f"{detected} content is a table, not a statement: the CSV/XLSX engine reads it",
            format=detected,
        )
    yield from parser(source, batch_rows=batch_rows)
