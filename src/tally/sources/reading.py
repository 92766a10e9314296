"""One way to read any supported file: CSV/TSV (gzip too), XLSX, or a bank statement format.

The ingestion engines do the parsing; this module only chooses the engine for a file (by content,
never by extension), turns the user's options into the engine's, and gives every format the same
batch shape, so preflight and the bulk load have one code path whatever the format.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field

from tally.ingest.batches import ParsedBatch
from tally.ingest.csv_reader import parse_csv
from tally.ingest.errors import IngestError, OptionsError, RowError, SkippedRow
from tally.ingest.formats import (
    PARSERS,
    FormatError,
    MalformedFileError,
    ParsedStatementBatch,
    Statement,
    check_balance,
    detect_format,
)
from tally.ingest.options import ParseOptions
from tally.ingest.preflight import DEFAULT_MAX_ROWS, IngestWarning, PreflightResult, preflight
from tally.ingest.readahead import read_ahead_date_format
from tally.ingest.xlsx_reader import parse_xlsx, preflight_xlsx
from tally.money import format_units

HEAD_BYTES = 1 << 20  # what preflight reads of an uploaded file
TABULAR_FORMATS = ("csv", "xlsx")
HEAD_BATCH_ROWS = 20_000


class UploadOptions(BaseModel):
    """What the user may say about a file; anything left out is detected."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "mapping": {"booking_date": "Buchungstag", "amount": "Betrag"},
                    "date_format": "%d.%m.%Y",
                    "decimal_separator": ",",
                    "default_currency": "EUR",
                    "on_error": "skip",
                }
            ]
        }
    )

    mapping: dict[str, str] | None = Field(
        None, description="Tally field -> file column, e.g. {'amount': 'Betrag'}"
    )
    encoding: str | None = None
    delimiter: str | None = None
    quotechar: str | None = None
    has_header: bool | None = None
    skip_rows: int | None = Field(None, ge=0)
    date_format: str | None = Field(None, description="e.g. %d/%m/%Y when dates are ambiguous")
    decimal_separator: Literal[".", ","] | None = None
    default_currency: str | None = Field(None, min_length=3, max_length=3)
    sheet: str | None = None
    ragged_rows: Literal["error", "pad"] | None = Field(
        None, description="pad: read rows short or long by empty cells; default: detected"
    )
    on_error: Literal["reject", "skip"] = Field(
        "reject", description="reject: any bad row rejects the file; skip: load the rest"
    )
    accept_unbalanced: bool = Field(
        False, description="Keep a statement whose balances do not add up (as a warning)"
    )

    def csv_hints(self) -> dict[str, Any]:
        return self.model_dump(
            include={
                "mapping",
                "encoding",
                "delimiter",
                "quotechar",
                "has_header",
                "skip_rows",
                "date_format",
                "decimal_separator",
                "default_currency",
                "ragged_rows",
            },
        )

    def xlsx_hints(self) -> dict[str, Any]:
        return self.model_dump(
            include={
                "mapping",
                "sheet",
                "has_header",
                "skip_rows",
                "date_format",
                "decimal_separator",
                "default_currency",
            },
        )


@dataclass
class ReadPlan:
    """How to read a stored file: its format and, for tables, the engine's options (JSON-able)."""

    format: str
    options: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "options": self.options}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReadPlan:
        return cls(format=data["format"], options=data.get("options"))


