from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import AuditEvent, Project, ReconciliationJob, User

CHAIN_PAGE = 1_000  # events held in memory at once while a chain is verified


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def project_ids(self) -> list[int]:
        return list(await self.session.scalars(select(Project.id).order_by(Project.id)))

    async def project_exists(self, project_id: int) -> bool:
        return await self.session.get(Project, project_id) is not None

    async def chain(self, project_id: int) -> AsyncIterator[AuditEvent]:
        """A project's events in chain order, a keyset page at a time (bounded memory)."""
        after = 0
        while True:
            page = list(
                await self.session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.project_id == project_id, AuditEvent.seq > after)
                    .order_by(AuditEvent.seq)
                    .limit(CHAIN_PAGE)
                )
            )
            for event in page:
                yield event
            if len(page) < CHAIN_PAGE:
                return
            after = page[-1].seq
            self.session.expunge_all()  # what was verified need not stay in the identity map

    async def head(self, project_id: int) -> tuple[int, str] | None:
        """The last link of a project's chain: (seq, hash), or None without events."""
        row = (
            await self.session.execute(
                select(AuditEvent.seq, AuditEvent.hash)
                .where(AuditEvent.project_id == project_id)
                .order_by(AuditEvent.seq.desc())
                .limit(1)
            )
        ).first()
        return (row[0], row[1]) if row is not None else None

    async def job_exists(self, job_id: int) -> bool:
        return await self.session.get(ReconciliationJob, job_id) is not None

    async def user_exists(self, user_id: int) -> bool:
        return await self.session.get(User, user_id) is not None
