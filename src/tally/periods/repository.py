"""The SQL of the reconciliation statement and of sign-offs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import (
    DataSource,
    ExceptionItem,
    OpenItem,
    PeriodSignoff,
    Reconciliation,
    ReconciliationJob,
    Record,
    User,
    WriteOff,
)

MAX_LINES = 5_000  # lines listed per section; counts and totals cover every item


class PeriodRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def reconciliation(
        self, project_id: int, reconciliation_id: int
    ) -> Reconciliation | None:
        statement = select(Reconciliation).where(
            Reconciliation.id == reconciliation_id, Reconciliation.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def source(self, source_id: int) -> DataSource | None:
        return await self.session.get(DataSource, source_id)

    async def email(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        return await self.session.scalar(select(User.email).where(User.id == user_id))

    async def job_rules(self, job_id: int | None) -> dict[str, object] | None:
        if job_id is None:
            return None
        return await self.session.scalar(
            select(ReconciliationJob.rules).where(ReconciliationJob.id == job_id)
        )

    async def booked_totals(
        self, source_id: int, after: date | None, through: date
    ) -> dict[str | None, int]:
        """Summed amount of a source's records booked in (after, through], per currency (an
        index range on (data_source_id, booking_date))."""
        statement = (
            select(Record.currency, func.sum(Record.amount))
            .where(Record.data_source_id == source_id, Record.booking_date <= through)
            .group_by(Record.currency)
        )
        if after is not None:
            statement = statement.where(Record.booking_date > after)
        return {
            currency: int(total or 0) for currency, total in await self.session.execute(statement)
        }

    async def open_totals(
        self, reconciliation_id: int, side: str, through: date
    ) -> dict[str | None, tuple[int, int]]:
        """(count, summed amount) of a side's open items booked up to ``through``, per
        currency."""
        statement = (
            select(Record.currency, func.count(), func.sum(Record.amount))
            .select_from(OpenItem)
            .join(Record, Record.id == OpenItem.record_id)
            .where(
                OpenItem.reconciliation_id == reconciliation_id,
                OpenItem.side == side,
                Record.booking_date <= through,
            )
            .group_by(Record.currency)
        )
        return {
            currency: (int(count), int(amount or 0))
            for currency, count, amount in await self.session.execute(statement)
        }

    async def open_lines(
        self, reconciliation_id: int, side: str, through: date, currency: str | None
    ) -> list[tuple[Record, ExceptionItem | None]]:
        """A side's open items in ``currency`` booked up to ``through``, oldest first (the first
        MAX_LINES)."""
        statement = (
            select(Record, ExceptionItem)
            .select_from(OpenItem)
            .join(Record, Record.id == OpenItem.record_id)
            .outerjoin(
                ExceptionItem,
                (ExceptionItem.reconciliation_id == OpenItem.reconciliation_id)
                & (ExceptionItem.record_id == OpenItem.record_id),
            )
            .where(
                OpenItem.reconciliation_id == reconciliation_id,
                OpenItem.side == side,
                Record.booking_date <= through,
                Record.currency.is_(None) if currency is None else Record.currency == currency,
            )
            .order_by(Record.booking_date, Record.id)
            .limit(MAX_LINES)
        )
        return [(r, e) for r, e in await self.session.execute(statement)]

    async def write_offs(self, reconciliation_id: int, through: date) -> list[WriteOff]:
        statement = (
            select(WriteOff)
            .where(
                WriteOff.reconciliation_id == reconciliation_id,
                WriteOff.voided_at.is_(None),
                WriteOff.booking_date <= through,
            )
            .order_by(WriteOff.booking_date, WriteOff.id)
        )
        return list(await self.session.scalars(statement))

    # --- sign-offs -----------------------------------------------------------------------------

    async def add(self, signoff: PeriodSignoff) -> PeriodSignoff:
        self.session.add(signoff)
        await self.session.flush()
        return signoff

    async def page_signoffs(
        self, reconciliation_id: int, cursor: Cursor
    ) -> tuple[list[tuple[PeriodSignoff, str | None]], bool]:
        """A page of the reconciliation's sign-offs, newest first, each with its signer's email."""
        statement = (
            select(PeriodSignoff, User.email)
            .outerjoin(User, User.id == PeriodSignoff.signed_by_id)
            .where(PeriodSignoff.reconciliation_id == reconciliation_id)
        )
        rows = await self.session.execute(
            keyset(statement, PeriodSignoff.id, cursor, descending=True)
        )
        return cut([(s, email) for s, email in rows], cursor)

    async def signoff(
        self, reconciliation_id: int, signoff_id: int, *, for_update: bool = True
    ) -> tuple[PeriodSignoff, str | None] | None:
        """A sign-off with its signer's email; locked for a change unless ``for_update`` is off
        (a read)."""
        statement = (
            select(PeriodSignoff, User.email)
            .outerjoin(User, User.id == PeriodSignoff.signed_by_id)
            .where(
                PeriodSignoff.reconciliation_id == reconciliation_id,
                PeriodSignoff.id == signoff_id,
            )
        )
        if for_update:
            statement = statement.with_for_update(of=PeriodSignoff).execution_options(
                populate_existing=True
            )
        found = (await self.session.execute(statement)).first()
        return None if found is None else (found[0], found[1])
