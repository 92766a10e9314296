"""Preflight: from the head of a file, propose how to parse it and show what would go wrong.

``preflight(head)`` detects compression, encoding, dialect, preamble and header, proposes a
column mapping, the decimal separator and the date format, then runs the first ``max_rows`` data
rows through the same conversion as the bulk parse and reports every problem by row and column.
Nothing is guessed silently: an ambiguous date format (01/02/2023) is left unset with a warning
and must be chosen. Any detection can be overridden by passing it in; the result's ``options``
are what ``parse_csv`` takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa

from tally.ingest.amounts import currency_of_symbols, detect_decimal_separator
from tally.ingest.convert import RecordConverter
from tally.ingest.dates import EXCEL, date_order_tiebreak, detect_date_format, is_day_first
from tally.ingest.errors import (
    BinaryFileError,
    EmptyFileError,
    IngestError,
    LineTooLongError,
    NoDataError,
    RowError,
    split_edge_errors,
)
from tally.ingest.mapping import (
    CURRENCY_CODES,
    ColumnProfile,
    merge_mapping,
    named_like,
    names_known_fields,
    profile_columns,
    propose_mapping,
)
from tally.ingest.money_columns import (
    amount_beside_its_balance,
    debit_credit_from_values,
    reversed_pair_total,
    undecided_pair,
)
from tally.ingest.options import (
    AMOUNT_FIELDS,
    AMOUNT_UNMAPPED,
    DATE_FIELDS,
    ParseOptions,
    mapping_problems,
)
from tally.ingest.safety import is_formula_like
from tally.ingest.sniff import (
    HEADER_SEARCH_RECORDS,
    Dialect,
    check_not_binary,
    column_names,
    decode_head,
    detect_container,
    detect_dialect,
    detect_encoding,
    ensure_records,
    find_header,
    generated_names,
    gunzip_head,
    read_records,
    rough_lines,
    sub_header_names,
)

DEFAULT_MAX_ROWS = 100
MAX_HEAD_BYTES = 4 << 20  # decompressed head a preflight looks at, at most
_CODE_IN_NAME = re.compile(r"(?:\(|\b)([A-Z]{3})(?:\)|\b)")
_SYMBOL_CODES = {"€": "EUR", "£": "GBP", "CHF": "CHF"}


@dataclass(frozen=True)
class IngestWarning:
    """Something the user should look at, which does not stop the parse."""

    code: str
    message: str
    column: str | None = None
    row: int | None = None


@dataclass
class PreflightResult:
    """What preflight found and proposes. ``options`` is ready for ``parse_csv``.

    ``rows`` are the raw cells of the sampled data rows (``row_numbers`` their 1-based data row
    numbers); ``errors`` the problems the bulk parse would report for them (plus header and
    mapping problems, with ``row`` 0 or None); ``ok`` says whether there are none.
    """

    encoding: str
    delimiter: str
    quotechar: str | None
    has_header: bool
    columns: list[str]
    mapping: dict[str, str]
    date_format: str | None
    decimal_separator: str
    rows: list[list[str]]
    errors: list[RowError]
    warnings: list[IngestWarning]
    options: ParseOptions
    row_numbers: list[int] = field(default_factory=list)
    header: list[str] | None = None
    skip_rows: int = 0
    compression: str | None = None
    date_format_choices: list[str] = field(default_factory=list)
    format: str = "csv"
    sheets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["options"] = self.options.to_dict()
        data["ok"] = self.ok
        return data


@dataclass
class Hints:
    """Detections the caller already knows (or the user corrected); None means detect."""

    encoding: str | None = None
    delimiter: str | None = None
    quotechar: str | None = None
    has_header: bool | None = None
    skip_rows: int | None = None
    date_format: str | None = None
    decimal_separator: str | None = None
    mapping: Mapping[str, str] | None = None
    default_currency: str | None = None
    ragged_rows: str | None = None  # None: "pad" when every short or long row is so by empty cells


def preflight(
    head: bytes,
    *,
    complete: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
    encoding: str | None = None,
    delimiter: str | None = None,
    quotechar: str | None = None,
    has_header: bool | None = None,
    skip_rows: int | None = None,
    date_format: str | None = None,
    decimal_separator: str | None = None,
    mapping: Mapping[str, str] | None = None,
    default_currency: str | None = None,
    ragged_rows: str | None = None,
) -> PreflightResult:
    """Sniff the first bytes of a CSV/TSV (optionally gzip) file and propose ParseOptions.

    ``head`` is the start of the file (a few hundred KB is plenty; it may end mid-row: the partial
    last row is dropped unless ``complete`` says the head is the whole file). Raises an
    ``IngestError`` for files that cannot be read at all: empty, header only, binary, unknown
    encoding, or no line break within the head.
    """
    hints = Hints(
        encoding=encoding,
        delimiter=delimiter,
        quotechar=quotechar,
        has_header=has_header,
        skip_rows=skip_rows,
        date_format=date_format,
        decimal_separator=decimal_separator,
        mapping=mapping,
        default_currency=default_currency,
        ragged_rows=ragged_rows,
    )
    if not head:
        raise EmptyFileError("the file is empty")
    compression = None
    container = detect_container(head)
    if container == "gzip":
        compression = "gzip"
        head, complete = gunzip_head(head, MAX_HEAD_BYTES)
        if not head:
            raise EmptyFileError("the file is empty")
        detect_container(head)
    elif container == "xlsx":
        raise BinaryFileError("this is a zip/XLSX file: use preflight_xlsx")
    if hints.encoding is None:
        chosen_encoding = detect_encoding(head, complete=complete)
    else:
        chosen_encoding = hints.encoding
        if not chosen_encoding.lower().replace("_", "-").startswith("utf-16"):
            check_not_binary(head)
    text = decode_head(head, chosen_encoding, complete=complete)
    quote = hints.quotechar if hints.quotechar is not None else '"'
    lines = rough_lines(text, quote)
    dialect = detect_dialect(lines)
    if hints.delimiter is not None or hints.quotechar is not None:
        dialect = Dialect(
            hints.delimiter or dialect.delimiter,
            hints.quotechar if hints.quotechar is not None else dialect.quotechar,
            dialect.field_count,
            True,
        )
    limit = (hints.skip_rows or 0) + HEADER_SEARCH_RECORDS + max_rows + 1
    records = read_records(
        text, dialect.delimiter, dialect.quotechar, complete=complete, max_records=limit
    )
    ensure_records(text, len(head), records)
    rows = [record.cells for record in records]
    if hints.delimiter is not None:
        counts = [len(row) for row in rows if len(row) > 1]
        field_count = max(set(counts), key=counts.count) if counts else 1
        dialect = replace(dialect, field_count=field_count)
    if all(not cell.strip() for row in rows for cell in row):
        raise EmptyFileError("the file has no content (only empty fields)")
    return analyse_rows(rows, dialect, hints, chosen_encoding, compression, complete, max_rows)


def analyse_rows(
    rows: list[list[str]],
    dialect: Dialect,
    hints: Hints,
    encoding: str,
    compression: str | None,
    complete: bool,
    max_rows: int,
) -> PreflightResult:
    """Preflight of rows already split into cells (CSV records, or XLSX sheet rows)."""
    errors: list[RowError] = []
    warnings: list[IngestWarning] = []
    if not dialect.consistent and hints.delimiter is None:
        warnings.append(
            IngestWarning("delimiter", "no delimiter found: the file reads as a single column")
        )
    header_index, first_data = _locate_header(rows, dialect.field_count, hints)
    header = rows[header_index] if header_index is not None else None
    if header is not None:
        # Trailing header cells without a name are columns too when data rows reach them
        # (Raiffeisen: 5 named columns, rows of 10 fields with a tag in the last).
        widest = max((len(row) for row in rows[first_data : first_data + max_rows]), default=0)
        header_width = max(dialect.field_count, min(len(header), widest))
        columns, duplicates = column_names(header, header_width)
        for name in duplicates:
            warnings.append(
                IngestWarning(
                    "duplicate_header",
                    f"the column name {name!r} appears twice; the second is read as "
                    f"{name + ' (2)'!r}",
                    column=name,
                )
            )
        below = rows[first_data] if first_data < len(rows) else []
        named = sub_header_names(columns, below)
        if named is not None and hints.mapping is None:
            columns = named
            warnings.append(
                IngestWarning(
                    "two_row_header",
                    "the row below the header names the columns under a merged cell: "
                    f"reading them as {', '.join(repr(name) for name in named)}",
                )
            )
    else:
        columns = generated_names(dialect.field_count)
    data_rows, numbers = _sample_rows(rows[first_data:], max_rows)
    if not data_rows:
        if complete:
            raise NoDataError("the file has a header but no data rows", row=1)
        raise LineTooLongError("no complete data row in the head of the file", row=1)

    width = len(columns)
    # Exporters pad rows with trailing empty fields (or leave them off): read them, padded; a
    # row whose surplus cells hold text is still an error.
    ragged_rows = hints.ragged_rows or "pad"
    table_rows: list[list[str]] = []
    table_numbers: list[int] = []
    ragged = 0
    for number, cells in zip(numbers, data_rows, strict=True):
        fitted = _fit(cells, width, ragged_rows)
        if fitted is None:
            ragged += 1
            reason = f"expected {width} fields, found {len(cells)}"
            errors.append(RowError(number, None, None, reason, "column_count"))
            continue
        table_rows.append(fitted)
        table_numbers.append(number)
    if ragged and all(_fit(cells, width, "pad") is not None for cells in data_rows):
        warnings.append(
            IngestWarning(
                "ragged_rows",
                f"{ragged} row(s) have a different number of fields than the header, only by "
                "empty cells: ragged_rows='pad' would read them",
            )
        )
    # Detection looks at every sampled row, cut or padded to the header's width.
    shaped = [(cells + [""] * width)[:width] for cells in data_rows]
    if hints.date_format is None and header is not None:
        serial = _serial_date_column(columns, shaped)
        if serial is not None:
            hints = replace(hints, date_format=EXCEL)
            warnings.append(
                IngestWarning(
                    "date_serials",
                    f"the date column {serial!r} holds spreadsheet day numbers: reading them as "
                    "dates (set date_format to override)",
                    column=serial,
                )
            )
    profiles = profile_columns(columns, shaped, hints.date_format)
    mapping = propose_mapping(columns, profiles, has_header=header is not None)
    moved_by = amount_beside_its_balance(mapping, columns, shaped, profiles)
    if moved_by is not None:
        warnings.append(
            IngestWarning(
                "running_balance",
                f"{mapping['amount']!r} moves by {moved_by!r} from row to row: it is the running "
                f"balance, and {moved_by!r} the amount",
                column=moved_by,
            )
        )
        mapping = {f: c for f, c in mapping.items() if c != moved_by}
        mapping["amount"] = moved_by
    if hints.mapping is not None:
        mapping = merge_mapping(hints.mapping, mapping)
    found = None if hints.mapping else debit_credit_from_values(mapping, columns, shaped, profiles)
    if found is not None:
        warnings.append(IngestWarning(found.code, found.message, column=found.debit))
        mapping = {
            f: c
            for f, c in mapping.items()
            if f not in ("amount", "direction") and c not in (found.debit, found.credit)
        }
        mapping["debit"], mapping["credit"] = found.debit, found.credit
    undecided = None
    if found is None and not hints.mapping:
        undecided = undecided_pair(mapping, columns, shaped, profiles)
    if undecided is not None:
        # A question, not a guess: the amount proposed would lose every row of the other column.
        mapping = {f: c for f, c in mapping.items() if f != "amount"}
        errors.append(RowError(None, undecided.debit, None, undecided.message, "options"))
    decimal = _decimal_separator(mapping, columns, shaped, dialect, hints, warnings)
    signed = (
        None if hints.mapping else reversed_pair_total(mapping, columns, shaped, profiles, decimal)
    )
    if signed is not None:
        warnings.append(
            IngestWarning(
                "signed_total",
                f"{signed!r} equals {mapping['debit']!r} minus {mapping['credit']!r} on every "
                f"row (a ledger's debit and credit): reading the amount from {signed!r}",
                column=signed,
            )
        )
        mapping = {f: c for f, c in mapping.items() if f not in ("debit", "credit")}
        mapping["amount"] = signed
    currency = hints.default_currency
    if currency is None and "currency" not in mapping:
        currency = _currency_from_names(mapping, warnings)
    if currency is None and "currency" not in mapping:
        above = rows[: header_index if header_index is not None else first_data]
        currency = _currency_from_preamble(above, warnings)
    if currency is None and "currency" not in mapping:
        currency = currency_of_symbols(_column_values(mapping, AMOUNT_FIELDS, columns, shaped))
        if currency is not None:
            warnings.append(
                IngestWarning(
                    "currency_from_symbol",
                    f"no currency column: using {currency} from the symbol next to the amounts",
                )
            )
    date_format, candidates = _date_format(
        mapping, columns, shaped, hints, warnings, decimal=decimal, currency=currency
    )

    options = ParseOptions(
        mapping=mapping,
        encoding=encoding,
        compression=compression,
        delimiter=dialect.delimiter,
        quotechar=dialect.quotechar,
        has_header=header is not None,
        skip_rows=header_index if header_index is not None else first_data,
        header=list(header) if header is not None else None,
        columns=columns,
        date_format=date_format,
        decimal_separator=decimal,
        default_currency=currency,
        ragged_rows=ragged_rows,
    )
    problems = mapping_problems(mapping, columns)
    if undecided is not None:  # the question above says what the amount needs
        problems = [problem for problem in problems if problem[1] != AMOUNT_UNMAPPED]
    for column, reason in problems:
        errors.append(RowError(None, column, None, reason, "mapping"))
    if problems:
        errors.extend(_why_unmapped(mapping, columns, shaped))
    if not problems and date_format is None and set(DATE_FIELDS) & set(mapping):
        errors.append(
            RowError(
                None,
                mapping.get("booking_date"),
                None,
                "the date format could not be decided from the data: choose date_format"
                + (f" (one of {', '.join(candidates)})" if candidates else ""),
                "options",
            )
        )
    notes: set[int] = set()
    if (
        not problems
        and undecided is None
        and (date_format is not None or not set(DATE_FIELDS) & set(mapping))
    ):
        sample_errors, notes = _convert_sample(options, columns, table_rows, table_numbers)
        errors.extend(sample_errors)
    errors = _name_empty_columns(errors, mapping, profiles, len(data_rows))
    whole_table = complete and len(data_rows) < max_rows
    cells_of = dict(zip(numbers, data_rows, strict=True))
    # Notes and page furniture are neither entries nor errors: the edges are around the entries.
    entries = [number for number in numbers if number not in notes]
    errors, edges = split_edge_errors(errors, cells_of, entries, trailing=whole_table)
    if edges:
        warnings.append(
            IngestWarning(
                "edge_rows",
                f"{len(edges)} row(s) before the first or after the last entry do not read as "
                f"entries (rows {', '.join(map(str, edges[:5]))}): a preamble or footer, left "
                "out and listed with the skipped rows",
                row=edges[0],
            )
        )
    errors.sort(key=lambda error: error.row if error.row is not None else -1)
    warnings.extend(_formula_warnings(columns, table_rows, table_numbers))
    return PreflightResult(
        encoding=encoding,
        delimiter=dialect.delimiter,
        quotechar=dialect.quotechar,
        has_header=header is not None,
        columns=columns,
        mapping=mapping,
        date_format=date_format,
        decimal_separator=decimal,
        rows=data_rows,
        errors=errors,
        warnings=warnings,
        options=options,
        row_numbers=numbers,
        header=list(header) if header is not None else None,
        skip_rows=options.skip_rows,
        compression=compression,
        date_format_choices=list(candidates),
    )


def _why_unmapped(
    mapping: Mapping[str, str], columns: list[str], rows: list[list[str]]
) -> list[RowError]:
    """For a required field left unmapped, the column named like it and why its values were not
    taken ('Amount' holds 'ten'): the real cause, where the mapping error only says what is
    missing."""
    found: list[RowError] = []
    wanted = [("booking_date", "dates")] if "booking_date" not in mapping else []
    if not {"amount", "debit", "credit"} & set(mapping):
        wanted.append(("amount", "amounts"))
    for name, kind in wanted:
        column = named_like(name, columns)
        if column is None:
            continue
        index = columns.index(column)
        values = [row[index].strip() for row in rows if row[index].strip()]
        label = name.replace("_", " ")
        reason = (
            f"column {column!r} is named like {label} but is empty"
            if not values
            else f"column {column!r} is named like {label} but its values are not {kind} "
            f"(e.g. {values[0]!r})"
        )
        found.append(RowError(None, column, values[0] if values else None, reason, "mapping"))
    return found


def _name_empty_columns(
    errors: list[RowError],
    mapping: Mapping[str, str],
    profiles: Sequence[ColumnProfile],
    sampled: int,
) -> list[RowError]:
    """One error naming a required field's column that is empty in every sampled row, instead of
    an 'is empty' error on each row (the cause is the column, not the rows)."""
    filled = {profile.name: profile.filled for profile in profiles}
    empty = [
        column
        for field in ("booking_date", "amount")
        if (column := mapping.get(field)) is not None and filled.get(column, 1) == 0
    ]
    if not empty:
        return errors
    kept = [e for e in errors if not (e.column in empty and e.code == "missing_value")]
    named = [
        RowError(
            None,
            column,
            None,
            f"column {column!r} is empty in all {sampled} sampled rows: map another column",
            "mapping",
        )
        for column in empty
    ]
    return named + kept


def _locate_header(
    rows: Sequence[Sequence[str]], field_count: int, hints: Hints
) -> tuple[int | None, int]:
    """(header row index or None, index of the first data row)."""
    if hints.has_header is False:
        skip = hints.skip_rows or 0
        return None, skip
    if hints.skip_rows is not None:
        return (hints.skip_rows, hints.skip_rows + 1)
    guess = find_header(rows, field_count)
    if guess.header_index is None and hints.has_header:
        return 0, 1
    if guess.header_index is None:
        # A row that names the fields Tally knows ('Buchungstag', 'Betrag') is a header even
        # when the rows below it do not look like data: it must never be read as an entry.
        for index in range(guess.skip_rows, min(len(rows), guess.skip_rows + 1)):
            if names_known_fields(rows[index]):
                return index, index + 1
        return None, guess.skip_rows
    return guess.header_index, guess.header_index + 1


def _sample_rows(rows: Sequence[list[str]], max_rows: int) -> tuple[list[list[str]], list[int]]:
    """The first data rows (all-empty rows are counted but not sampled), with their numbers."""
    sampled: list[list[str]] = []
    numbers: list[int] = []
    for number, cells in enumerate(rows, start=1):
        if len(sampled) >= max_rows:
            break
        if all(not cell.strip() for cell in cells):
            continue
        sampled.append(cells)
        numbers.append(number)
    return sampled, numbers


def _fit(cells: list[str], width: int, ragged_rows: str) -> list[str] | None:
    """The row at the header's width, or None if it cannot be (as the bulk parse decides)."""
    if len(cells) == width:
        return cells
    if ragged_rows == "pad" and all(not cell.strip() for cell in cells[width:]):
        return (cells + [""] * width)[:width]
    return None


