"""Where a job's results are written: its own partitions on PostgreSQL, dropped with the results."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.repository import JobRepository
from tally.kit.db import Database
from tally.models import Match, MatchRecord
from tally.results.repository import ResultRepository
from tests.helpers.results import Reconciled, rewrite_results

_PARTITIONS = """
SELECT c.relname, i.inhparent::regclass::text FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
WHERE n.nspname = 'job_results' AND c.relname IN (:matches, :links) ORDER BY 1
"""


async def _partitions(session: AsyncSession, job_id: int) -> list[tuple[str, str | None]]:
    rows = await session.execute(
        text(_PARTITIONS), {"matches": f"match_{job_id}", "links": f"match_record_{job_id}"}
    )
    return [(name, parent) for name, parent in rows]


async def _count(session: AsyncSession, model: type[Match] | type[MatchRecord], job_id: int) -> int:
    statement = select(func.count()).select_from(model).where(model.job_id == job_id)
    return int(await session.scalar(statement) or 0)


async def test_results_live_in_the_jobs_partitions_and_are_dropped_with_them(
    backend: str, db: Database, reconciled: Reconciled
) -> None:
    job = reconciled.job
    async with db.sessionmaker() as session:
        postgresql = backend == "postgresql"
        if postgresql:
            assert await _partitions(session, job.id) == [
                (f"match_{job.id}", "match"),
                (f"match_record_{job.id}", "match_record"),
            ]
        await ResultRepository(session).delete_results(job.id)
        await session.commit()
        assert (
            await _count(session, Match, job.id),
            await _count(session, MatchRecord, job.id),
        ) == (0, 0)
        if postgresql:
            assert await _partitions(session, job.id) == []

        # Written again as a whole, in one transaction: the same rows, in fresh partitions.
        await rewrite_results(session, job)
        assert (
            await _count(session, Match, job.id),
            await _count(session, MatchRecord, job.id),
        ) == (7, 14)
        if postgresql:
            assert len(await _partitions(session, job.id)) == 2


async def test_expired_results_cannot_be_reviewed(
    db: Database, client: AsyncClient, reconciled: Reconciled
) -> None:
    async with db.sessionmaker() as session:
        await ResultRepository(session).delete_results(reconciled.job.id)
        await JobRepository(session).mark_results_expired([reconciled.job.id])
        await session.commit()
    response = await client.post(
        reconciled.url("/matches"),
        json={
            "left_record_ids": [reconciled.left["fee"]],
            "right_record_ids": [reconciled.right["inv9"]],
        },
        headers=reconciled.owner.headers,
    )
    assert response.status_code == 409, response.text
    assert "expired" in response.json()["detail"]
