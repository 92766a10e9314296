"""Exporting a job's results as CSV (streamed) or XLSX (written to a temp file), in bounded memory.

XLSX, and CSV on SQLite, read keyset pages (``id > last`` on the tab's index), one page of matches
plus all their records at a time, so a job with millions of rows never sits in memory. CSV on
PostgreSQL streams each tab's one statement out with ``COPY ... TO STDOUT`` and shapes blocks of
rows with Arrow (the keyset pages went through the driver and Python's csv row by row: 2.1 MB/s,
197 s for a 1M x 1M job; bench/export). Every text cell a spreadsheet would run as a formula is
escaped by the same rule on both paths (tally.ingest.safety).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlalchemy import (
    Select,
    String,
    literal,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask

from tally.audit.schemas import ChainLink, verify_command
from tally.audit.service import AuditService
from tally.ingest.safety import escape_formula, formula_like_mask
from tally.kit.bulk import copy_out_blocks
from tally.kit.db import Database
from tally.kit.threads import iterate_in_thread
from tally.models import MatchTab, ReconciliationJob
from tally.money import AMOUNT_FACTOR, AMOUNT_SCALE, DEFAULT_EXPONENT, EXPONENTS, amount_decimal
from tally.results.repository import EXPORT_START, ResultRepository
from tally.results.schemas import (
    ExportFormat,
    ExportLayout,
    MatchQuery,
    QualityReport,
    RecordQuery,
    RecordTab,
    ResultTab,
)
from tally.results.shaping import explain
from tally.results.summary import QualityService

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

AUDIT_HEAD_HEADER = "X-Tally-Audit-Head"
EXPORT_PAGE_SIZE = 1_000  # matches (or records) per keyset page
XLSX_MAX_ROWS = 1_048_576  # per sheet, header included; more rows continue on a new sheet
ALL_TABS = (
    ResultTab.MATCHED,
    ResultTab.REVIEW,
    ResultTab.DISCREPANCIES,
    ResultTab.REJECTED,
    ResultTab.UNMATCHED_LEFT,
    ResultTab.UNMATCHED_RIGHT,
)
COLUMNS = (
    "tab",
    "match_id",
    "status",
    "category",
    "rule",
    "score",
    "side",
    "record_id",
    "row_number",
    "reference",
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "description",
    "counterparty",
    "duplicate_group",
    "amount_difference",
    "date_difference_days",
    "explanation",
)
# The pairs layout: a match's columns, then a record's fields for each side, side by side.
RECORD_FIELDS = COLUMNS[COLUMNS.index("record_id") : COLUMNS.index("amount_difference")]
PAIR_COLUMNS = (
    *COLUMNS[: COLUMNS.index("side")],
    *(f"left_{name}" for name in RECORD_FIELDS),
    *(f"right_{name}" for name in RECORD_FIELDS),
    *COLUMNS[COLUMNS.index("amount_difference") :],
)
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = tuple[Any, ...]
_MATCH_TABS = frozenset(t.value for t in MatchTab)


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Filters applied to every exported tab (``rule`` limits the export to match tabs)."""

    rule: str | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    q: str | None = None


def export_tabs(tab: ResultTab | None) -> tuple[ResultTab, ...]:
    """The tabs an export covers: one, or every tab but duplicates (flagged on each row)."""
    return (tab,) if tab is not None else ALL_TABS


def export_filename(job: ReconciliationJob, tab: ResultTab | None, extension: str) -> str:
    return f"tally-job-{job.id}-{tab or 'results'}.{extension}"


async def export_pages(
    session: AsyncSession,
    job: ReconciliationJob,
    tabs: Sequence[ResultTab],
    filters: ExportFilter,
) -> AsyncIterator[list[Row]]:
    """Rows of ``COLUMNS``, one per record, a keyset page (one statement) at a time."""
    repository = ResultRepository(session)
    for tab in tabs:
        query = _tab_query(tab, filters)
        if isinstance(query, MatchQuery):
            after = 0
            while True:
                rows = await repository.export_match_rows(
                    job, query, after_id=after, limit=EXPORT_PAGE_SIZE
                )
                if not rows:
                    break
                yield [_match_row(row) for row in rows]
                after = rows[-1].id
                if len({row.id for row in rows}) < EXPORT_PAGE_SIZE:
                    break
        elif query is not None:
            key: tuple[int, int] = EXPORT_START
            while True:
                rows = await repository.export_record_rows(
                    job, query, after=key, limit=EXPORT_PAGE_SIZE
                )
                if not rows:
                    break
                yield [_record_row(tab, row) for row in rows]
                last = rows[-1]
                if query.tab is RecordTab.DUPLICATES:
                    key = (last.group_id, last.id)
                else:
                    key = (last.row_number, last.id)
                if len(rows) < EXPORT_PAGE_SIZE:
                    break