def _column_values(
    mapping: Mapping[str, str], fields: Sequence[str], columns: list[str], rows: list[list[str]]
) -> list[str]:
    values: list[str] = []
    for name in fields:
        column = mapping.get(name)
        if column in columns:
            index = columns.index(column)
            values.extend(row[index] for row in rows if row[index].strip())
    return values


def _decimal_separator(
    mapping: Mapping[str, str],
    columns: list[str],
    rows: list[list[str]],
    dialect: Dialect,
    hints: Hints,
    warnings: list[IngestWarning],
) -> str:
    if hints.decimal_separator is not None:
        return hints.decimal_separator
    values = _column_values(mapping, AMOUNT_FIELDS, columns, rows)
    separator, conflicting = detect_decimal_separator(values)
    if conflicting:
        warnings.append(
            IngestWarning(
                "decimal_separator",
                f"amounts use both '.' and ',' as decimal separator; assuming {separator!r}",
            )
        )
    if separator is None:
        separator = "," if dialect.delimiter == ";" else "."
        if any(("," in value) != ("." in value) for value in values):
            warnings.append(
                IngestWarning(
                    "decimal_separator",
                    f"the decimal separator is not certain from the sample; assuming {separator!r}",
                )
            )
    return separator


def _date_format(
    mapping: Mapping[str, str],
    columns: list[str],
    rows: list[list[str]],
    hints: Hints,
    warnings: list[IngestWarning],
    *,
    decimal: str,
    currency: str | None,
) -> tuple[str | None, tuple[str, ...]]:
    if hints.date_format is not None:
        return hints.date_format, (hints.date_format,)
    values = _column_values(mapping, DATE_FIELDS, columns, rows)
    if not values:
        return None, ()
    detection = detect_date_format(values)
    if detection.format is not None and len(detection.candidates) > 1:
        warnings.append(
            IngestWarning(
                "date_format_assumed",
                f"every sampled date has its day equal to its month, so they fit "
                f"{' and '.join(detection.candidates)} alike; reading them as {detection.format} "
                "(set date_format to override)",
                column=mapping.get("booking_date"),
            )
        )
        return detection.format, detection.candidates
    if detection.ambiguous:
        booking = _column_values(mapping, ("booking_date",), columns, rows)
        codes = [
            code.strip().upper() for code in _column_values(mapping, ("currency",), columns, rows)
        ]
        usual_code = max(set(codes), key=codes.count) if codes else None
        chosen, reason = _break_date_tie(
            booking or values, detection.candidates, decimal, currency or usual_code
        )
        if chosen is not None:
            warnings.append(
                IngestWarning(
                    "date_format_assumed",
                    f"the dates fit {' and '.join(detection.candidates)}; reading them as "
                    f"{chosen} because {reason} (set date_format to override)",
                    column=mapping.get("booking_date"),
                )
            )
            return chosen, detection.candidates
    if detection.ambiguous:
        warnings.append(
            IngestWarning(
                "ambiguous_date_format",
                "the dates fit more than one format ("
                + ", ".join(detection.candidates)
                + "): choose date_format explicitly",
                column=mapping.get("booking_date"),
            )
        )
    elif detection.format is None:
        warnings.append(
            IngestWarning(
                "date_format",
                "no known date format fits the date column; set date_format",
                column=mapping.get("booking_date"),
            )
        )
    return detection.format, detection.candidates


