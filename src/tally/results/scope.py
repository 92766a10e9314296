"""Which records a job covered: all of both sources, or for an incremental job only its scope."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, exists, or_

from tally.models import JobMode, JobScopeRecord, ReconciliationJob, Record, ScopeKind


def job_scope(job: ReconciliationJob, side: str | None = None) -> ColumnElement[bool] | None:
    """The condition on ``record`` of the records a job covered, on one ``side`` or both; None
    when it covered whole sources. An incremental job covered its carried open items and the
    rows numbered above its watermarks; a full job every record but those people had settled
    before it. Records outside are not the job's unmatched records."""
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