@dataclass
class FileBatch:
    """A batch of any format: records (RECORD_SCHEMA) plus what the engine said about its rows."""

    records: pa.RecordBatch
    errors: list[RowError] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    rows_read: int = 0
    statement: Statement | None = None
    statement_complete: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """What preflight shows before anything is stored."""

    format: str
    plan: ReadPlan
    tabular: PreflightResult | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    statement_errors: list[RowError] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        tabular = list(self.tabular.errors) if self.tabular else []
        return tabular + self.statement_errors

    @property
    def ok(self) -> bool:
        """Whether the load would succeed, as far as what preflight read can tell (``unchecked``
        says what it could not tell)."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": self.format,
            "plan": self.plan.to_dict(),
            "records": self.records,
            "statements": self.statements,
            "notes": self.notes,
        }
        if self.tabular is not None:
            data.update(self.tabular.to_dict())
        data["ok"] = self.ok
        data["errors"] = [error.to_dict() for error in self.errors]
        data["unchecked"] = self.unchecked
        return data


def preview_file(
    head: bytes, *, complete: bool, options: UploadOptions, path: Path | None
) -> Preview:
    """Detect the format from ``head`` and check the first rows with the options given.

    ``path`` is the whole file when it is on disk (an upload); XLSX needs it (a zip's directory
    sits at its end). Raises IngestError/FormatError for files that cannot be read at all.
    """
    detected = detect_format(head)
    _refuse_ignored_options(detected, options)
    if detected == "csv":
        result = preflight(head, complete=complete, **options.csv_hints())
        if path is not None and not complete and options.date_format is None:
            result = _date_order_from_whole_file(result, head, options, path)
        return Preview("csv", ReadPlan("csv", result.options.to_dict()), tabular=result)
    if detected == "xlsx":
        if path is None and not complete:
            raise IngestError("an XLSX workbook can only be checked whole: send the entire file")
        source: Any = path if path is not None else head
        result = preflight_xlsx(source, **options.xlsx_hints())
        return Preview("xlsx", ReadPlan("xlsx", result.options.to_dict()), tabular=result)
    return _preview_statement(
        detected,
        head,
        complete=complete,
        path=path,
        accept_unbalanced=options.accept_unbalanced,
    )


def _date_order_from_whole_file(
    result: PreflightResult, head: bytes, options: UploadOptions, path: Path
) -> PreflightResult:
    """A day/month order the head left undecided or only assumed, settled by reading ahead down
    the file's date columns (tally.ingest.readahead); the result unchanged when nothing there
    settles it."""
    undecided = result.date_format is None and len(result.date_format_choices) > 1
    assumed = any(warning.code == "date_format_assumed" for warning in result.warnings)
    if not (undecided or assumed):
        return result
    candidates = list(result.date_format_choices)
    try:
        with path.open("rb") as stream:
            evidence = read_ahead_date_format(stream, result.options, candidates)
    except IngestError:
        return result  # the load reports what is wrong with the file further down
    if evidence is None:
        return result
    hints = options.csv_hints() | {"date_format": evidence.date_format}
    decided = preflight(head, complete=False, **hints)
    decided.date_format_choices = candidates
    decided.warnings.append(
        IngestWarning(
            "date_format_read_ahead",
            f"{evidence.explain(candidates)}: reading the dates as {evidence.date_format} "
            "(set date_format to override)",
            column=evidence.column,
            row=evidence.row,
        )
    )
    return decided


# The options each format reads; any other one given is refused rather than silently dropped.
_CSV_OPTIONS = frozenset(UploadOptions().csv_hints()) | {"on_error"}
_XLSX_OPTIONS = frozenset(UploadOptions().xlsx_hints()) | {"on_error"}
_STATEMENT_OPTIONS = frozenset({"on_error", "accept_unbalanced"})


def _refuse_ignored_options(detected: str, options: UploadOptions) -> None:
    accepted = {"csv": _CSV_OPTIONS, "xlsx": _XLSX_OPTIONS}.get(detected, _STATEMENT_OPTIONS)
    # An option sent at its default asks for nothing (a typed client sends every field).
    defaults = UploadOptions()
    given = {
        name
        for name in options.model_fields_set
        if getattr(options, name) != getattr(defaults, name) and name not in accepted
    }
    if given:
        names = ", ".join(sorted(given))
        raise OptionsError(
            f"this is a{'n' if detected[0] in 'aefhilmnorsx' else ''} {detected.upper()} file, which "
            f"does not use {names}: leave {'it' if len(given) == 1 else 'them'} out"
        )


def _preview_statement(
    detected: str, head: bytes, *, complete: bool, path: Path | None, accept_unbalanced: bool
) -> Preview:
    """The first records of a statement file, and every balance check the load will make.

    A whole file (on disk, or a head that is all of it) is read to its end, so each statement's
    balance is checked as the load checks it; of a head alone only the statements it completes are.
    """
    preview = Preview(detected, ReadPlan(detected))
    stream: Any = path.open("rb") if path is not None else io.BytesIO(head)
    whole = complete or path is not None
    tally = StatementTally()
    try:
        for batch in PARSERS[detected](stream, batch_rows=DEFAULT_MAX_ROWS):
            preview.records.extend(
                _preview_rows(batch.records, DEFAULT_MAX_ROWS - len(preview.records))
            )
            preview.notes.extend(str(issue) for issue in batch.errors)
            tally.add(batch.records, batch.statement, batch.complete)
            if not whole and len(preview.records) >= DEFAULT_MAX_ROWS:
                break
    except MalformedFileError:
        # The head of a big file ends mid-entry; what parsed before the cut is the preview.
        if whole or not preview.records:
            raise
    finally:
        stream.close()
    preview.statements = tally.statements
    problem = None if accept_unbalanced else tally.unbalanced_message()
    if problem is not None:
        preview.statement_errors.append(RowError(None, None, None, problem, "unbalanced"))
    for statement in tally.statements:
        status = statement.get("balance", {}).get("status")
        if status == "unverifiable":
            preview.unchecked.append(
                f"statement {_statement_name(statement)}: its balances cannot be checked "
                "(no opening and closing balance in its currency, no declared total)"
            )
    if not whole:
        preview.unchecked.append(
            "only the head of the file was sent: statements it does not hold whole were not "
            "balance-checked"
        )
    return preview


def _statement_name(statement: dict[str, Any]) -> str:
    return str(statement.get("statement_id") or statement["index"] + 1)


@dataclass
class StatementTally:
    """Sums each statement's entries as its batches stream by, and checks its balance at its end
    (what the load does, and preflight too, so both give the same verdict)."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    running: int = 0

    def add(self, records: pa.RecordBatch, statement: Statement | None, complete: bool) -> None:
        if statement is None:
            return
        self.running += batch_sum(records)
        if complete:
            self.statements.append(statement_summary(statement, self.running))
            self.running = 0

    def unbalanced_message(self) -> str | None:
        """Why the load refuses the file (the first statement that does not balance), or None."""
        for summary in self.statements:
            if summary.get("balance", {}).get("status") == "unbalanced":
                return (
                    f"Statement {_statement_name(summary)} does not balance: opening "
                    f"{summary['opening_balance']} + entries {summary['balance']['entries_sum']} "
                    f"!= closing {summary['closing_balance']} (difference "
                    f"{summary['balance']['difference']}). Upload it with accept_unbalanced to "
                    "keep it anyway."
                )
        return None


