from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.hash_chain import GENESIS
from tally.models import AuditEvent, Project, ReconciliationJob, User
from tally.models.audit_event import chain_events

CHAIN_PAGE = 1_000  # events held in memory at once while a chain is verified
APPEND_CHUNK = 5_000  # events per multi-row INSERT of a batch (under drivers' parameter limits)
_APPENDED_COLUMNS = (
    "project_id",
    "job_id",
    "actor_id",
    "action",
    "target",
    "detail",
    "created_at",
    "seq",
    "sealed",
    "prev_hash",
    "hash",
)


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

    async def append_events(self, project_id: int, events: Sequence[AuditEvent]) -> None:
        """Append a batch of new (unsealed, not added) events of one project to its chain, in
        this order, with multi-row INSERTs instead of one ORM object each: what a bulk decision
        of 100k items writes. The links are the flush hook's (chain_events), after the same
        project row lock, so a batch and single events appended at once still take turns."""
        if not events:
            return
        await self.session.flush()  # events added one at a time before this batch come first
        await self.session.execute(
            select(Project.id).where(Project.id == project_id).with_for_update()
        )
        head = await self.head(project_id)
        chain_events(events, head if head is not None else (0, GENESIS))
        rows = [{column: getattr(e, column) for column in _APPENDED_COLUMNS} for e in events]
        for offset in range(0, len(rows), APPEND_CHUNK):
            await self.session.execute(insert(AuditEvent), rows[offset : offset + APPEND_CHUNK])

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
