"""The SQL of review changes to a job's results (confirm, reject, manual match), of the records
they may pair (nearest candidates) and of the audit trail they write."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, Paging, cut, keyset
from tally.models import (
    CLAIMING_STATUSES,
    AuditEvent,
    Match,
    MatchCategory,
    MatchRecord,
    MatchStatus,
    ReconciliationJob,
    Record,
    User,
    match_tab,
)


@dataclass(frozen=True, slots=True)
class Claim:
    record_id: int
    match_id: int


class ReviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_job(self, project_id: int, job_id: int) -> ReconciliationJob | None:
        """The job, locked for the rest of the transaction: review changes to one job (and the
        totals they adjust) happen one after another (a row lock on PostgreSQL; SQLite has a
        single writer anyway)."""
        statement = (
            select(ReconciliationJob)
            .where(ReconciliationJob.id == job_id, ReconciliationJob.project_id == project_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)

    async def links_of(self, job_id: int, match_ids: Collection[int]) -> list[MatchRecord]:
        """The links of these matches of the job. Every statement here names the job: on
        PostgreSQL it selects the job's partition, without it each partition is searched."""
        statement = (
            select(MatchRecord)
            .where(MatchRecord.job_id == job_id, MatchRecord.match_id.in_(match_ids))
            .order_by(MatchRecord.match_id, MatchRecord.side, MatchRecord.record_id)
        )
        return list(await self.session.scalars(statement))

    async def claims_on(
        self, job_id: int, record_ids: Collection[int], *, except_match_ids: Collection[int] = ()
    ) -> list[Claim]:
        """Claiming links on these records by other matches (uq_match_record_job_id_record_id_claims)."""
        statement = select(MatchRecord.record_id, MatchRecord.match_id).where(
            MatchRecord.job_id == job_id,
            MatchRecord.record_id.in_(record_ids),
            MatchRecord.claims,
        )
        if except_match_ids:
            statement = statement.where(MatchRecord.match_id.not_in(except_match_ids))
        rows = await self.session.execute(statement.order_by(MatchRecord.record_id))
        return [Claim(record_id, match_id) for record_id, match_id in rows]

    async def open_alternatives(
        self, job_id: int, record_ids: Collection[int], *, except_match_id: int | None = None
    ) -> list[tuple[int, str]]:
        """(id, category) of the ambiguous matches that use any of these records: the
        alternatives a claim on them rules out."""
        statement = (
            select(Match.id, Match.category)
            .join(
                MatchRecord,
                and_(MatchRecord.job_id == Match.job_id, MatchRecord.match_id == Match.id),
            )
            .where(
                Match.job_id == job_id,
                MatchRecord.job_id == job_id,
                MatchRecord.record_id.in_(record_ids),
                Match.status == MatchStatus.AMBIGUOUS,
            )
            .distinct()
            .order_by(Match.id)
        )
        if except_match_id is not None:
            statement = statement.where(Match.id != except_match_id)
        return [(int(i), str(c)) for i, c in await self.session.execute(statement)]

    async def set_status(
        self,
        job_id: int,
        match_ids: Collection[int],
        status: MatchStatus,
        *,
        category: MatchCategory | None = None,
        expected_version: int | None = None,
        expected_statuses: Collection[str] | None = None,
    ) -> int:
        """Set status (and category), the tab they imply, and the links' ``claims`` with them;
        every match moves to its next version. Returns how many matches changed.

        ``category`` moves a confirmed discrepancy to the matched results: the reviewer accepted
        its difference. ``expected_version`` changes the matches only if still at that version:
        the one write that decides which of two concurrent review changes wins (on SQLite as
        well, where nothing locks the job row between the reads and this).
        ``expected_statuses`` does the same for many matches at once (a bulk review): only
        those still in one of these statuses change.
        """
        if not match_ids:
            return 0
        values: dict[str, Any] = {"status": status, "version": Match.version + 1}
        if category is not None:
            values["category"] = category
            values["tab"] = str(match_tab(category, status))
        else:
            values["tab"] = case(
                *[(Match.category == c, str(match_tab(c, status))) for c in MatchCategory],
                else_=Match.tab,
            )
        statement = update(Match).where(Match.job_id == job_id, Match.id.in_(match_ids))
        if expected_version is not None:
            statement = statement.where(Match.version == expected_version)
        if expected_statuses is not None:
            statement = statement.where(Match.status.in_(expected_statuses))
        result = await self.session.execute(
            statement.values(**values).execution_options(synchronize_session=False)
        )
        changed = int(result.rowcount)  # type: ignore[attr-defined]
        if changed:
            await self.session.execute(
                update(MatchRecord)
                .where(MatchRecord.job_id == job_id, MatchRecord.match_id.in_(match_ids))
                .values(claims=status in CLAIMING_STATUSES)
                .execution_options(synchronize_session=False)
            )
        return changed

    async def match_states(
        self, job_id: int, match_ids: Sequence[int]
    ) -> dict[int, tuple[str, str, str]]:
        """(status, category, rule) of these matches of the job that exist, by id."""
        statement = select(Match.id, Match.status, Match.category, Match.rule).where(
            Match.job_id == job_id, Match.id.in_(match_ids)
        )
        rows = await self.session.execute(statement)
        return {int(i): (str(s), str(c), str(r)) for i, s, c, r in rows}

    async def link_sides(self, job_id: int, match_ids: Sequence[int]) -> list[tuple[int, int, str]]:
        """(match_id, record_id, side) of these matches' links, without loading the models."""
        statement = (
            select(MatchRecord.match_id, MatchRecord.record_id, MatchRecord.side)
            .where(MatchRecord.job_id == job_id, MatchRecord.match_id.in_(match_ids))
            .order_by(MatchRecord.match_id, MatchRecord.side, MatchRecord.record_id)
        )
        return [(int(m), int(r), str(s)) for m, r, s in await self.session.execute(statement)]

    async def records_by_ids(self, record_ids: Collection[int]) -> list[Record]:
        statement = select(Record).where(Record.id.in_(record_ids)).order_by(Record.id)
        return list(await self.session.scalars(statement))

    async def add_match(self, match: Match, links: Iterable[MatchRecord]) -> Match:
        """Insert a match and its links; the partial unique index refuses a claimed record."""
        self.session.add(match)
        await self.session.flush()
        for link in links:
            link.match_id = match.id
            self.session.add(link)
        await self.session.flush()
        return match

    async def refresh(self, match: Match) -> Match:
        """The match as stored now. Not ``session.refresh``: the ORM knows a match by its id
        alone, which reaches every job's partition; (job_id, id) is the partitions' key."""
        statement = (
            select(Match)
            .where(Match.job_id == match.job_id, Match.id == match.id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).one()

    async def update_job_summary(self, job: ReconciliationJob, values: dict[str, Any]) -> None:
        job.summary = {**(job.summary or {}), **values}
        await self.session.flush()

    # --- audit trail ----------------------------------------------------------------------------

    async def add_audit_events(self, events: Sequence[AuditEvent]) -> None:
        self.session.add_all(events)
        await self.session.flush()

    async def count_audit_events(self, job_id: int) -> int:
        statement = select(func.count()).select_from(AuditEvent).where(AuditEvent.job_id == job_id)
        return int(await self.session.scalar(statement) or 0)

    async def audit_page(
        self, job_id: int, params: Paging
    ) -> tuple[list[tuple[AuditEvent, str | None]], bool]:
        """Newest first, with the actor's email (ix_audit_event_job_id_id), by page or cursor;
        and whether more follow (by cursor; by page the caller counts)."""
        statement = (
            select(AuditEvent, User.email)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.job_id == job_id)
        )
        if isinstance(params, Cursor):
            rows = await self.session.execute(
                keyset(statement, AuditEvent.id, params, descending=True)
            )
            return cut([(event, email) for event, email in rows], params)
        statement = (
            statement.order_by(AuditEvent.id.desc()).offset(params.offset).limit(params.per_page)
        )
        return [(event, email) for event, email in await self.session.execute(statement)], False

    # --- nearest candidates ---------------------------------------------------------------------

    async def record_in_sources(self, record_id: int, source_ids: Collection[int]) -> Record | None:
        statement = select(Record).where(
            Record.id == record_id, Record.data_source_id.in_(source_ids)
        )
        return await self.session.scalar(statement)

    async def records_near_date(
        self,
        source_id: int,
        *,
        start: date,
        end: date,
        currency: str | None,
        limit: int,
        exclude_id: int,
    ) -> list[Record]:
        """Records of a source booked within [start, end] (ix_record_data_source_id_booking_date)."""
        statement = (
            select(Record)
            .where(
                Record.data_source_id == source_id,
                Record.booking_date.between(start, end),
                Record.id != exclude_id,
            )
            .order_by(Record.booking_date, Record.id)
            .limit(limit)
        )
        if currency is not None:
            statement = statement.where(or_(Record.currency == currency, Record.currency.is_(None)))
        return list(await self.session.scalars(statement))

    async def records_near_amounts(
        self,
        source_id: int,
        *,
        ranges: Sequence[tuple[int, int]],
        currency: str | None,
        limit: int,
        exclude_id: int,
    ) -> list[Record]:
        """Records of a source whose amount lies in any range (ix_record_data_source_id_amount)."""
        in_range = or_(*[Record.amount.between(low, high) for low, high in ranges])
        statement = (
            select(Record)
            .where(Record.data_source_id == source_id, in_range, Record.id != exclude_id)
            .order_by(Record.amount, Record.id)
            .limit(limit)
        )
        if currency is not None:
            statement = statement.where(or_(Record.currency == currency, Record.currency.is_(None)))
        return list(await self.session.scalars(statement))