def _preview_rows(records: pa.RecordBatch, limit: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = records.slice(0, max(limit, 0)).to_pylist()
    for row in rows:
        row["amount"] = format_units(row["amount"])
        for key in ("booking_date", "value_date"):
            if row[key] is not None:
                row[key] = row[key].isoformat()
    return rows


def read_file(path: Path, plan: ReadPlan, *, batch_rows: int) -> Iterator[FileBatch]:
    """Stream the whole stored file as FileBatch objects, in bounded memory."""
    with path.open("rb") as stream:
        yield from _read_stream(stream, plan, batch_rows=batch_rows)


def read_head(head: bytes, plan: ReadPlan, *, complete: bool) -> Iterator[FileBatch]:
    """The records of a file's head (all of them when ``complete``); a cut last row is dropped."""
    if complete:
        yield from _read_stream(io.BytesIO(head), plan, batch_rows=HEAD_BATCH_ROWS)
        return
    if plan.format == "csv" and head[:2] != b"\x1f\x8b":
        head = head[: head.rfind(b"\n") + 1]  # whole lines only
    try:
        yield from _read_stream(io.BytesIO(head), plan, batch_rows=HEAD_BATCH_ROWS)
    except (IngestError, FormatError):
        return  # the head ends mid-row (or mid-entry): what parsed before the cut is the sample


def _read_stream(stream: BinaryIO, plan: ReadPlan, *, batch_rows: int) -> Iterator[FileBatch]:
    if plan.format in TABULAR_FORMATS:
        assert plan.options is not None
        options = ParseOptions.from_dict(plan.options)
        batches: Iterator[ParsedBatch] = (
            parse_csv(stream, options, batch_rows=batch_rows)
            if plan.format == "csv"
            else parse_xlsx(stream, options, batch_rows=batch_rows)
        )
        for batch in batches:
            yield FileBatch(batch.records, batch.errors, batch.skipped, batch.rows_read)
        return
    rows = 0
    for parsed in PARSERS[plan.format](stream, batch_rows=batch_rows):
        rows += parsed.records.num_rows
        yield _statement_batch(parsed, rows)


def _statement_batch(parsed: ParsedStatementBatch, rows_read: int) -> FileBatch:
    return FileBatch(
        parsed.records,
        rows_read=rows_read,
        statement=parsed.statement,
        statement_complete=parsed.complete,
        notes=[str(issue) for issue in parsed.errors],
    )


def load_verdict(batches: Iterator[FileBatch]) -> tuple[list[dict[str, Any]], str | None]:
    """A small file's load collected in memory: (its records, why the load refuses it or None),
    decided as ``sources.ingestion`` decides with the default options (any bad row rejects the
    file; a statement that does not balance too). For tests and the first-try benchmark."""
    records: list[dict[str, Any]] = []
    tally = StatementTally()
    for batch in batches:
        if batch.errors:
            return records, str(batch.errors[0].to_exception())
        tally.add(batch.records, batch.statement, batch.statement_complete)
        records.extend(batch.records.to_pylist())
    return records, tally.unbalanced_message()


def batch_sum(records: pa.RecordBatch) -> int:
    total = pc.sum(records.column("amount")).as_py()
    return int(total or 0)


def statement_summary(statement: Statement, entries_sum: int | None) -> dict[str, Any]:
    """A statement's metadata, and its balance check once all its entries are summed (JSON)."""

    def money(units: int | None) -> str | None:
        return None if units is None else format_units(units)

    summary: dict[str, Any] = {
        "index": statement.index,
        "statement_id": statement.statement_id,
        "account_id": statement.account_id,
        "currency": statement.currency,
        "opening_balance": money(statement.opening_balance),
        "closing_balance": money(statement.closing_balance),
        "from_date": statement.from_date.isoformat() if statement.from_date else None,
        "to_date": statement.to_date.isoformat() if statement.to_date else None,
        "entry_count": statement.entry_count,
    }
    if entries_sum is not None:
        check = check_balance(statement, entries_sum)
        summary["balance"] = {
            "status": check.status,
            "basis": check.basis,
            "entries_sum": money(check.entries_sum),
            "expected_movement": money(check.expected_movement),
            "difference": money(check.difference),
        }
    return summary


def describe_error(error: IngestError | FormatError) -> dict[str, Any]:
    """An engine error as the API's machine-readable detail (row/column, or position)."""
    if isinstance(error, FormatError):
        return {"reason": error.reason, "position": str(error.position), "format": error.format}
    return {
        "reason": error.reason,
        "row": error.row,
        "column": error.column,
        "value": error.value,
        "code": error.code,
    }
