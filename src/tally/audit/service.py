"""Recompute audit chains and name the first broken link (tally.kit.hash_chain)."""

from __future__ import annotations

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from tally.audit.repository import AuditRepository
from tally.audit.schemas import BrokenLink, ChainLink, ChainVerification
from tally.kit.errors import NotFound
from tally.kit.hash_chain import GENESIS, link, seal
from tally.models import AuditEvent

# Foreign keys the database itself may set to NULL (ON DELETE SET NULL): a NULL there is honest
# only if the row the sealed content names no longer exists.
_NULLABLE_REFERENCES = ("job_id", "actor_id")


class AuditProjectNotFound(NotFound):
    """No such project."""


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = AuditRepository(session)

    async def verify(
        self, project_id: int | None = None, *, expected_head: ChainLink | None = None
    ) -> list[ChainVerification]:
        """Verify one project's chain (``project_id``) or every project's. With
        ``expected_head`` (a head exported earlier) the chain must still hold that link."""
        if project_id is not None:
            if not await self.repository.project_exists(project_id):
                raise AuditProjectNotFound(f"Project {project_id} not found")
            return [await self.verify_project(project_id, expected_head=expected_head)]
        return [await self.verify_project(pid) for pid in await self.repository.project_ids()]

    async def verify_project(
        self, project_id: int, *, expected_head: ChainLink | None = None
    ) -> ChainVerification:
        count, previous, head = 0, GENESIS, None

        def broken(seq: int, event_id: int | None, reason: str) -> ChainVerification:
            first = BrokenLink(seq=seq, event_id=event_id, reason=reason)
            return ChainVerification(
                project_id=project_id, valid=False, events=count, head=head, first_broken=first
            )

        async for event in self.repository.chain(project_id):
            reason = await self._fault(event, count + 1, previous)
            if reason is not None:
                return broken(count + 1, event.id, reason)
            count, previous = count + 1, event.hash
            head = ChainLink(seq=event.seq, hash=event.hash)
            if (
                expected_head is not None
                and head.seq == expected_head.seq != 0
                and head != expected_head
            ):
                return broken(head.seq, event.id, "differs from the exported head: rewritten")
        if expected_head is not None and count < expected_head.seq:
            return broken(
                count + 1, None, f"missing: the exported head is event {expected_head.seq}"
            )
        return ChainVerification(project_id=project_id, valid=True, events=count, head=head)

    async def head(self, project_id: int) -> ChainLink | None:
        found = await self.repository.head(project_id)
        return ChainLink(seq=found[0], hash=found[1]) if found is not None else None

    async def export_head(self, project_id: int) -> ChainLink:
        """The head an export carries: link 0 (the genesis hash) while the chain is empty, so a
        later verification still proves that no decision existed at export time was removed."""
        return await self.head(project_id) or ChainLink(seq=0, hash=GENESIS)

    async def _fault(self, event: AuditEvent, expected_seq: int, previous: str) -> str | None:
        """Why ``event`` does not fit at ``expected_seq`` after a link hashed ``previous``."""
        if event.seq != expected_seq:
            return f"event {expected_seq} is missing (found {event.seq} next)"
        if event.prev_hash != previous:
            return "does not follow the previous event (deleted, inserted or reordered)"
        if link(event.prev_hash, event.sealed) != event.hash:
            return "its hash does not match its sealed content"
        sealed = orjson.loads(event.sealed)
        live = orjson.loads(seal(event.content()))
        for field, value in sealed.items():
            if live.get(field) == value or await self._reference_cleared(field, value, live):
                continue
            return f"{field} was changed after it was written"
        return None

    async def _reference_cleared(self, field: str, sealed: object, live: dict[str, object]) -> bool:
        """Whether the database set this reference to NULL because its row was deleted."""
        if field not in _NULLABLE_REFERENCES or live.get(field) is not None or sealed is None:
            return False
        row_id = int(str(sealed))
        if field == "job_id":
            return not await self.repository.job_exists(row_id)
        return not await self.repository.user_exists(row_id)
