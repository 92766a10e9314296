"""The bulk write of a job's results, and the database's own guard on record exclusivity."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import Match, MatchRecord, RecordDuplicate
from tally.results.repository import ResultRepository
from tests.helpers.results import Reconciled, rewrite_results


async def _counts(session: AsyncSession, job_id: int) -> tuple[int, int, int]:
    async def count(model: type[Match] | type[MatchRecord] | type[RecordDuplicate]) -> int:
        statement = select(func.count()).select_from(model).where(model.job_id == job_id)
        return int(await session.scalar(statement) or 0)

    return await count(Match), await count(MatchRecord), await count(RecordDuplicate)


async def test_stored_matches_carry_amount_date_tab_and_origin(
    session: AsyncSession, reconciled: Reconciled
) -> None:
    matches = {
        m.id: m
        for m in await session.scalars(select(Match).where(Match.job_id == reconciled.job.id))
    }
    by_status = {(m.category, m.status): m for m in matches.values()}
    auto = by_status[("matched", "auto")]
    assert (auto.amount, auto.booking_date) == (100_0000, dt.date(2026, 1, 2))
    assert (auto.tab, auto.origin) == ("matched", "auto")
    discrepancy = by_status[("discrepancy", "suggested")]
    assert (discrepancy.tab, discrepancy.origin, discrepancy.amount) == (
        "discrepancies",
        "discrepancy",
        250_5000,
    )
    assert by_status[("matched", "ambiguous")].tab == "review"
    duplicates = list(
        await session.scalars(
            select(RecordDuplicate).where(RecordDuplicate.job_id == reconciled.job.id)
        )
    )
    assert sorted((d.record_id, d.side, d.group_id) for d in duplicates) == [
        (reconciled.left["dup_a"], "left", reconciled.left["dup_a"]),
        (reconciled.left["dup_b"], "left", reconciled.left["dup_a"]),
    ]


async def test_results_are_replaced_not_appended_and_deleted_whole(
    db: Database, reconciled: Reconciled
) -> None:
    job = reconciled.job
    async with db.sessionmaker() as session:
        before = await _counts(session, job.id)
        await rewrite_results(session, job)
        assert await _counts(session, job.id) == before == (7, 14, 2)
        await ResultRepository(session).delete_results(job.id)
        await session.commit()
        assert await _counts(session, job.id) == (0, 0, 0)


async def test_the_database_refuses_a_second_claim_on_a_record(
    db: Database, reconciled: Reconciled
) -> None:
    """The partial unique index is the last line of defence, whatever code writes links."""
    async with db.sessionmaker() as session:
        other = Match(job_id=reconciled.job.id, rule="manual", status="manual")
        session.add(other)
        await session.flush()
        # A non-claiming link (an ambiguous alternative, a rejected match) may share the record.
        session.add(
            MatchRecord(
                job_id=reconciled.job.id,
                match_id=other.id,
                record_id=reconciled.left["inv1"],
                side="left",
                claims=False,
            )
        )
        await session.flush()
        session.add(
            MatchRecord(
                job_id=reconciled.job.id,
                match_id=other.id,
                record_id=reconciled.right["inv1"],
                side="right",
                claims=True,
            )
        )
        with pytest.raises(IntegrityError):
            await session.flush()
        await session.rollback()