def _tab_query(tab: ResultTab, filters: ExportFilter) -> MatchQuery | RecordQuery | None:
    """The query of one exported tab under ``filters``; None when the tab has no row under them
    (records outside any match have no rule)."""
    if tab.value in _MATCH_TABS:
        return MatchQuery(
            tab=MatchTab(tab.value),
            rule=filters.rule,
            min_amount=filters.min_amount,
            max_amount=filters.max_amount,
            q=filters.q,
        )
    if filters.rule is not None:
        return None
    return RecordQuery(
        tab=RecordTab(tab.value),
        min_amount=filters.min_amount,
        max_amount=filters.max_amount,
        q=filters.q,
    )


def _match_row(row: Any) -> Row:
    # The repository's columns, in COLUMNS order, with the evidence turned into its sentence and
    # the amounts in the record's currency's places.
    *fields, evidence = row
    amount_at = COLUMNS.index("amount")
    difference_at = COLUMNS.index("amount_difference")
    currency = fields[COLUMNS.index("currency")]
    amount = fields[amount_at]
    fields[amount_at] = None if amount is None else amount_decimal(amount, currency)
    fields[difference_at] = amount_decimal(fields[difference_at], currency)
    return (*fields, _explanation(evidence))


@lru_cache(maxsize=4096)
def _explanation(evidence: str | None) -> str:
    """Evidence repeats a lot across a job (same rule, same outcome): explain each text once."""
    return explain(json.loads(evidence)) if evidence else ""


def _record_row(tab: ResultTab, row: Any) -> Row:
    side, record_id, row_number, reference, booked, valued, amount, currency, *rest = row
    shown = amount_decimal(amount, currency)
    return _record_layout(
        str(tab),
        (side, record_id, row_number, reference, booked, valued, shown, currency, *rest),
        None,
    )


def as_pairs(rows: Sequence[Row]) -> list[Row]:
    """Rows of ``COLUMNS`` (one per record, a match's records together) as rows of
    ``PAIR_COLUMNS``: a match's left and right records side by side, the i-th left beside the
    i-th right when a side has several (blank where the other side has fewer); an unmatched
    record beside nothing. A page of the export holds whole matches, so pages convert alone."""
    side, first, last = COLUMNS.index("side"), RECORD_FIELDS[0], RECORD_FIELDS[-1]
    start, stop = COLUMNS.index(first), COLUMNS.index(last) + 1
    blank = (None,) * len(RECORD_FIELDS)
    paired: list[Row] = []
    group: list[Row] = []

    def flush() -> None:
        lefts = [row[start:stop] for row in group if row[side] == "left"]
        rights = [row[start:stop] for row in group if row[side] == "right"]
        head, tail = group[0][:side], group[0][stop:]
        for i in range(max(len(lefts), len(rights))):
            left = lefts[i] if i < len(lefts) else blank
            right = rights[i] if i < len(rights) else blank
            paired.append((*head, *left, *right, *tail))

    for row in rows:
        same_match = group and row[1] is not None and row[:2] == group[0][:2]
        if group and not same_match:
            flush()
            group = []
        group.append(row)
    if group:
        flush()
    return paired


def _record_layout(tab: Any, row: Sequence[Any], empty: Any) -> tuple[Any, ...]:
    """A record tab's row (``side``, the record's exported fields, duplicate group, match id) in
    COLUMNS order, with ``empty`` in the columns only a match has."""
    side, *fields, group, match_id = row
    return (tab, match_id, empty, empty, empty, empty, side, *fields, group, empty, empty, empty)


# --- CSV ----------------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """A cell as CSV text: plain numbers and ISO dates; text escaped against formula injection."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return escape_formula(str(value))