# Currencies of countries that write the month first (the United States and a few others that
# use its dollar); a decimal comma is never written with month-first dates.
_MONTH_FIRST_CURRENCIES = frozenset({"USD"})


def _break_date_tie(
    values: list[str], candidates: tuple[str, ...], decimal: str, currency: str | None
) -> tuple[str | None, str]:
    """A DD/MM vs MM/DD tie decided by the rows' date order, else by the file's locale cues."""
    by_order = date_order_tiebreak(values, candidates)
    if by_order is not None:
        return by_order, "the rows are in date order only when read that way"
    day_first = [fmt for fmt in candidates if is_day_first(fmt)]
    if len(day_first) != 1 or len(candidates) != 2:
        return None, ""
    if decimal == ",":
        return day_first[0], "amounts use a decimal comma, which month-first locales never do"
    if currency is not None and currency not in _MONTH_FIRST_CURRENCIES:
        return day_first[0], f"the amounts are in {currency}, whose countries write the day first"
    return None, ""


def _currency_from_names(mapping: Mapping[str, str], warnings: list[IngestWarning]) -> str | None:
    """A currency named in the amount column's header ('Betrag (EUR)', 'Débit en CHF')."""
    for name in AMOUNT_FIELDS:
        column = mapping.get(name)
        if not column:
            continue
        match = _CODE_IN_NAME.search(column)
        code = match.group(1) if match else None
        if code is None:
            code = next((c for symbol, c in _SYMBOL_CODES.items() if symbol in column), None)
        if code is not None:
            warnings.append(
                IngestWarning(
                    "currency_from_header",
                    f"no currency column: using {code} from the column name {column!r}",
                    column=column,
                )
            )
            return code
    return None


