"""A fanned-out job on real `tally worker` processes (PostgreSQL, procrastinate): two workers
share its parts, and a worker killed with SIGKILL in the middle of its parts has them retried
by another; either way the job completes once, with the single-worker job's results."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

import tally.jobs.tasks  # noqa: F401  (registers the job tasks with task_registry)
from tally.config import Settings
from tally.jobs.fanout import fan_out_for
from tally.jobs.partitioning import PartitionOptions
from tally.jobs.runner import run_reconciliation
from tally.jobs.service import RECONCILE_TASK
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import ProcrastinateQueue
from tally.models import JobStatus, Partitioning, ReconciliationJob
from tally.results.indexing import index_results
from tests.helpers.partitioned import KEYED_RULES, create_job, keyed_world, stored_outcome
from tests.helpers.processes import WorkerProcess
from tests.helpers.procrastinate import empty_queue, job_events, wait_until

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

PARTS = 3  # the keyed ledgers' 88 records, 30 a part


@pytest.fixture
async def queue(db: Database, test_settings: Settings) -> AsyncIterator[ProcrastinateQueue]:
    async with empty_queue(db, test_settings) as queue:
        yield queue


async def _fanned_out(
    session: AsyncSession, db: Database, queue: ProcrastinateQueue
) -> tuple[int, int]:
    """A one-worker job run here, and the same job planned here with its part tasks queued in
    procrastinate for the workers to come."""
    project, sides = await keyed_world(session)
    whole = await create_job(session, project, sides, Partitioning.OFF, KEYED_RULES)
    split = await create_job(session, project, sides, Partitioning.ON, KEYED_RULES)
    assert await run_reconciliation(db, whole.id) == JobStatus.COMPLETED
    assert await index_results(db, whole.id)
    status = await run_reconciliation(
        db,
        split.id,
        partition_options=PartitionOptions(part_records=30),
        fan_out=fan_out_for(db, queue, asyncio.to_thread),
    )
    assert status == JobStatus.RUNNING
    return whole.id, split.id


async def _hold_the_counter(blocker: AsyncConnection, job_id: int) -> None:
    """Lock the job's counter row: each part then waits, matched but not yet stored, until the
    test lets go (so the test knows which worker holds which part, without timing)."""
    await blocker.execute(text("BEGIN"))
    await blocker.execute(
        text("SELECT 1 FROM job_stage WHERE job_id = :id FOR UPDATE"), {"id": job_id}
    )


async def _parts_waiting(db: Database, count: int) -> None:
    async def waiting() -> bool:
        async with db.engine.connect() as connection:
            found = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE job_stage%'"
                )
            )
        return bool(found == count)

    await wait_until(waiting, f"{count} parts to wait for the counter")


async def _finished(db: Database, job_id: int) -> ReconciliationJob:
    async def done() -> bool:
        async with db.sessionmaker() as check:
            job = await check.get(ReconciliationJob, job_id)
            return job is not None and job.results_indexed_at is not None

    await wait_until(done, "the job to complete and be indexed")
    async with db.sessionmaker() as check:
        job = await check.get(ReconciliationJob, job_id)
    assert job is not None
    return job


async def test_a_queued_job_is_planned_matched_in_parts_and_merged_by_a_worker(
    db: Database, session: AsyncSession, tmp_path: Path, queue: ProcrastinateQueue
) -> None:
    project, sides = await keyed_world(session)
    whole = await create_job(session, project, sides, Partitioning.OFF, KEYED_RULES)
    split = await create_job(session, project, sides, Partitioning.ON, KEYED_RULES)

    async def enqueue(session: AsyncSession) -> None:
        for job in (whole, split):
            await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)

    await run_in_transaction(db, enqueue)
    log = tmp_path / "worker.log"
    worker = WorkerProcess(db.url, log, TALLY_PARTITION_RECORDS="30")
    try:
        job = await _finished(db, split.id)
        await _finished(db, whole.id)
    finally:
        worker.close()

    assert job.status == JobStatus.COMPLETED and job.partitions is not None
    assert (job.partitions["tasks"], job.partitions["tasks_done"]) == (PARTS, PARTS)
    assert await stored_outcome(db, split.id) == await stored_outcome(db, whole.id)
    assert len(job_events(log, "jobs.parts_queued", split.id)) == 1
    assert len(job_events(log, "jobs.part_done", split.id)) == PARTS


async def test_two_workers_share_the_parts_of_one_job(
    db: Database, session: AsyncSession, tmp_path: Path, queue: ProcrastinateQueue
) -> None:
    whole, split = await _fanned_out(session, db, queue)
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    async with db.engine.connect() as blocker:
        await _hold_the_counter(blocker, split)
        # One task at a time each: both are busy with a part of the job at once.
        workers = [WorkerProcess(db.url, log, TALLY_TASK_CONCURRENCY="1") for log in logs]
        try:
            await _parts_waiting(db, 2)
            await blocker.execute(text("COMMIT"))
            job = await _finished(db, split)
        finally:
            for worker in workers:
                worker.close()

    assert job.status == JobStatus.COMPLETED and job.attempts == 1
    assert await stored_outcome(db, split) == await stored_outcome(db, whole)
    parts_done = [len(job_events(log, "jobs.part_done", split)) for log in logs]
    assert sum(parts_done) == PARTS and min(parts_done) >= 1
    assert sum(len(job_events(log, "jobs.finished", split)) for log in logs) == 1


async def test_a_worker_killed_during_its_parts_has_them_retried_by_another(
    db: Database, session: AsyncSession, tmp_path: Path, queue: ProcrastinateQueue
) -> None:
    whole, split = await _fanned_out(session, db, queue)
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    async with db.engine.connect() as blocker:
        await _hold_the_counter(blocker, split)
        first = WorkerProcess(db.url, first_log, TALLY_TASK_CONCURRENCY=str(PARTS))
        try:
            await _parts_waiting(db, PARTS)  # every part matched, none stored
            first.kill()
        finally:
            first.close()
        await blocker.execute(text("COMMIT"))

    second = WorkerProcess(db.url, second_log)
    try:
        job = await _finished(db, split)
        await asyncio.sleep(1.5)  # several more stall checks: nothing may run it again
    finally:
        second.close()

    assert job.status == JobStatus.COMPLETED and job.attempts == 1  # never planned again
    assert await stored_outcome(db, split) == await stored_outcome(db, whole)
    assert job_events(first_log, "jobs.part_done", split) == []
    assert len(job_events(second_log, "jobs.part_done", split)) == PARTS
    assert len(job_events(second_log, "jobs.finished", split)) == 1
    retried = [
        line
        for line in second_log.read_text().splitlines()
        if '"event": "tasks.stalled_retried"' in line and '"task": "reconcile_part"' in line
    ]
    assert len(retried) == PARTS and all('"attempt": 2' in line for line in retried)


async def test_parts_whose_worker_died_on_every_attempt_fail_the_job_with_no_results(
    db: Database, session: AsyncSession, tmp_path: Path, queue: ProcrastinateQueue
) -> None:
    _, split = await _fanned_out(session, db, queue)
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    async with db.engine.connect() as blocker:
        await _hold_the_counter(blocker, split)
        first = WorkerProcess(db.url, first_log, TALLY_TASK_CONCURRENCY=str(PARTS))
        try:
            await _parts_waiting(db, PARTS)
            first.kill()
        finally:
            first.close()
        await blocker.execute(text("COMMIT"))

    # One attempt allowed: the next stall check gives the killed parts up instead of retrying.
    second = WorkerProcess(db.url, second_log, TALLY_TASK_MAX_ATTEMPTS="1")
    try:

        async def failed() -> bool:
            async with db.sessionmaker() as check:
                job = await check.get(ReconciliationJob, split)
                return job is not None and job.status == JobStatus.FAILED

        await wait_until(failed, "the job to fail")
        await asyncio.sleep(1.5)  # several more stall checks: nothing may run it again
    finally:
        second.close()

    async with db.sessionmaker() as check:
        job = await check.get(ReconciliationJob, split)
        staged = await check.scalar(text(f"SELECT count(*) FROM job_part WHERE job_id = {split}"))
    assert job is not None and job.status == JobStatus.FAILED and job.attempts == 1
    assert job.error is not None and "each of its 1 attempts" in job.error
    assert staged == 0
    assert await stored_outcome(db, split) == {"matches": [], "duplicates": [], "unmatched": []}
    assert job_events(second_log, "jobs.part_done", split) == []
    assert len(job_events(second_log, "jobs.abandoned", split)) == 1
    given_up = [line for line in second_log.read_text().splitlines() if "tasks.abandoned" in line]
    assert len(given_up) == PARTS
