from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import DataSource, DataSourceStatus, Project


async def create_data_source(
    session: AsyncSession,
    *,
    project: Project,
    name: str = "Bank statement",
    status: DataSourceStatus = DataSourceStatus.READY,
    row_count: int = 0,
) -> DataSource:
    """Create and commit an (empty) data source row."""
    source = DataSource(
        project_id=project.id,
        name=name,
        file_name=f"{name}.csv",
        status=status,
        row_count=row_count,
    )
    session.add(source)
    await session.commit()
    return source
