"""A real `tally worker` killed with SIGKILL in the middle of a reconciliation job: another worker
runs the job again, and its results are exactly those of a clean run (PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

import tally.jobs.tasks  # noqa: F401  (registers the reconcile task with task_registry)
from tally.config import Settings
from tally.jobs.service import RECONCILE_TASK
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import ProcrastinateQueue
from tally.models import JobStatus, Match, MatchRecord, ReconciliationJob, RecordDuplicate
from tally.results.writes import ID_STRIDE
from tests.helpers.processes import WorkerProcess
from tests.helpers.procrastinate import empty_queue, job_events, wait_until
from tests.helpers.results import reconciled_job

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@pytest.fixture
async def queue(db: Database, test_settings: Settings) -> AsyncIterator[ProcrastinateQueue]:
    async with empty_queue(db, test_settings) as queue:
        yield queue


async def _stored(session: AsyncSession, job_id: int) -> dict[str, Any]:
    """A job's stored results with ids relative to its id block, so two jobs compare equal."""
    base = job_id * ID_STRIDE
    matches = await session.execute(
        select(
            Match.id - base,
            Match.rule,
            Match.rule_index,
            Match.score,
            Match.status,
            Match.category,
            Match.amount_difference,
            Match.date_difference_days,
            Match.evidence,
            Match.amount,
            Match.booking_date,
            Match.tab,
            Match.origin,
        )
        .where(Match.job_id == job_id)
        .order_by(Match.id)
    )
    links = await session.execute(
        select(
            MatchRecord.id - base,
            MatchRecord.match_id - base,
            MatchRecord.record_id,
            MatchRecord.side,
            MatchRecord.claims,
        )
        .where(MatchRecord.job_id == job_id)
        .order_by(MatchRecord.id)
    )
    duplicates = await session.execute(
        select(RecordDuplicate.record_id, RecordDuplicate.side, RecordDuplicate.group_id)
        .where(RecordDuplicate.job_id == job_id)
        .order_by(RecordDuplicate.record_id)
    )
    return {
        "matches": [tuple(row) for row in matches],
        "links": [tuple(row) for row in links],
        "duplicates": [tuple(row) for row in duplicates],
    }


def _totals(summary: dict[str, Any] | None) -> dict[str, Any]:
    """A job summary's stats and engine counts, without its timings."""
    assert summary is not None
    engine = {k: v for k, v in summary["engine"].items() if k != "timings"}
    return {k: summary[k] for k in ("left", "right", "matches", "duplicates")} | {"engine": engine}


async def test_worker_killed_mid_job_is_retried_with_the_results_of_a_clean_run(
    db: Database, session: AsyncSession, tmp_path: Path, queue: ProcrastinateQueue
) -> None:
    clean = await reconciled_job(session, db)  # run in this process, undisturbed
    crashed = ReconciliationJob(
        project_id=clean.project.id,
        left_source_id=clean.job.left_source_id,
        right_source_id=clean.job.right_source_id,
        rules=clean.job.rules,
        status=JobStatus.QUEUED,
    )

    async def create_and_enqueue(session: AsyncSession) -> int:
        session.add(crashed)
        await session.flush()
        await queue.enqueue(session, RECONCILE_TASK, job_id=crashed.id)
        return crashed.id

    job_id = await run_in_transaction(db, create_and_enqueue)

    # Holding the lock that attaching a job's partitions needs stops the job deterministically
    # after its results are written and committed, before the transaction that completes it.
    async with db.engine.connect() as blocker:
        await blocker.execute(text("BEGIN"))
        await blocker.execute(text("LOCK TABLE match IN SHARE UPDATE EXCLUSIVE MODE"))
        first = WorkerProcess(db.url, tmp_path / "worker-1.log")
        try:

            async def attaching() -> bool:
                async with db.engine.connect() as connection:
                    waiting = await connection.scalar(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE NOT granted "
                            "AND relation = 'public.match'::regclass"
                        )
                    )
                return bool(waiting)

            await wait_until(attaching, "the first worker to wait to attach the job's results")
            staged = await blocker.scalar(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'job_results' AND tablename IN (:m, :l)"
                ),
                {"m": f"match_{job_id}", "l": f"match_record_{job_id}"},
            )
            assert staged == 2  # both parts were written and committed before the kill
            first.kill()
        finally:
            first.close()
        await blocker.execute(text("COMMIT"))

    second = WorkerProcess(db.url, tmp_path / "worker-2.log")
    try:

        async def finished() -> bool:
            async with db.sessionmaker() as check:
                job = await check.get(ReconciliationJob, job_id)
                return job is not None and job.status != JobStatus.RUNNING

        await wait_until(finished, "the second worker to finish the job")
        await asyncio.sleep(1.5)  # several more stall checks: nothing may run it again
    finally:
        second.close()

    async with db.sessionmaker() as check:
        job = await check.get(ReconciliationJob, job_id)
        assert job is not None
        assert (job.status, job.attempts) == (JobStatus.COMPLETED, 2)
        assert await _stored(check, job_id) == await _stored(check, clean.job.id)
        assert _totals(job.summary) == _totals(clean.job.summary)
        partitions = await check.execute(
            text(
                "SELECT c.relname, i.inhparent::regclass::text FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
                "WHERE n.nspname = 'job_results' AND c.relkind = 'r' AND c.relname LIKE :like "
                "ORDER BY 1"
            ),
            {"like": f"%\\_{job_id}"},
        )
        assert [tuple(row) for row in partitions] == [
            (f"match_{job_id}", "match"),
            (f"match_record_{job_id}", "match_record"),
        ]
    assert job_events(tmp_path / "worker-1.log", "jobs.finished", job_id) == []
    assert len(job_events(tmp_path / "worker-2.log", "jobs.finished", job_id)) == 1
    assert '"attempt": 2' in job_events(tmp_path / "worker-2.log", "jobs.started", job_id)[0]
