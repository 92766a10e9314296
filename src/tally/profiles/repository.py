from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import ImportProfile


class ImportProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for_project(self, project_id: int) -> list[ImportProfile]:
        statement = (
            select(ImportProfile)
            .where(ImportProfile.project_id == project_id)
            .order_by(ImportProfile.name)
        )
        return list(await self.session.scalars(statement))

    async def get_in_project(
        self, project_id: int, profile_id: int, *, lock: bool = False
    ) -> ImportProfile | None:
        """The profile; ``lock``: its row locked until the transaction ends (PostgreSQL; SQLite
        has one writer at a time), so an If-Match comparison holds until the write."""
        statement = select(ImportProfile).where(
            ImportProfile.id == profile_id, ImportProfile.project_id == project_id
        )
        if lock:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(statement)

    async def name_taken(self, project_id: int, name: str, *, except_id: int | None = None) -> bool:
        statement = select(ImportProfile.id).where(
            ImportProfile.project_id == project_id, ImportProfile.name == name
        )
        if except_id is not None:
            statement = statement.where(ImportProfile.id != except_id)
        return (await self.session.scalar(statement)) is not None

    async def add(self, profile: ImportProfile) -> ImportProfile:
        self.session.add(profile)
        await self.session.flush()
        return profile

    async def save(self, profile: ImportProfile) -> ImportProfile:
        await self.session.flush()
        await self.session.refresh(profile)
        return profile

    async def delete(self, profile: ImportProfile) -> None:
        await self.session.execute(delete(ImportProfile).where(ImportProfile.id == profile.id))
