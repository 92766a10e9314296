from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import ReconciliationJob


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for_project(self, project_id: int, *, limit: int) -> list[ReconciliationJob]:
        # One statement, newest first, on ix_reconciliation_job_project_id_id.
        statement = (
            select(ReconciliationJob)
            .where(ReconciliationJob.project_id == project_id)
            .order_by(ReconciliationJob.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def get_in_project(self, project_id: int, job_id: int) -> ReconciliationJob | None:
        statement = select(ReconciliationJob).where(
            ReconciliationJob.id == job_id, ReconciliationJob.project_id == project_id
        )
        return await self.session.scalar(statement)
