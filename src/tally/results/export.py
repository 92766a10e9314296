"""Exporting a job's results as CSV (streamed) or XLSX (written to a temp file), in bounded memory.

Both read the same keyset pages (``id > last`` on the tab's index), one page of matches plus all
their records at a time, so a job with millions of rows never sits in memory. Every text cell a
spreadsheet would run as a formula is escaped (tally.ingest.safety).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.responses import FileResponse, Response, StreamingResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask

from tally.audit.service import AuditService
from tally.ingest.safety import escape_formula
from tally.kit.db import Database
from tally.kit.hash_chain import GENESIS
from tally.models import MatchTab, ReconciliationJob
from tally.money import from_units
from tally.results.repository import ResultRepository
from tally.results.schemas import (
    ExportFormat,
    MatchQuery,
    QualityReport,
    RecordQuery,
    RecordTab,
    ResultTab,
)
from tally.results.service import ResultService
from tally.results.shaping import explain

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
        if tab.value in _MATCH_TABS:
            query = MatchQuery(
                tab=MatchTab(tab.value),
                rule=filters.rule,
                min_amount=filters.min_amount,
                max_amount=filters.max_amount,
                q=filters.q,
            )
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
        elif filters.rule is None:  # records outside any match have no rule
            record_query = RecordQuery(
                tab=RecordTab(tab.value),
                min_amount=filters.min_amount,
                max_amount=filters.max_amount,
                q=filters.q,
            )
            key: tuple[int, int] = (-(2**62), -(2**62))
            while True:
                rows = await repository.export_record_rows(
                    job, record_query, after=key, limit=EXPORT_PAGE_SIZE
                )
                if not rows:
                    break
                yield [_record_row(tab, row) for row in rows]
                last = rows[-1]
                if record_query.tab is RecordTab.DUPLICATES:
                    key = (last.group_id, last.id)
                else:
                    key = (last.row_number, last.id)
                if len(rows) < EXPORT_PAGE_SIZE:
                    break


def _match_row(row: Any) -> Row:
    # The repository's columns, in COLUMNS order, with the evidence turned into its sentence.
    *fields, evidence = row
    amount_at = COLUMNS.index("amount")
    difference_at = COLUMNS.index("amount_difference")
    fields[amount_at] = None if fields[amount_at] is None else from_units(fields[amount_at])
    fields[difference_at] = from_units(fields[difference_at])
    return (*fields, _explanation(evidence))


@lru_cache(maxsize=4096)
def _explanation(evidence: str | None) -> str:
    """Evidence repeats a lot across a job (same rule, same outcome): explain each text once."""
    return explain(json.loads(evidence)) if evidence else ""


def _record_row(tab: ResultTab, row: Any) -> Row:
    side, record_id, row_number, reference, booked, valued, amount, currency, *rest = row
    description, counterparty, group, match_id = rest
    return (
        str(tab),
        match_id,
        None,
        None,
        None,
        None,
        side,
        record_id,
        row_number,
        reference,
        booked,
        valued,
        from_units(amount),
        currency,
        description,
        counterparty,
        group,
        None,
        None,
        None,
    )


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
) -> AsyncIterator[bytes]:
    """The CSV, one keyset page per chunk, read in a session of its own (the request's is closed
    by the time a streamed body is sent). Starts with a BOM so Excel reads it as UTF-8."""
    yield ("\ufeff" + _csv_text([COLUMNS])).encode()
    async with database.sessionmaker() as session:
        async for rows in export_pages(session, job, tabs, filters):
            yield (await asyncio.to_thread(_csv_text, rows)).encode()


# --- XLSX ---------------------------------------------------------------------------------------


def xlsx_cell(value: Any) -> Any:
    """Numbers and dates stay typed; text is escaped and stripped of characters XML forbids."""
    if isinstance(value, str):
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


class _Sheets:
    """A write-only workbook whose results continue on a new sheet at Excel's row limit."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.count = 0
        self.rows = 0
        self.sheet = self._new_sheet()

    def _new_sheet(self) -> WriteOnlyWorksheet:
        self.count += 1
        title = "Results" if self.count == 1 else f"Results {self.count}"
        sheet: WriteOnlyWorksheet = self.workbook.create_sheet(title)
        sheet.append(COLUMNS)
        self.rows = 1
        return sheet

    def append(self, rows: Sequence[Row]) -> None:
        for row in rows:
            if self.rows >= XLSX_MAX_ROWS:
                self.sheet = self._new_sheet()
            self.sheet.append([xlsx_cell(v) for v in row])
            self.rows += 1

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
) -> Path:
    """The workbook as a temp file (the caller deletes it after sending): results sheets and a
    quality sheet. openpyxl's write-only mode streams rows to disk as they are appended."""
    handle, name = tempfile.mkstemp(prefix=f"tally-job-{job.id}-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        sheets = _Sheets()
        async for rows in export_pages(session, job, tabs, filters):
            await asyncio.to_thread(sheets.append, rows)
        sheets.add_quality(quality)
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
) -> Response:
    """The download for the API and the web app alike: CSV streamed from its own session, XLSX
    built in the request (so an error is still a proper error response) and sent from disk."""
    tabs = export_tabs(tab)
    filters = filters or ExportFilter()
    # The project's audit chain head as of this export: `tally audit verify --head` checks later
    # that no review decision up to it was edited, deleted or reordered.
    head = await AuditService(session).head(job.project_id)
    audit_head = {AUDIT_HEAD_HEADER: f"{head.seq}:{head.hash}" if head else f"0:{GENESIS}"}
    if fmt is ExportFormat.CSV:
        name = export_filename(job, tab, "csv")
        return StreamingResponse(
            csv_chunks(database, job, tabs, filters),
            media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"', **audit_head},
        )
    quality = await ResultService(session).quality_of(job)
    path = await write_xlsx(session, job, tabs, filters, quality)
    return FileResponse(
        path,
        media_type=XLSX_MEDIA_TYPE,
        filename=export_filename(job, tab, "xlsx"),
        headers=audit_head,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