def _csv_text(rows: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


async def csv_chunks(
    database: Database,
    job: ReconciliationJob,
    tabs: Sequence[ResultTab],
    filters: ExportFilter,
    layout: ExportLayout = ExportLayout.RECORDS,
) -> AsyncIterator[bytes]:
    """The CSV, read in a session of its own (the request's is closed by the time a streamed body
    is sent): COPY blocks on PostgreSQL, keyset pages on SQLite (and for the pairs layout on
    both). Starts with a BOM so Excel reads it as UTF-8."""
    if layout is ExportLayout.PAIRS:
        yield ("\ufeff" + _csv_text([PAIR_COLUMNS])).encode()
        async with database.sessionmaker() as session:
            async for rows in export_pages(session, job, tabs, filters):
                yield (await asyncio.to_thread(_csv_text, as_pairs(rows))).encode()
        return
    yield ("\ufeff" + _csv_text([COLUMNS])).encode()
    chunks = copy_csv_chunks if not database.is_sqlite else page_csv_chunks
    async for chunk in chunks(database, job, tabs, filters):
        yield chunk


async def page_csv_chunks(
    database: Database,
    job: ReconciliationJob,
    tabs: Sequence[ResultTab],
    filters: ExportFilter,
) -> AsyncIterator[bytes]:
    """The CSV rows (no header), one keyset page per chunk."""
    async with database.sessionmaker() as session:
        async for rows in export_pages(session, job, tabs, filters):
            yield (await asyncio.to_thread(_csv_text, rows)).encode()


# Rows per COPY block: ~10 MB of CSV at ~200 bytes a row, shaped in one Arrow pass.
COPY_BLOCK_ROWS = 50_000
# Columns of the COPY output: COLUMNS with the match's evidence where its explanation goes.
_COPY_COLUMNS = (*COLUMNS[:-1], "evidence")
# The text columns a user's data or rules can fill (tab, status, category and side are Tally's own
# words; the explanation is escaped once per distinct text): formula-escaped row by row.
_FREE_TEXT_COLUMNS = ("rule", "reference", "currency", "description", "counterparty")
# How COPY's columns are read: amounts and scores as numbers (formatted below as the page path
# formats them), every other column as the text PostgreSQL wrote (ISO dates, plain integers).
_COPY_SCHEMA = {
    name: pl.Int64
    if name in ("amount", "amount_difference")
    else pl.Float64
    if name == "score"
    else pl.String
    for name in _COPY_COLUMNS
}


async def copy_csv_chunks(
    database: Database,
    job: ReconciliationJob,
    tabs: Sequence[ResultTab],
    filters: ExportFilter,
) -> AsyncIterator[bytes]:
    """The CSV rows (no header) of each tab's one statement, streamed with COPY TO STDOUT in
    blocks of whole rows, formula-escaped and explained per block (PostgreSQL; a finished job's
    results are committed and no longer change, so a connection of its own may read them)."""
    async with database.sessionmaker() as session:
        connection = await session.connection()
        repository = ResultRepository(session)
        for query in _copy_queries(repository, connection.dialect, job, tabs, filters):
            blocks = copy_out_blocks(connection, query, block_rows=COPY_BLOCK_ROWS)
            carried = _Carried()
            async for block in iterate_in_thread(blocks):
                yield await asyncio.to_thread(_safe_csv_block, block, carried)


def _copy_queries(
    repository: ResultRepository,
    dialect: Dialect,
    job: ReconciliationJob,
    tabs: Sequence[ResultTab],
    filters: ExportFilter,
) -> list[str]:
    """Each tab's rows in COPY's column order (_COPY_COLUMNS) and the page path's row order, as
    SQL text with its values inlined (COPY takes no parameters; SQLAlchemy renders them quoted)."""
    queries = []
    for tab in tabs:
        query = _tab_query(tab, filters)
        if isinstance(query, MatchQuery):
            statement = repository.export_match_statement(
                job, query, limit=None, evidence_once=True
            )
        elif query is not None:
            statement = _record_copy_columns(
                str(tab), repository.export_record_statement(job, query, limit=None)
            )
        else:
            continue
        compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        queries.append(str(compiled))
    return queries


def _record_copy_columns(tab: str, statement: Select[Any]) -> Select[Any]:
    page = statement.subquery()
    columns = _record_layout(literal(tab, String), list(page.c), literal(None, String))
    return select(*columns).select_from(page)


@dataclass(slots=True)
class _Carried:
    """The last match of the previous block of one COPY statement and its evidence: a match's
    rows may continue in the next block, whose rows then carry no evidence of their own."""

    match_id: str | None = None
    evidence: str = ""


def _safe_csv_block(block: bytes, carried: _Carried) -> bytes:
    """One block of COPY's CSV as the export's (csv_cell's rules, vectorised): money as exact
    decimals in each row's currency's places, scores as Python prints them, evidence explained
    (sent on each match's first row only, spread here to its others), text
    formula-escaped."""
    frame = pl.read_csv(
        block, has_header=False, new_columns=list(_COPY_COLUMNS), schema=_COPY_SCHEMA
    )
    # A null and an empty evidence both explain as "": the empty string marks a match's first
    # row so that forward-filling never reaches into the match before it.
    match_id = pl.col("match_id")
    first = match_id.ne_missing(match_id.shift(1, fill_value=carried.match_id))
    evidence = (
        pl.when(first)
        .then(pl.col("evidence").fill_null(""))
        .otherwise(pl.col("evidence"))
        .forward_fill()
        .fill_null(carried.evidence)
    )
    frame = frame.with_columns(evidence.alias("evidence"))
    if frame.height:
        last = frame.row(frame.height - 1, named=True)
        carried.match_id, carried.evidence = last["match_id"], last["evidence"]
    explained = {
        text: escape_formula(_explanation(text))
        for text in frame["evidence"].unique().drop_nulls().to_list()
    }
    frame = frame.with_columns(
        _units_text("amount"),
        _units_text("amount_difference"),
        pl.col("score").round(6).cast(pl.String),
        pl.col("evidence")
        .replace_strict(explained, default=None, return_dtype=pl.String)
        .alias("explanation"),
    ).drop("evidence")
    frame = frame.with_columns(
        pl.when(pl.Series(formula_like_mask(frame[name].to_arrow())))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in _FREE_TEXT_COLUMNS
    )
    # Python's csv module (the page path) quotes only where needed and writes an empty string as
    # it writes a null: nothing. Written as bytes: no str to decode and encode again.
    out = io.BytesIO()
    frame.select(COLUMNS).with_columns(pl.col(pl.String).replace("", None)).write_csv(
        out, include_header=False, quote_style="necessary", line_terminator="\r\n"
    )
    return out.getvalue()


def _units_text(name: str) -> pl.Expr:
    """Integer units as amount_decimal prints them, by the row's ``currency``: its own places,
    more only when the amount has more (``-9.99`` EUR, ``1200`` JPY, ``1.250`` BHD)."""
    units = pl.col(name)
    magnitude = units.abs()
    digits = (magnitude % AMOUNT_FACTOR).cast(pl.String).str.zfill(AMOUNT_SCALE)
    needed = digits.str.strip_chars_end("0").str.len_chars()
    exponent = (
        pl.col("currency")
        .str.to_uppercase()
        .replace_strict(EXPONENTS, default=DEFAULT_EXPONENT, return_dtype=pl.UInt32)
        .fill_null(DEFAULT_EXPONENT)
    )
    places = pl.max_horizontal(exponent, needed)
    text = pl.concat_str(
        pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // AMOUNT_FACTOR).cast(pl.String),
        pl.when(places > 0).then(pl.lit(".") + digits.str.slice(0, places)).otherwise(pl.lit("")),
    )
    return text.alias(name)


# --- XLSX ---------------------------------------------------------------------------------------


def xlsx_cell(value: Any) -> Any:
    """Numbers and dates stay typed; text is escaped and stripped of characters XML forbids."""
    if isinstance(value, str):
        return escape_formula(_illegal_characters().sub("", value))
    return value


@lru_cache(maxsize=1)
def _illegal_characters() -> re.Pattern[str]:
    # openpyxl is imported when a workbook is written, not with the app: the server and `tally
    # worker` would otherwise hold its ~10 MB of RSS while they ingest (bench/rss/REPORT.md).
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    pattern: re.Pattern[str] = ILLEGAL_CHARACTERS_RE
    return pattern


@lru_cache(maxsize=8)
def _places_format(places: int) -> str:
    return "0." + "0" * places if places > 0 else "0"


def _number_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    return _places_format(-exponent if isinstance(exponent, int) and exponent < 0 else 0)


class _Sheets:
    """A write-only workbook whose results continue on a new sheet at Excel's row limit."""

    def __init__(self, header: Sequence[str] = COLUMNS) -> None:
        from openpyxl import Workbook  # see _illegal_characters
        from openpyxl.cell.cell import WriteOnlyCell

        self.header = header
        self.workbook = Workbook(write_only=True)
        self.cell_type = WriteOnlyCell
        self.count = 0
        self.rows = 0
        self.sheet = self._new_sheet()

    def _new_sheet(self) -> WriteOnlyWorksheet:
        self.count += 1
        title = "Results" if self.count == 1 else f"Results {self.count}"
        sheet: WriteOnlyWorksheet = self.workbook.create_sheet(title)
        sheet.append(list(self.header))
        self.rows = 1
        return sheet

    def append(self, rows: Sequence[Row]) -> None:
        for row in rows:
            if self.rows >= XLSX_MAX_ROWS:
                self.sheet = self._new_sheet()
            self.sheet.append([self._cell(v) for v in row])
            self.rows += 1

    def _cell(self, value: Any) -> Any:
        """An amount shows its currency's places (a number format: the value stays a number)."""
        if not isinstance(value, Decimal):
            return xlsx_cell(value)
        cell = self.cell_type(self.sheet, value=value)
        cell.number_format = _number_format(value)
        return cell

    def add_audit_head(self, job: ReconciliationJob, head: ChainLink) -> None:
        """The audit chain head as of the export, inside the file, so a saved copy can be checked
        later against the live chain (the HTTP header is lost once the file is saved)."""
        sheet = self.workbook.create_sheet("Audit")
        sheet.append(["project", job.project_id])
        sheet.append(["job", job.id])
        sheet.append(["audit chain head", head.token])
        sheet.append(["verify with", verify_command(job.project_id, head)])

    def add_quality(self, report: QualityReport) -> None:
        sheet = self.workbook.create_sheet("Quality")
        fields = list(type(report.overall).model_fields)
        sheet.append(["scope", "rule", *fields])
        sheet.append(["job", None, *(getattr(report.overall, f) for f in fields)])
        for rule in report.rules:
            sheet.append(
                ["rule", xlsx_cell(rule.rule), *(getattr(rule.figures, f) for f in fields)]
            )


async def write_xlsx(
    session: AsyncSession,
    job: ReconciliationJob,
    tabs: Sequence[ResultTab],
    filters: ExportFilter,
    quality: QualityReport,
    audit_head: ChainLink,
    layout: ExportLayout = ExportLayout.RECORDS,
) -> Path:
    """The workbook as a temp file (the caller deletes it after sending): results sheets and a
    quality sheet. openpyxl's write-only mode streams rows to disk as they are appended."""
    handle, name = tempfile.mkstemp(prefix=f"tally-job-{job.id}-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        pairs = layout is ExportLayout.PAIRS
        sheets = _Sheets(PAIR_COLUMNS if pairs else COLUMNS)
        async for rows in export_pages(session, job, tabs, filters):
            await asyncio.to_thread(sheets.append, as_pairs(rows) if pairs else rows)
        sheets.add_quality(quality)
        sheets.add_audit_head(job, audit_head)
        await asyncio.to_thread(sheets.workbook.save, path)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    return path


# --- the response -------------------------------------------------------------------------------


async def export_response(
    database: Database,
    session: AsyncSession,
    job: ReconciliationJob,
    fmt: ExportFormat,
    tab: ResultTab | None = None,
    filters: ExportFilter | None = None,
    layout: ExportLayout = ExportLayout.RECORDS,
) -> Response:
    """The download for the API and the web app alike: CSV streamed from its own session, XLSX
    built in the request (so an error is still a proper error response) and sent from disk."""
    tabs = export_tabs(tab)
    filters = filters or ExportFilter()
    # The project's audit chain head as of this export: `tally audit verify --head` checks later
    # that no review decision up to it was edited, deleted or reordered.
    head = await AuditService(session).export_head(job.project_id)
    audit_head = {AUDIT_HEAD_HEADER: head.token}
    if fmt is ExportFormat.CSV:
        name = export_filename(job, tab, "csv")
        return StreamingResponse(
            csv_chunks(database, job, tabs, filters, layout),
            media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"', **audit_head},
        )
    quality = await QualityService(session).quality_of(job)
    path = await write_xlsx(session, job, tabs, filters, quality, head, layout)
    return FileResponse(
        path,
        media_type=XLSX_MEDIA_TYPE,
        filename=export_filename(job, tab, "xlsx"),
        headers=audit_head,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
