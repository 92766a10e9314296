from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, Since, cut, keyset
from tally.models import (
    FINISHED_JOB_STATUSES,
    AuditEvent,
    JobStatus,
    ProjectStats,
    ReconciliationJob,
)

# A job holds review decisions once anything was recorded in its audit trail (every confirm,
# reject and manual match writes one in its own transaction): by ix_audit_event_job_id_id.
_HAS_DECISIONS = exists().where(AuditEvent.job_id == ReconciliationJob.id)


@dataclass(frozen=True, slots=True)
class JobUse:
    """A job that reconciled a data source, and what deleting the source would do to it."""

    id: int
    status: str
    archived: bool
    has_decisions: bool


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page_for_project(
        self, project_id: int, cursor: Cursor, since: Since
    ) -> tuple[list[ReconciliationJob], bool]:
        """A cursor page of the project's jobs, newest first, and whether more follow: one
        statement on ix_reconciliation_job_project_id_id."""
        statement = select(ReconciliationJob).where(
            ReconciliationJob.project_id == project_id,
            *since.conditions(ReconciliationJob.created_at, ReconciliationJob.updated_at),
        )
        rows = await self.session.scalars(
            keyset(statement, ReconciliationJob.id, cursor, descending=True)
        )
        return cut(list(rows), cursor)

    async def get_in_project(self, project_id: int, job_id: int) -> ReconciliationJob | None:
        statement = select(ReconciliationJob).where(
            ReconciliationJob.id == job_id, ReconciliationJob.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def uses_of_source(self, source_id: int) -> list[JobUse]:
        """Every job that reconciled the source (on ix_reconciliation_job_{left,right}_source_id)."""
        statement = (
            select(
                ReconciliationJob.id,
                ReconciliationJob.status,
                ReconciliationJob.archived_at.is_not(None),
                _HAS_DECISIONS,
            )
            .where(
                or_(
                    ReconciliationJob.left_source_id == source_id,
                    ReconciliationJob.right_source_id == source_id,
                )
            )
            .order_by(ReconciliationJob.id)
        )
        rows = await self.session.execute(statement)
        return [JobUse(i, status, bool(archived), bool(held)) for i, status, archived, held in rows]

    async def delete_jobs(self, project_id: int, job_ids: list[int]) -> None:
        """Delete jobs (their results are gone already); stats describing one of them go too, so
        the project's stats never count records of a job that no longer exists."""
        if not job_ids:
            return
        await self.session.execute(
            delete(ProjectStats).where(
                ProjectStats.project_id == project_id, ProjectStats.last_job_id.in_(job_ids)
            )
        )
        await self.session.execute(
            delete(ReconciliationJob)
            .where(ReconciliationJob.id.in_(job_ids))
            .execution_options(synchronize_session=False)
        )

    async def get(self, job_id: int) -> ReconciliationJob | None:
        return await self.session.get(ReconciliationJob, job_id)

    async def add(self, job: ReconciliationJob) -> ReconciliationJob:
        self.session.add(job)
        await self.session.flush()
        return job

    async def claim(self, job_id: int, now: datetime) -> bool:
        """Mark a queued (or crashed-while-running) job as running; False if it is finished."""
        result = await self.session.execute(
            update(ReconciliationJob)
            .where(
                ReconciliationJob.id == job_id,
                ReconciliationJob.status.not_in(FINISHED_JOB_STATUSES),
            )
            .values(
                status=JobStatus.RUNNING,
                started_at=now,
                progress=0.0,
                attempts=ReconciliationJob.attempts + 1,
                error=None,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_progress(
        self, job_id: int, progress: float, *, partitions: dict[str, Any] | None = None
    ) -> bool:
        """Store progress (and the partition plan's, when partitioned); returns whether a cancel
        was requested meanwhile."""
        values: dict[str, Any] = {"progress": progress}
        if partitions is not None:
            values["partitions"] = partitions
        await self.session.execute(
            update(ReconciliationJob)
            .where(ReconciliationJob.id == job_id, ReconciliationJob.status == JobStatus.RUNNING)
            .values(**values)
        )
        return bool(
            await self.session.scalar(
                select(ReconciliationJob.cancel_requested).where(ReconciliationJob.id == job_id)
            )
        )

    async def finish(self, job_id: int, status: JobStatus, now: datetime, **values: Any) -> None:
        await self.session.execute(
            update(ReconciliationJob)
            .where(ReconciliationJob.id == job_id)
            .values(status=status, finished_at=now, **values)
        )

    async def unfinished_ids(self) -> list[int]:
        """Jobs queued or running, and completed jobs whose results were never indexed for the
        results pages (the process stopped in between): after a restart, these are picked up
        again (status index)."""
        statement = (
            select(ReconciliationJob.id)
            .where(
                ReconciliationJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
                | (
                    (ReconciliationJob.status == JobStatus.COMPLETED)
                    & ReconciliationJob.results_indexed_at.is_(None)
                    & ~ReconciliationJob.results_expired
                )
            )
            .order_by(ReconciliationJob.id)
        )
        return list(await self.session.scalars(statement))

    async def finished_before(self, cutoff: datetime) -> list[int]:
        """Finished jobs older than ``cutoff`` whose results are still stored."""
        statement = select(ReconciliationJob.id).where(
            ReconciliationJob.status.in_(FINISHED_JOB_STATUSES),
            ReconciliationJob.finished_at < cutoff,
            ReconciliationJob.results_expired.is_(False),
            # Decisions are never expired away: archived jobs and jobs with any review keep
            # their matches.
            ReconciliationJob.archived_at.is_(None),
            ~_HAS_DECISIONS,
        )
        return list(await self.session.scalars(statement))

    async def mark_results_expired(self, job_ids: list[int]) -> None:
        if job_ids:
            await self.session.execute(
                update(ReconciliationJob)
                .where(ReconciliationJob.id.in_(job_ids))
                .values(results_expired=True)
            )
