from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.rules import DEFAULT_RULE_SET
from tally.models import DataSource, JobStatus, Project, ReconciliationJob


async def create_job(
    session: AsyncSession,
    *,
    project: Project,
    left: DataSource,
    right: DataSource,
    status: JobStatus = JobStatus.COMPLETED,
) -> ReconciliationJob:
    """Create and commit a job row (nothing runs it)."""
    job = ReconciliationJob(
        project_id=project.id,
        left_source_id=left.id,
        right_source_id=right.id,
        rules=DEFAULT_RULE_SET.model_dump(mode="json"),
        status=status,
    )
    session.add(job)
    await session.commit()
    return job
