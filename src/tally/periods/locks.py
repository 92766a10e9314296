"""The lock a signed-off period puts on decisions about the records dated within it.

Kept apart from the statement service so that every feature that changes a decision (results,
reconciliations, exceptions) can ask it without importing the others.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import Conflict
from tally.models import PeriodSignoff, Record


class PeriodLocked(Conflict):
    """A signed-off period holds a record this change touches: reopen the period first."""


class PeriodLocks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def signed_through(self, reconciliation_id: int) -> PeriodSignoff | None:
        """The standing sign-off reaching furthest (periods lock everything up to their date)."""
        statement = (
            select(PeriodSignoff)
            .where(
                PeriodSignoff.reconciliation_id == reconciliation_id,
                PeriodSignoff.reopened_at.is_(None),
            )
            .order_by(PeriodSignoff.as_of_date.desc(), PeriodSignoff.id.desc())
            .limit(1)
        )
        return await self.session.scalar(statement)

    async def ensure_unlocked(
        self,
        reconciliation_id: int | None,
        *,
        record_ids: Collection[int] = (),
        dates: Collection[date | None] = (),
    ) -> None:
        """Refuse (409 PeriodLocked) a change to records booked on or before a standing
        sign-off's date: given by id, or by their booking dates when the caller has them."""
        if reconciliation_id is None or not (record_ids or dates):
            return
        signoff = await self.signed_through(reconciliation_id)
        if signoff is None:
            return
        known = [d for d in dates if d is not None]
        earliest = min(known, default=None)
        if record_ids:
            first = await self.session.scalar(
                select(func.min(Record.booking_date)).where(Record.id.in_(record_ids))
            )
            if first is not None and (earliest is None or first < earliest):
                earliest = first
        if earliest is not None and earliest <= signoff.as_of_date:
            raise PeriodLocked(
                f"The period to {signoff.as_of_date.isoformat()} is signed off (sign-off "
                f"{signoff.id}); reopen it to change decisions dated within it",
                signoff_id=signoff.id,
                as_of_date=signoff.as_of_date.isoformat(),
            )