# Spreadsheet day numbers of 1990-01-01 .. 2099-12-31: a column named like a date whose every
# value is one of these was saved from a spreadsheet with the cells formatted as numbers.
_SERIAL = re.compile(r"^[0-9]{5}(?:\.[0-9]+)?$")
_SERIAL_RANGE = (32874, 73050)


def _serial_date_column(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str | None:
    """The column named like a booking or value date that holds only spreadsheet serials."""
    for date_field in DATE_FIELDS:
        column = named_like(date_field, columns)
        if column is None:
            continue
        index = columns.index(column)
        values = [row[index].strip() for row in rows if row[index].strip()]
        if values and all(
            _SERIAL.match(value)
            and _SERIAL_RANGE[0] <= int(value.split(".")[0]) <= _SERIAL_RANGE[1]
            for value in values
        ):
            return column
    return None


def _currency_from_preamble(
    preamble: Sequence[Sequence[str]], warnings: list[IngestWarning]
) -> str | None:
    """The one currency a key/value preamble states ('Währung;CHF', 'Valued in:;CHF')."""
    codes = {
        cell.strip()
        for row in preamble
        for cell in row
        if cell.strip() in CURRENCY_CODES and cell.strip().isupper()
    }
    if len(codes) != 1:
        return None
    code = codes.pop()
    warnings.append(
        IngestWarning(
            "currency_from_preamble",
            f"no currency column: using {code}, stated above the table",
        )
    )
    return code


def _convert_sample(
    options: ParseOptions, columns: list[str], rows: list[list[str]], numbers: list[int]
) -> tuple[list[RowError], set[int]]:
    """The sample's row errors, and the rows left out without an error (notes, page furniture)."""
    if not rows:
        return [], set()
    try:
        converter = RecordConverter(options, columns)
    except IngestError as exc:
        return [RowError(None, exc.column, None, exc.reason, exc.code)], set()
    table = pa.table(
        {f"c{i}": pa.array([row[i] for row in rows], pa.string()) for i in range(len(columns))}
    )
    converted = converter.convert(table, np.asarray(numbers, dtype=np.int64))
    failing = {error.row for error in converted.errors}
    return converted.errors, {row.row for row in converted.skipped if row.row not in failing}


def _formula_warnings(
    columns: list[str], rows: list[list[str]], numbers: list[int]
) -> list[IngestWarning]:
    warnings = []
    for index, column in enumerate(columns):
        flagged = [n for n, row in zip(numbers, rows, strict=True) if is_formula_like(row[index])]
        if flagged:
            warnings.append(
                IngestWarning(
                    "formula_like",
                    f"{len(flagged)} cell(s) start like a spreadsheet formula; they are kept as "
                    "text and escaped on export",
                    column=column,
                    row=flagged[0],
                )
            )
    return warnings
