"""From a table of raw string cells to RECORD_SCHEMA batches, vectorised, with per-cell errors.

Shared by every tabular reader (CSV, XLSX): the reader turns its input into string columns named
like the file's columns plus the 1-based data row number of each row; ``RecordConverter`` does the
rest. Invalid cells are found without looking at rows one by one: a column's parse yields null
where the input was not empty, and only those (rare) cells are visited in Python to say why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tally.ingest.amounts import AmountFormatError, parse_amount, parse_amounts
from tally.ingest.arrays import (
    as_string_array,
    filled_mask,
    null_where_empty,
    offsets,
    trim,
    value_bytes,
)
from tally.ingest.dates import DateFormatError, parse_date, parse_dates
from tally.ingest.errors import DATE_SHAPE, OptionsError, RowError, SkippedRow
from tally.ingest.identity import content_hashes
from tally.ingest.options import DATE_FIELDS, TEXT_FIELDS, ParseOptions, check_mapping
from tally.ingest.records import RECORD_SCHEMA
from tally.ingest.summary_rows import BALANCE_LABEL, TOTAL_LABEL, labelled_rows

_CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₣": "CHF", "₹": "INR", "zł": "PLN"}
# A sum of money with cents after the decimal separator, whatever surrounds it ('R$ 2.345,67').
# Fields whose cells are dates, amounts, codes or indicators: never a row's words.
_TYPED_FIELDS = ("booking_date", "value_date", "amount", "debit", "credit", "currency", "direction")
_CENTS = {".": r"\d\.\d\d(?:\D|$)", ",": r"\d,\d\d(?:\D|$)"}
_JSON_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


@dataclass
class Converted:
    """One converted batch: the good rows as records, every problem, the rows left out."""

    records: pa.RecordBatch
    errors: list[RowError]
    skipped: list[SkippedRow]


def empty_records() -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([], schema=RECORD_SCHEMA)


def json_string_content(values: pa.Array) -> pa.Array:
    """Escape strings for use between JSON quotes (backslash, quote, control characters)."""
    data = value_bytes(values)
    if not data.size:
        return values
    raw = data.tobytes()
    if b"\\" in raw:
        values = pc.replace_substring(values, "\\", "\\\\")
    if b'"' in raw:
        values = pc.replace_substring(values, '"', '\\"')
    for code in np.unique(data[data < 0x20]).tolist():
        char = chr(code)
        values = pc.replace_substring(values, char, _JSON_ESCAPES.get(char, f"\\u{code:04x}"))
    return values


def json_objects(names: Sequence[str], columns: Sequence[pa.Array]) -> pa.Array:
    """One JSON object of strings per row from named columns, leaving out empty cells.

    Null for a row whose cells are all empty. Built with one string join per column: each
    non-empty cell becomes ``,"name":"value"``, the joined pieces get a closing brace, and the
    leading comma is overwritten with the opening brace in place.
    """
    count = len(columns[0]) if columns else 0
    pieces = []
    for name, values in zip(names, columns, strict=True):
        filled = filled_mask(values)
        if not filled.any():
            continue
        key = "," + json.dumps(name, ensure_ascii=False) + ':"'
        content = null_where_empty(json_string_content(values), filled)
        pieces.append(pc.binary_join_element_wise(key, content, '"', ""))
    if not pieces:
        return pa.nulls(count, pa.string())
    options = pc.JoinOptions(null_handling="skip")
    joined = pc.binary_join_element_wise(*pieces, "}", "", options=options)
    bounds = offsets(joined)
    present = np.diff(bounds) > 1
    data = np.frombuffer(joined.buffers()[2], dtype=np.uint8).copy()
    data[bounds[:-1][present]] = ord("{")
    validity = pa.array(present).buffers()[1] if not present.all() else None
    return pa.Array.from_buffers(
        pa.string(),
        count,
        [validity, joined.buffers()[1], pa.py_buffer(data)],
        offset=joined.offset,
    )


@dataclass(frozen=True)
class _Problem:
    mask: np.ndarray
    column: str
    code: str
    reason: str | None  # None: ask the scalar parser per cell


class RecordConverter:
    """Converts raw string tables to RECORD_SCHEMA batches for one set of options and columns."""

    def __init__(self, options: ParseOptions, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        check_mapping(options.mapping, self.columns)
        if options.date_format is None and any(f in options.mapping for f in DATE_FIELDS):
            raise OptionsError("date_format is required (the data did not decide it)")
        self.options = options
        self.mapping = dict(options.mapping)
        self.position = {name: index for index, name in enumerate(self.columns)}
        self.date_format = options.date_format or "%Y-%m-%d"
        self.decimal = options.decimal_separator
        mapped = set(self.mapping.values())
        self.extra_columns = [name for name in self.columns if name not in mapped]
        self.debit_markers = pa.array(sorted({m.strip().lower() for m in options.debit_markers}))
        self.credit_markers = pa.array(sorted({m.strip().lower() for m in options.credit_markers}))

    def convert(self, table: pa.Table | pa.RecordBatch, row_numbers: np.ndarray) -> Converted:
        """Convert ``table`` (string columns in ``columns`` order) whose rows carry ``row_numbers``."""
        count = table.num_rows
        raw = [as_string_array(table.column(index)) for index in range(len(self.columns))]
        trimmed: dict[str, pa.Array] = {}
        filled: dict[str, np.ndarray] = {}
        for field, column in self.mapping.items():
            values = trim(raw[self.position[column]])
            trimmed[field] = values
            filled[field] = filled_mask(values)
        problems: list[_Problem] = []

        def column_of(field: str) -> str:
            return self.mapping[field]

        booking = parse_dates(trimmed["booking_date"], self.date_format)
        problems.append(
            self._invalid(
                booking, filled["booking_date"], column_of("booking_date"), "invalid_date"
            )
        )
        problems.append(
            _Problem(
                ~filled["booking_date"],
                column_of("booking_date"),
                "missing_value",
                "booking date is empty",
            )
        )
        if "value_date" in self.mapping:
            value_date = parse_dates(trimmed["value_date"], self.date_format)
            problems.append(
                self._invalid(
                    value_date, filled["value_date"], column_of("value_date"), "invalid_date"
                )
            )
        else:
            value_date = pa.nulls(count, pa.date32())

        amount = self._amount(trimmed, filled, problems, count)
        currency = self._currency(trimmed, filled, problems, count)

        failing = np.zeros(count, dtype=bool)
        for problem in problems:
            failing |= problem.mask
        blank = np.zeros(count, dtype=bool)
        if failing.any():
            candidates = np.flatnonzero(failing)
            empty = np.ones(len(candidates), dtype=bool)
            for values in raw:
                empty &= ~filled_mask(values)[candidates]
            blank[candidates[empty]] = True  # rows with no content at all: not data, not errors
        # A row with neither a date nor an amount is a note or the continuation of the entry above
        # (Raiffeisen puts an entry's details on the next line): not an entry, and not an error.
        notes = failing & ~blank & ~filled["booking_date"] & ~self._any_amount(filled)
        # Printouts saved as a table repeat the header on every page and put a page number or a
        # rule line on a line of its own: neither is an entry, wherever it sits.
        furniture = np.zeros(count, dtype=bool)
        if (failing & ~blank & ~notes).any():
            furniture = failing & ~blank & ~notes & self._page_furniture(raw, booking, filled)
        # A dated row with no amount but a balance is the statement's opening or closing balance
        # line (Bank of America's 'Beginning balance as of', Itaú's 'SALDO ANTERIOR').
        balances = np.zeros(count, dtype=bool)
        if (failing & ~blank & ~notes & ~furniture).any():
            balances = (
                failing
                & ~blank
                & ~notes
                & ~furniture
                & ~np.asarray(booking.is_null())
                & ~self._any_amount(filled)
                & self._money_elsewhere(raw)
            )
        # Balance and total lines in the entries' own columns: a label and nothing else to say.
        summaries = self._summary_rows(raw, count) & ~blank & ~notes & ~furniture & ~balances
        keep = ~failing & ~summaries
        errors, skipped = self._explain(
            problems,
            failing & ~blank & ~notes & ~furniture & ~balances & ~summaries,
            raw,
            trimmed,
            row_numbers,
        )
        if summaries.any():
            reason = "an opening, closing or total balance line (a label and amounts), not an entry"
            skipped.extend(self._note_rows(summaries, raw, row_numbers, reason))
        if balances.any():
            reason = "a date and a balance but no amount: a balance line, not an entry"
            skipped.extend(self._note_rows(balances, raw, row_numbers, reason))
        if notes.any():
            reason = "no date and no amount: a note or continuation row, not an entry"
            skipped.extend(self._note_rows(notes, raw, row_numbers, reason))
        if furniture.any():
            reason = "the header repeated, or a line of its own (page number, rule): not an entry"
            skipped.extend(self._note_rows(furniture, raw, row_numbers, reason))
        skipped.sort(key=lambda row: row.row)

        texts = {
            field: null_where_empty(trimmed[field], filled[field])
            if field in trimmed
            else pa.nulls(count, pa.string())
            for field in TEXT_FIELDS
        }
        columns: dict[str, pa.Array] = {
            "row_number": pa.array(row_numbers, pa.int64()),
            "booking_date": booking,
            "value_date": value_date,
            "amount": amount,
            "currency": currency,
            **texts,
        }
        extra_values = [raw[self.position[name]] for name in self.extra_columns]
        booking_text = trimmed["booking_date"]
        if not keep.all():
            selection = pa.array(np.flatnonzero(keep))
            columns = {name: values.take(selection) for name, values in columns.items()}
            extra_values = [values.take(selection) for values in extra_values]
            booking_text = booking_text.take(selection)
        if columns["amount"].null_count:  # cannot happen: failing rows were dropped above
            raise AssertionError("null amount survived conversion")
        columns["row_hash"] = content_hashes(
            [
                self._canonical_dates(booking_text, columns["booking_date"]),
                columns["amount"],
                columns["currency"],
                columns["reference"],
                columns["description"],
                columns["counterparty"],
            ]
        )
        if extra_values:
            trimmed_extra = [trim(values) for values in extra_values]
            columns["extra"] = json_objects(self.extra_columns, trimmed_extra)
        else:
            columns["extra"] = pa.nulls(len(columns["row_number"]), pa.string())
        records = pa.RecordBatch.from_arrays(
            [columns[name] for name in RECORD_SCHEMA.names], schema=RECORD_SCHEMA
        )
        return Converted(records, errors, skipped)

    def _any_amount(self, filled: dict[str, np.ndarray]) -> np.ndarray:
        mask = np.zeros(len(filled["booking_date"]), dtype=bool)
        for field in ("amount", "debit", "credit"):
            if field in filled:
                mask |= filled[field]
        return mask

    def _summary_rows(self, raw: list[pa.Array], count: int) -> np.ndarray:
        """Rows whose only words are a balance or a total label (``summary_rows``)."""
        typed = {self.mapping[field] for field in _TYPED_FIELDS if field in self.mapping}
        texts = [trim(raw[self.position[name]]) for name in self.columns if name not in typed]
        balances = labelled_rows(texts, BALANCE_LABEL, count)
        return np.asarray(balances | labelled_rows(texts, TOTAL_LABEL, count), dtype=bool)

    def _money_elsewhere(self, raw: list[pa.Array]) -> np.ndarray:
        """Rows holding, outside the mapped columns, a sum of money with cents ('5,120.44',
        'R$ 2.345,67'): a check number or a count is not one."""
        found = np.zeros(len(raw[0]) if raw else 0, dtype=bool)
        for name in self.extra_columns:
            values = trim(raw[self.position[name]])
            cents = pc.match_substring_regex(values, _CENTS[self.decimal])
            parsed = parse_amounts(values, self.decimal)
            found |= np.asarray(pc.fill_null(cents, False)) & ~np.asarray(parsed.is_null())
        return found

    def _page_furniture(
        self, raw: list[pa.Array], booking: pa.Array, filled: dict[str, np.ndarray]
    ) -> np.ndarray:
        """Rows that repeat the header, or hold one cell that is neither a date nor an amount
        (and does not even start like a date: '33/04/2024' alone is an entry gone wrong)."""
        cells = [trim(values) for values in raw]
        filled_cells = sum(filled_mask(values).astype(np.int64) for values in cells)
        lone = (filled_cells == 1) & np.asarray(booking.is_null()) & ~self._any_amount(filled)
        for values in cells:
            dated = pc.match_substring_regex(values, DATE_SHAPE.pattern)
            lone &= ~np.asarray(pc.fill_null(dated, False))
        header = self.options.header
        if not header or len(header) != len(cells):
            return np.asarray(lone, dtype=bool)
        repeated = np.ones(len(booking), dtype=bool)
        for values, name in zip(cells, header, strict=True):
            same = pc.equal(pc.utf8_lower(values), name.strip().lower())
            repeated &= np.asarray(pc.fill_null(same, False))
        return np.asarray(lone | repeated, dtype=bool)

    @staticmethod
    def _note_rows(
        notes: np.ndarray, raw: list[pa.Array], row_numbers: np.ndarray, reason: str
    ) -> list[SkippedRow]:
        indices = np.flatnonzero(notes)
        taken = pa.array(indices)
        cells = [values.take(taken).to_pylist() for values in raw]
        return [
            SkippedRow(
                int(row_numbers[index]), [column[offset] or "" for column in cells], [reason]
            )
            for offset, index in enumerate(indices.tolist())
        ]

    def _canonical_dates(self, text: pa.Array, dates: pa.Array) -> pa.Array:
        """The dates as the hash reads them ('YYYY-MM-DD'): valid ISO input already is that text,
        which saves formatting a million dates again."""
        if self.date_format == "%Y-%m-%d" and len(text) and (np.diff(offsets(text)) == 10).all():
            return text
        return dates

    # -- fields ------------------------------------------------------------------------------

    @staticmethod
    def _invalid(parsed: pa.Array, filled: np.ndarray, column: str, code: str) -> _Problem:
        return _Problem(filled & np.asarray(parsed.is_null()), column, code, None)

    def _amount(
        self,
        trimmed: dict[str, pa.Array],
        filled: dict[str, np.ndarray],
        problems: list[_Problem],
        count: int,
    ) -> pa.Array:
        if "amount" in self.mapping:
            amount = parse_amounts(trimmed["amount"], self.decimal)
            problems.append(
                self._invalid(amount, filled["amount"], self.mapping["amount"], "invalid_amount")
            )
            problems.append(
                _Problem(
                    ~filled["amount"], self.mapping["amount"], "missing_value", "amount is empty"
                )
            )
            if "direction" in self.mapping:
                amount = self._apply_direction(amount, trimmed, filled, problems)
            return amount
        total = pa.array(np.zeros(count, dtype=np.int64))
        any_filled = np.zeros(count, dtype=bool)
        for field, sign in (("credit", 1), ("debit", -1)):
            if field not in self.mapping:
                continue
            side = parse_amounts(trimmed[field], self.decimal)
            problems.append(
                self._invalid(side, filled[field], self.mapping[field], "invalid_amount")
            )
            any_filled |= filled[field]
            magnitude = pc.fill_null(pc.abs(side), 0)
            total = pc.add(total, magnitude) if sign > 0 else pc.subtract(total, magnitude)
        names = " / ".join(self.mapping[f] for f in ("debit", "credit") if f in self.mapping)
        problems.append(_Problem(~any_filled, names, "missing_value", "no debit or credit amount"))
        return total

    def _apply_direction(
        self,
        amount: pa.Array,
        trimmed: dict[str, pa.Array],
        filled: dict[str, np.ndarray],
        problems: list[_Problem],
    ) -> pa.Array:
        markers = pc.utf8_lower(trimmed["direction"])
        debit = pc.fill_null(pc.is_in(markers, value_set=self.debit_markers), False)
        credit = pc.fill_null(pc.is_in(markers, value_set=self.credit_markers), False)
        unknown = filled["direction"] & ~np.asarray(pc.or_(debit, credit))
        problems.append(
            _Problem(
                unknown, self.mapping["direction"], "invalid_value", "unknown debit/credit marker"
            )
        )
        magnitude = pc.abs(amount)
        return pc.if_else(debit, pc.negate(magnitude), pc.if_else(credit, magnitude, amount))

    def _currency(
        self,
        trimmed: dict[str, pa.Array],
        filled: dict[str, np.ndarray],
        problems: list[_Problem],
        count: int,
    ) -> pa.Array:
        default = self.options.default_currency
        if "currency" not in self.mapping:
            return (
                pa.array([default] * count, pa.string())
                if default
                else pa.nulls(count, pa.string())
            )
        codes = pc.ascii_upper(trimmed["currency"])
        valid = pc.and_(pc.equal(pc.binary_length(codes), 3), pc.ascii_is_alpha(codes))
        if not pc.all(pc.or_(valid, pa.array(~filled["currency"]))).as_py():
            for symbol, code in _CURRENCY_SYMBOLS.items():
                codes = pc.if_else(pc.equal(codes, symbol), code, codes)
            valid = pc.and_(pc.equal(pc.binary_length(codes), 3), pc.ascii_is_alpha(codes))
        invalid = filled["currency"] & ~np.asarray(pc.fill_null(valid, False))
        problems.append(
            _Problem(
                invalid, self.mapping["currency"], "invalid_value", "not a 3-letter currency code"
            )
        )
        if default:
            return pc.if_else(pa.array(filled["currency"]), codes, default)
        return null_where_empty(codes, filled["currency"])

    # -- errors ------------------------------------------------------------------------------

    def _explain(
        self,
        problems: list[_Problem],
        failing: np.ndarray,
        raw: list[pa.Array],
        trimmed: dict[str, pa.Array],
        row_numbers: np.ndarray,
    ) -> tuple[list[RowError], list[SkippedRow]]:
        if not failing.any():
            return [], []
        errors: list[RowError] = []
        for problem in problems:
            indices = np.flatnonzero(problem.mask & failing)
            if not len(indices):
                continue
            position = self.position.get(problem.column)
            values: list[str | None]
            if position is not None:
                values = raw[position].take(pa.array(indices)).to_pylist()
            else:
                values = [None] * len(indices)
            for index, value in zip(indices.tolist(), values, strict=True):
                reason, code = problem.reason, problem.code
                if reason is None:
                    reason, code = self._reason(problem.code, value or "")
                errors.append(
                    RowError(int(row_numbers[index]), problem.column, value, reason, code)
                )
        order = {name: index for index, name in enumerate(self.columns)}
        errors.sort(key=lambda error: (error.row or 0, order.get(error.column or "", -1)))
        failing_rows = np.flatnonzero(failing)
        taken = pa.array(failing_rows)
        cells = [values.take(taken).to_pylist() for values in raw]
        reasons: dict[int, list[str]] = {}
        for error in errors:
            reasons.setdefault(error.row or 0, []).append(
                f"{error.column}: {error.reason}" if error.column else error.reason
            )
        skipped = [
            SkippedRow(
                int(row_numbers[index]),
                [column[offset] or "" for column in cells],
                reasons.get(int(row_numbers[index]), []),
            )
            for offset, index in enumerate(failing_rows.tolist())
        ]
        return errors, skipped

    def _reason(self, code: str, value: str) -> tuple[str, str]:
        if code == "invalid_amount":
            try:
                parse_amount(value, self.decimal)
            except AmountFormatError as exc:
                return exc.reason, exc.code
            return "not an amount", code
        try:
            parse_date(value, self.date_format)
        except DateFormatError as exc:
            return str(exc), code
        return "not a date", code
