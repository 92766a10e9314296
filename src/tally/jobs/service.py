"""The rules about reconciliation jobs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.repository import JobRepository
from tally.kit.errors import NotFound
from tally.models import ReconciliationJob
from tally.projects.auth import ProjectAccess

RECENT_JOBS_LIMIT = 100


class JobNotFound(NotFound):
    """No such reconciliation job in this project."""


class JobService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = JobRepository(session)

    async def list_jobs(self, access: ProjectAccess) -> list[ReconciliationJob]:
        """The project's most recent jobs, newest first."""
        return await self.repository.list_for_project(access.project_id, limit=RECENT_JOBS_LIMIT)

    async def get_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        job = await self.repository.get_in_project(access.project_id, job_id)
        if job is None:
            raise JobNotFound(f"Job {job_id} not found in this project")
        return job
