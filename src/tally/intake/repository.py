from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import Inbox, InboxFile, ReconciliationJob


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page_for_project(self, project_id: int, cursor: Cursor) -> tuple[list[Inbox], bool]:
        """A cursor page of the project's inboxes, oldest first."""
        statement = select(Inbox).where(Inbox.project_id == project_id)
        return cut(list(await self.session.scalars(keyset(statement, Inbox.id, cursor))), cursor)

    async def get_in_project(
        self, project_id: int, inbox_id: int, *, lock: bool = False
    ) -> Inbox | None:
        """The inbox; ``lock``: its row locked until the transaction ends (PostgreSQL), so an
        If-Match comparison holds until the write."""
        statement = select(Inbox).where(Inbox.project_id == project_id, Inbox.id == inbox_id)
        if lock:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(statement)

    async def get(self, inbox_id: int) -> Inbox | None:
        return await self.session.get(Inbox, inbox_id)

    async def add(self, inbox: Inbox) -> Inbox:
        self.session.add(inbox)
        await self.session.flush()
        return inbox

    async def delete(self, inbox: Inbox) -> None:
        await self.session.delete(inbox)
        await self.session.flush()

    async def due_ids(self, now: datetime, project_id: int | None) -> list[int]:
        """Enabled inboxes nobody holds a lease on (their schedule is checked by the caller)."""
        statement = select(Inbox.id).where(
            Inbox.enabled.is_(True),
            or_(Inbox.claimed_until.is_(None), Inbox.claimed_until < now),
        )
        if project_id is not None:
            statement = statement.where(Inbox.project_id == project_id)
        return list(await self.session.scalars(statement.order_by(Inbox.id)))

    async def claim(self, inbox_id: int, now: datetime, until: datetime) -> bool:
        """Take the inbox's lease: one UPDATE, so of two processes at most one gets it."""
        result = await self.session.execute(
            update(Inbox)
            .where(
                Inbox.id == inbox_id,
                or_(Inbox.claimed_until.is_(None), Inbox.claimed_until < now),
            )
            .values(claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(self, inbox_id: int, polled_at: datetime) -> None:
        await self.session.execute(
            update(Inbox)
            .where(Inbox.id == inbox_id)
            .values(claimed_until=None, last_polled_at=polled_at)
            .execution_options(synchronize_session=False)
        )

    async def taken(self, inbox_id: int, name: str, size: int, sha256: str) -> InboxFile | None:
        return await self.session.scalar(
            select(InboxFile).where(
                InboxFile.inbox_id == inbox_id,
                InboxFile.name == name,
                InboxFile.size_bytes == size,
                InboxFile.content_sha256 == sha256,
            )
        )

    async def add_file(self, taken: InboxFile) -> InboxFile:
        self.session.add(taken)
        await self.session.flush()
        return taken

    async def page_files(self, inbox_id: int, cursor: Cursor) -> tuple[list[InboxFile], bool]:
        """A cursor page of the files the inbox took, newest first."""
        statement = select(InboxFile).where(InboxFile.inbox_id == inbox_id)
        rows = await self.session.scalars(keyset(statement, InboxFile.id, cursor, descending=True))
        return cut(list(rows), cursor)

    async def latest_job_of(self, source_id: int) -> ReconciliationJob | None:
        """The newest job that reconciled ``source_id`` with another source."""
        return await self.session.scalar(
            select(ReconciliationJob)
            .where(
                or_(
                    ReconciliationJob.left_source_id == source_id,
                    ReconciliationJob.right_source_id == source_id,
                )
            )
            .order_by(ReconciliationJob.id.desc())
            .limit(1)
        )
