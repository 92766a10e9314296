from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import DataSource


class DataSourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for_project(self, project_id: int) -> list[DataSource]:
        # One statement on ix_data_source_project_id_id.
        statement = (
            select(DataSource).where(DataSource.project_id == project_id).order_by(DataSource.id)
        )
        return list(await self.session.scalars(statement))

    async def get_in_project(self, project_id: int, source_id: int) -> DataSource | None:
        statement = select(DataSource).where(
            DataSource.id == source_id, DataSource.project_id == project_id
        )
        return await self.session.scalar(statement)
