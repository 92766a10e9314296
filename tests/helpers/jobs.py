from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

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
        rules={"rules": []},
        status=status,
    )
    session.add(job)
    await session.commit()
    return job
