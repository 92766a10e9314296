"""What can go wrong while reading a file, as one exception family and two plain row records.

File-level problems (empty, binary, unknown encoding, a line longer than the block size, a header
that does not match the options) raise an ``IngestError`` subclass. Row-level problems (a bad amount,
an unparseable date, a row with the wrong number of fields) never raise while parsing: they come
back as ``RowError`` values next to the records, and the caller decides to reject the file
(``raise_for_errors``) or to skip the rows (``SkippedRow`` keeps their raw cells for download).

The engine stays free of web imports, so these do not derive from ``tally.kit.errors.TallyError``;
the sources service translates them (each carries ``reason``, ``row`` and ``column``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


class IngestError(Exception):
    """Base of every error the ingestion engine raises.

    ``row`` is the 1-based data row (0 for the header row, None when the problem is not tied to a
    row), ``column`` the file's column name when one is concerned.
    """

    code = "ingest_error"

    def __init__(
        self,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.reason = reason
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.row is not None:
            where.append("header row" if self.row == 0 else f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class EmptyFileError(IngestError):
    """The file has no content, or nothing but blank lines."""

    code = "empty_file"


class NoDataError(IngestError):
    """The file has a header (and maybe a preamble) but no data rows."""

    code = "no_data"


class BinaryFileError(IngestError):
    """The bytes are not text: binary junk, an image, a legacy .xls, a zip that is not a workbook."""

    code = "binary_file"


class EncodingError(IngestError):
    """The text encoding is unknown, or the bytes do not decode in the chosen encoding."""

    code = "encoding"


class LineTooLongError(IngestError):
    """A line (or a quoted cell spanning lines) is longer than the bounded block size."""

    code = "line_too_long"


class MalformedCsvError(IngestError):
    """The CSV structure cannot be parsed (for example an unterminated quoted field)."""

    code = "malformed_csv"


class DuplicateHeaderError(IngestError):
    """Two header cells carry the same name, so a mapping by name would be ambiguous."""

    code = "duplicate_header"


class HeaderMismatchError(IngestError):
    """The file's header is not the one the stored parse options were made for."""

    code = "header_mismatch"


class MappingError(IngestError):
    """The column mapping is incomplete or names unknown columns (amount and date are required)."""

    code = "mapping"


class OptionsError(IngestError):
    """The parse options are invalid (unknown key, bad delimiter, unsupported date format...)."""

    code = "options"


class RowRejectedError(IngestError):
    """A row failed conversion and the caller chose to reject the file (see ``raise_for_errors``)."""

    code = "row_rejected"


class ColumnCountError(RowRejectedError):
    """A row has a different number of fields than the header."""

    code = "column_count"


class InvalidAmountError(RowRejectedError):
    """A cell of an amount column is not an amount."""

    code = "invalid_amount"


class AmountPrecisionError(InvalidAmountError):
    """An amount has more than four decimal places, which Tally cannot store exactly."""

    code = "amount_precision"


class InvalidDateError(RowRejectedError):
    """A cell of a date column is not a date in the chosen format."""

    code = "invalid_date"


class MissingValueError(RowRejectedError):
    """A required field (amount, booking date) is empty."""

    code = "missing_value"


class InvalidValueError(RowRejectedError):
    """A cell is not valid for its field (a currency that is not a code, an unknown D/C marker)."""

    code = "invalid_value"


_ROW_ERRORS: dict[str, type[RowRejectedError]] = {
    cls.code: cls
    for cls in (
        ColumnCountError,
        InvalidAmountError,
        AmountPrecisionError,
        InvalidDateError,
        MissingValueError,
        InvalidValueError,
    )
}


@dataclass(frozen=True, slots=True)
class RowError:
    """One conversion problem: which data row (1-based; 0 = header), which column, what and why."""

    row: int | None
    column: str | None
    value: str | None
    reason: str
    code: str = "invalid_value"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_exception(self) -> IngestError:
        if self.code == DuplicateHeaderError.code:
            return DuplicateHeaderError(self.reason, row=self.row, column=self.column)
        if self.code == MappingError.code:
            return MappingError(self.reason, column=self.column)
        cls = _ROW_ERRORS.get(self.code, RowRejectedError)
        return cls(self.reason, row=self.row, column=self.column, value=self.value)


@dataclass(slots=True)
class SkippedRow:
    """A data row left out of the records, with its raw cells, for the 'skipped rows' download."""

    row: int
    cells: list[str]
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def raise_for_errors(errors: Sequence[RowError]) -> None:
    """Reject semantics: raise the first error as its ``IngestError`` subclass (nothing if none)."""
    if errors:
        raise errors[0].to_exception()


# A table's first and last rows may be its preamble or footer (a starting balance, 'Pending'
# entries, totals, disclaimers) rather than entries. Rows without any date that do not read as
# entries, before the first entry (at most this many) or after the last one (at most this many),
# are left out as skipped rows instead of failing the file. A failing row that holds a date is an
# entry gone wrong, so its neighbours at that end are errors too.
# A cell that starts like a date, valid or not ('2026-13-45' is an entry with a bad date, not a
# footer), unlike 'Pending', 'Total' or 'Date downloaded 01/24/2023'.
DATE_SHAPE = re.compile(
    r"^\s*(?:\d{1,4}[-./]\d{1,2}[-./]\d{1,4}|\d{8}(?:\D|$)|\d{1,2} [A-Za-z]{3})"
)
MAX_LEADING_ROWS = 5
MAX_TRAILING_ROWS = 30


def edge_rows(
    failing: Collection[int],
    first_good: int,
    last_good: int,
    cells: Mapping[int, Sequence[str]],
    *,
    leading: bool,
    trailing: bool,
) -> set[int]:
    """Which of the ``failing`` row numbers are the table's preamble or footer (see above)."""

    def dateless(rows: list[int]) -> bool:
        return all(not any(DATE_SHAPE.match(cell) for cell in cells.get(row, ())) for row in rows)

    edge: set[int] = set()
    before = sorted(row for row in failing if row < first_good)
    if leading and before and len(before) <= MAX_LEADING_ROWS and dateless(before):
        edge.update(before)
    after = sorted(row for row in failing if row > last_good)
    if trailing and after and len(after) <= MAX_TRAILING_ROWS and dateless(after):
        edge.update(after)
    return edge


def split_edge_errors(
    errors: Sequence[RowError],
    cells: Mapping[int, Sequence[str]],
    row_numbers: Sequence[int],
    *,
    trailing: bool,
) -> tuple[list[RowError], list[int]]:
    """(the errors to report, the edge rows left out) for rows ``row_numbers`` (in order, failing
    or not) whose ``cells`` are known; trailing rows only count when they end the file."""
    failing = {error.row for error in errors if error.row}
    good = [number for number in row_numbers if number not in failing]
    if not good or not failing:
        return list(errors), []
    edge = edge_rows(failing, good[0], good[-1], cells, leading=True, trailing=trailing)
    return [error for error in errors if error.row not in edge], sorted(edge)
