"""The rules about data sources: which a caller may see and in what state they are."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import NotFound
from tally.models import DataSource
from tally.projects.auth import ProjectAccess
from tally.sources.repository import DataSourceRepository


class DataSourceNotFound(NotFound):
    """No such data source in this project."""


class DataSourceService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = DataSourceRepository(session)

    async def list_sources(self, access: ProjectAccess) -> list[DataSource]:
        return await self.repository.list_for_project(access.project_id)

    async def get_source(self, access: ProjectAccess, source_id: int) -> DataSource:
        source = await self.repository.get_in_project(access.project_id, source_id)
        if source is None:
            raise DataSourceNotFound(f"Data source {source_id} not found in this project")
        return source
