"""Which records a job covered: all of both sources, or for an incremental job only its scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, or_, select

from tally.models import JobMode, JobScopeRecord, ReconciliationJob, Record, ScopeKind


def job_scope(job: ReconciliationJob, side: str | None = None) -> ColumnElement[bool] | None:
    """The condition on ``record`` of the records a job covered, on one ``side`` or both; None
    when it covered whole sources. An incremental job covered its carried open items and the
    rows numbered above its watermarks; a full job every record but those people had settled
    before it. Records outside are not the job's unmatched records.

    A condition to narrow rows found another way (a page, records by id): on its own it is
    checked on every record of the sources (see appended_rows)."""
    if job.left_from_row is None or job.right_from_row is None:
        return None

    def scoped(kind: ScopeKind) -> ColumnElement[bool]:
        return exists().where(
            JobScopeRecord.job_id == job.id,
            JobScopeRecord.record_id == Record.id,
            JobScopeRecord.kind == kind,
        )

    if job.mode == JobMode.FULL:
        return ~scoped(ScopeKind.SETTLED)
    carried = scoped(ScopeKind.OPEN)
    if side == "left":
        return or_(Record.row_number > job.left_from_row, carried)
    if side == "right":
        return or_(Record.row_number > job.right_from_row, carried)
    from_row = case(
        (Record.data_source_id == job.left_source_id, job.left_from_row),
        else_=job.right_from_row,
    )
    return or_(Record.row_number > from_row, carried)


def appended_rows(job: ReconciliationJob, *columns: Any) -> list[Select[Any]] | None:
    """``columns`` of the rows an incremental job took in above its watermarks, one SELECT per
    source (an index range of ``record``, to UNION ALL); None for a job that is not incremental.

    With the job's carried open items (its ``open`` scope rows, read by key; an open item was
    seen by an earlier job, so it is numbered at or below the watermark and never among these)
    they are what job_scope's condition selects, at the cost of the scope: that condition, an
    OR of a range and a lookup, leaves PostgreSQL nothing but a scan of both sources (EXPLAIN
    ANALYZE at 100k settled rows per side: a sequential scan of ``record``, 194k rows read and
    0.5 s of JIT compilation to list 8,030 unmatched records, 0.87 s in all)."""
    if job.mode != JobMode.INCREMENTAL or job.left_from_row is None or job.right_from_row is None:
        return None
    return [
        select(*columns).where(Record.data_source_id == source_id, Record.row_number > from_row)
        for source_id, from_row in (
            (job.left_source_id, job.left_from_row),
            (job.right_source_id, job.right_from_row),
        )
    ]
