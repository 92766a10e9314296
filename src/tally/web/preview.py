"""What the add-a-source preview shows, made from the sources service's preflight result (the same
JSON the API returns from POST .../data-sources/preflight)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tally.ingest.dates import CANDIDATE_FORMATS, EXCEL
from tally.ingest.records import MAPPABLE_FIELDS

# The detections a user may correct; sent back as UploadOptions with the next preview and the
# upload, so the file is read exactly as previewed.
HINT_KEYS = (
    "mapping",
    "encoding",
    "delimiter",
    "quotechar",
    "has_header",
    "skip_rows",
    "date_format",
    "decimal_separator",
)
# A workbook has no encoding, delimiter or quote character to correct (and is refused with them).
XLSX_HINT_KEYS = ("mapping", "has_header", "skip_rows", "date_format", "decimal_separator")
# The date formats the preview's picker offers besides the ones that fit the sample.
DATE_FORMATS = (*CANDIDATE_FORMATS, EXCEL)
RECORD_COLUMNS = ("booking_date", "reference", "amount", "currency", "description", "counterparty")

__all__ = ["MAPPABLE_FIELDS", "PreflightView", "preflight_view"]


@dataclass
class PreflightView:
    format: str
    tabular: bool  # CSV/XLSX: columns the user maps; otherwise a bank format's parsed records
    encoding: str | None
    delimiter: str | None
    has_header: bool
    date_format: str | None
    date_format_choices: list[str]
    decimal_separator: str | None
    columns: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    mapping: dict[str, str]  # Tally field -> column name
    cell_errors: dict[tuple[int, str], str]
    row_errors: dict[int, str]
    error_count: int
    problems: list[str]  # file-level: header and mapping; the file cannot load with these
    hints: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)  # import profiles that fit
    duplicates: dict[str, Any] | None = None  # appending: new vs already imported rows

    @property
    def field_for_column(self) -> dict[str, str]:
        return {column: name for name, column in self.mapping.items()}

    @property
    def date_formats(self) -> list[str]:
        """The date format picker's choices: those that fit the sample first, then the rest."""
        fitting = [*self.date_format_choices]
        if self.date_format and self.date_format not in fitting:
            fitting.insert(0, self.date_format)
        return fitting + [fmt for fmt in DATE_FORMATS if fmt not in fitting]


def preflight_view(data: dict[str, Any]) -> PreflightView:
    """Adapt ``Preview.to_dict()`` to the template: errors by (row, column), problems apart."""
    tabular = "columns" in data
    errors: list[dict[str, Any]] = list(data.get("errors") or [])
    cell_errors: dict[tuple[int, str], str] = {}
    row_errors: dict[int, str] = {}
    problems: list[str] = []
    for error in errors:
        row, column, reason = error.get("row"), error.get("column"), str(error.get("reason", ""))
        if not row:
            problems.append(f"{column}: {reason}" if column else reason)
        elif column:
            cell_errors.setdefault((int(row), str(column)), reason)
        else:
            row_errors.setdefault(int(row), reason)
    notes = [str(note) for note in data.get("notes") or ()]
    notes += [
        str(w.get("message") or w.get("reason") or w) if isinstance(w, dict) else str(w)
        for w in data.get("warnings") or ()
    ]
    notes += [f"Not checked: {item}" for item in data.get("unchecked") or ()]
    for statement in data.get("statements") or ():
        notes.append(_statement_note(statement))
    if tabular:
        columns = [str(c) for c in data.get("columns") or ()]
        rows = [[str(c) for c in row] for row in data.get("rows") or ()][:100]
        row_numbers = [int(n) for n in data.get("row_numbers") or range(1, len(rows) + 1)]
        keys = XLSX_HINT_KEYS if data.get("format") == "xlsx" else HINT_KEYS
        hints = {key: data[key] for key in keys if data.get(key) is not None}
    else:  # OFX, CAMT, MT940, BAI2: the parsed records; nothing to map
        records = list(data.get("records") or ())[:100]
        columns = [c for c in RECORD_COLUMNS if any(r.get(c) is not None for r in records)]
        rows = [["" if r.get(c) is None else str(r.get(c)) for c in columns] for r in records]
        row_numbers = list(range(1, len(rows) + 1))
        hints = {}
    return PreflightView(
        format=str(data.get("format") or "csv"),
        tabular=tabular,
        encoding=data.get("encoding"),
        delimiter=data.get("delimiter"),
        has_header=bool(data.get("has_header", True)),
        date_format=data.get("date_format"),
        date_format_choices=[str(c) for c in data.get("date_format_choices") or ()],
        decimal_separator=data.get("decimal_separator"),
        columns=columns,
        rows=rows,
        row_numbers=row_numbers,
        mapping=dict(data.get("mapping") or {}),
        cell_errors=cell_errors,
        row_errors=row_errors,
        error_count=len(errors) - len(problems),
        problems=problems,
        hints=hints,
        notes=notes,
        profiles=list(data.get("profiles") or ()),
        duplicates=data.get("duplicates"),
    )


def _statement_note(statement: dict[str, Any]) -> str:
    """One line per statement: its account, period and, when checked, whether it balances."""
    name = statement.get("statement_id") or statement.get("account_id") or "Statement"
    parts = [f"{name} ({statement.get('currency') or 'no currency'})"]
    if statement.get("from_date") or statement.get("to_date"):
        parts.append(f"{statement.get('from_date') or '?'} to {statement.get('to_date') or '?'}")
    if statement.get("opening_balance") is not None:
        parts.append(
            f"opening {statement['opening_balance']}, closing {statement.get('closing_balance')}"
        )
    balance = statement.get("balance") or {}
    if balance.get("status"):
        parts.append(f"balance check: {balance['status']}")
        if balance.get("difference") not in (None, "0.00"):
            parts.append(f"difference {balance['difference']}")
    return "; ".join(parts)
