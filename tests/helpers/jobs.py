from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.rules import DEFAULT_RULE_SET
from tally.kit.db import Database
from tally.models import DataSource, JobStatus, Project, ReconciliationJob
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser


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


async def create_job_in_new_project(
    session: AsyncSession, *, owner: AuthedUser, status: JobStatus, progress: float | None = None
) -> ReconciliationJob:
    """A job of two empty sources in a new project of ``owner`` (committed; nothing runs it)."""
    project = await create_project(session, owner=owner)
    left = await create_data_source(session, project=project, name="a")
    right = await create_data_source(session, project=project, name="b")
    job = await create_job(session, project=project, left=left, right=right, status=status)
    if progress is not None:
        job.progress = progress
        await session.commit()
    return job


async def set_job_state(
    database: Database, job_id: int, status: JobStatus, progress: float
) -> None:
    """Change a job as its worker would: in a session (and transaction) of its own."""
    async with database.sessionmaker() as other:
        job = await other.get(ReconciliationJob, job_id)
        assert job is not None
        job.status, job.progress = status, progress
        await other.commit()
