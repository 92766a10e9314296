"""A partitioned job fanned out over the task queue (tally.jobs.fanout): one task per part and
a merge give exactly the single-worker job's results; parts run twice count once; a failing
part or merge fails the job with no results; a cancel stops it. On the embedded queue, on
SQLite and PostgreSQL (tests/jobs/test_fanout_workers.py runs real `tally worker` processes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import tally.jobs.tasks  # noqa: F401  (registers the job tasks with task_registry)
from tally.config import Settings
from tally.jobs.fanout import PART_TASK, fan_out_for, merge_job, run_part
from tally.jobs.partitioning import PartitionOptions
from tally.jobs.runner import LOAD_SHARE, MATCH_SHARE, run_reconciliation
from tally.jobs.service import RECONCILE_TASK
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import EmbeddedQueue, task_registry
from tally.models import (
    JobPart,
    JobStage,
    JobStatus,
    Match,
    Partitioning,
    ReconciliationJob,
    UserRole,
)
from tests.helpers.partitioned import (
    GROUPED_RULES,
    KEYED_RULES,
    create_job,
    keyed_rows,
    keyed_world,
    skewed_rows,
    stored_matches,
    stored_outcome,
)
from tests.helpers.users import create_user
from tests.web.conftest import sign_in

PART_RECORDS = 30  # the keyed ledgers' 88 records in three parts


@pytest.fixture
async def queue(db: Database, test_settings: Settings) -> AsyncIterator[EmbeddedQueue]:
    settings = test_settings.model_copy(update={"partition_records": PART_RECORDS})
    queue = EmbeddedQueue(settings=settings, database=db, registry=task_registry)
    yield queue
    await queue.stop()


async def _job(db: Database, job_id: int) -> ReconciliationJob:
    async with db.sessionmaker() as check:
        job = await check.get(ReconciliationJob, job_id)
    assert job is not None
    return job


async def _staged_rows(db: Database, job_id: int) -> int:
    async with db.sessionmaker() as check:
        parts = await check.scalar(select(func.count()).where(JobPart.job_id == job_id))
        stages = await check.scalar(select(func.count()).where(JobStage.job_id == job_id))
    return int(parts or 0) + int(stages or 0)


async def _planned(
    session: AsyncSession, db: Database, queue: EmbeddedQueue
) -> tuple[ReconciliationJob, ReconciliationJob]:
    """A one-worker job run to the end, and the same job planned and fanned out to ``queue``
    (not started: the test runs the parts itself)."""
    project, sides = await keyed_world(session)
    whole = await create_job(session, project, sides, Partitioning.OFF, KEYED_RULES)
    split = await create_job(session, project, sides, Partitioning.ON, KEYED_RULES)
    assert await run_reconciliation(db, whole.id) == JobStatus.COMPLETED
    status = await run_reconciliation(
        db,
        split.id,
        partition_options=PartitionOptions(part_records=PART_RECORDS),
        fan_out=fan_out_for(db, queue, asyncio.to_thread),
    )
    assert status == JobStatus.RUNNING
    return whole, await _job(db, split.id)


async def test_a_fanned_out_job_stores_exactly_the_single_worker_results(
    session: AsyncSession, db: Database, queue: EmbeddedQueue, client: AsyncClient
) -> None:
    await queue.start()  # before the jobs exist: its recovery must not queue them as well
    project, sides = await keyed_world(session)
    whole = await create_job(session, project, sides, Partitioning.OFF, KEYED_RULES)
    split = await create_job(session, project, sides, Partitioning.ON, KEYED_RULES)

    async def enqueue(session: AsyncSession) -> None:
        for job in (whole, split):
            await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)

    await run_in_transaction(db, enqueue)
    await queue.join()

    one, fanned = await _job(db, whole.id), await _job(db, split.id)
    assert (one.status, fanned.status) == (JobStatus.COMPLETED, JobStatus.COMPLETED)
    expected = await stored_outcome(db, whole.id)
    assert len(expected["matches"]) > 30 and expected["duplicates"] and expected["unmatched"]
    assert await stored_outcome(db, split.id) == expected
    plan = fanned.partitions
    assert plan is not None and plan["parts"] == 3 and plan["key"] == "reference"
    assert plan["progress"] == [1.0] * 3 and fanned.progress == 1.0
    assert (plan["tasks"], plan["tasks_done"]) == (3, 3)
    bank_rows, ledger_rows = keyed_rows()
    assert sum(plan["records_per_part"]) == len(bank_rows) + len(ledger_rows)
    assert one.summary is not None and fanned.summary is not None
    for key in ("left", "right", "matches", "duplicates", "decisions", "warnings"):
        assert fanned.summary[key] == one.summary[key]
    engine = {k: v for k, v in one.summary["engine"].items() if k != "timings"}
    assert {k: v for k, v in fanned.summary["engine"].items() if k != "timings"} == engine
    assert {"load", "stage", "match", "merge", "write"} <= set(fanned.summary["phases"])
    assert fanned.results_indexed_at is not None and await _staged_rows(db, split.id) == 0
    await sign_in(client, await create_user(session, role=UserRole.ADMIN))
    page = await client.get(f"/projects/{project.id}/jobs/{split.id}")
    assert "3 partitions by reference" in page.text
    assert "3 of 3 part tasks done on the workers" in page.text


async def test_parts_run_twice_count_once_and_the_merge_runs_once(
    session: AsyncSession, db: Database, queue: EmbeddedQueue
) -> None:
    whole, split = await _planned(session, db, queue)
    parts, attempt = 3, split.attempts
    assert queue.stats()["queued"] == parts  # one task per part, nothing else yet

    # Part 0 twice at once (a stalled worker's task retried while it still runs), then again
    # after it committed (a retry after a kill that came too late).
    await asyncio.gather(
        *(
            run_part(db, queue, split.id, 0, attempt, run_in_thread=asyncio.to_thread)
            for _ in range(2)
        )
    )
    await run_part(db, queue, split.id, 0, attempt, run_in_thread=asyncio.to_thread)
    async with db.sessionmaker() as check:
        stage = await check.get(JobStage, split.id)
        assert stage is not None and stage.parts_done == 1
    running = await _job(db, split.id)
    assert running.partitions is not None and running.partitions["tasks_done"] == 1
    assert running.partitions["progress"] == [1.0, 0.0, 0.0]
    assert running.progress == pytest.approx(LOAD_SHARE + MATCH_SHARE / 3)
    for part in (1, 2, 2):
        await run_part(db, queue, split.id, part, attempt, run_in_thread=asyncio.to_thread)
    assert queue.stats()["queued"] == parts + 1  # the last part queued the merge, once

    assert await merge_job(db, split.id, attempt, run_in_thread=asyncio.to_thread) == (
        JobStatus.COMPLETED
    )
    assert await merge_job(db, split.id, attempt, run_in_thread=asyncio.to_thread) is None
    assert (await _job(db, split.id)).status == JobStatus.COMPLETED
    assert await stored_matches(db, split.id) == await stored_matches(db, whole.id)
    assert await _staged_rows(db, split.id) == 0


async def test_a_failing_part_fails_the_job_and_writes_no_results(
    session: AsyncSession, db: Database, queue: EmbeddedQueue
) -> None:
    _, split = await _planned(session, db, queue)
    attempt = split.attempts
    await run_part(db, queue, split.id, 0, attempt, run_in_thread=asyncio.to_thread)
    async with db.sessionmaker() as damage, damage.begin():
        await damage.execute(
            update(JobPart)
            .where(JobPart.job_id == split.id, JobPart.part == 1)
            .values(records=b"not a part")
        )

    with pytest.raises(Exception):  # noqa: B017  (whatever the reader raises)
        await run_part(db, queue, split.id, 1, attempt, run_in_thread=asyncio.to_thread)
    await run_part(db, queue, split.id, 2, attempt, run_in_thread=asyncio.to_thread)

    failed = await _job(db, split.id)
    assert failed.status == JobStatus.FAILED and failed.error
    assert queue.stats()["queued"] == 3  # the parts only: no merge was queued
    async with db.sessionmaker() as check:
        assert await check.scalar(select(func.count()).where(Match.job_id == split.id)) == 0
    assert await _staged_rows(db, split.id) == 0


async def test_a_failing_merge_fails_the_job_and_writes_no_results(
    session: AsyncSession, db: Database, queue: EmbeddedQueue
) -> None:
    _, split = await _planned(session, db, queue)
    for part in range(3):
        await run_part(db, queue, split.id, part, split.attempts, run_in_thread=asyncio.to_thread)
    async with db.sessionmaker() as damage, damage.begin():
        await damage.execute(
            update(JobPart)
            .where(JobPart.job_id == split.id, JobPart.part == 2)
            .values(result=b"not a result")
        )

    status = await merge_job(db, split.id, split.attempts, run_in_thread=asyncio.to_thread)

    assert status == JobStatus.FAILED
    failed = await _job(db, split.id)
    assert failed.status == JobStatus.FAILED and failed.error
    async with db.sessionmaker() as check:
        assert await check.scalar(select(func.count()).where(Match.job_id == split.id)) == 0


async def test_a_cancel_request_stops_the_parts(
    session: AsyncSession, db: Database, queue: EmbeddedQueue
) -> None:
    _, split = await _planned(session, db, queue)
    async with db.sessionmaker() as cancel, cancel.begin():
        await cancel.execute(
            update(ReconciliationJob)
            .where(ReconciliationJob.id == split.id)
            .values(cancel_requested=True)
        )

    await run_part(db, queue, split.id, 0, split.attempts, run_in_thread=asyncio.to_thread)
    await run_part(db, queue, split.id, 1, split.attempts, run_in_thread=asyncio.to_thread)

    assert (await _job(db, split.id)).status == JobStatus.CANCELLED
    assert await _staged_rows(db, split.id) == 0


async def test_a_part_given_up_by_the_queue_fails_the_job_with_no_results(
    session: AsyncSession, db: Database, queue: EmbeddedQueue
) -> None:
    _, split = await _planned(session, db, queue)
    attempt = split.attempts
    await run_part(db, queue, split.id, 0, attempt, run_in_thread=asyncio.to_thread)

    # The run itself given up after it queued its parts, and a part of an earlier plan: the
    # job carries on. Then a part of this plan whose worker died on every attempt.
    await queue.run_abandoned_hook(RECONCILE_TASK, {"job_id": split.id})
    stale = {"job_id": split.id, "part": 1, "attempt": attempt - 1}
    await queue.run_abandoned_hook(PART_TASK, stale)
    assert (await _job(db, split.id)).status == JobStatus.RUNNING
    await queue.run_abandoned_hook(PART_TASK, {"job_id": split.id, "part": 1, "attempt": attempt})

    failed = await _job(db, split.id)
    assert failed.status == JobStatus.FAILED and failed.finished_at is not None
    assert failed.error is not None and failed.error.startswith("part 2 of the job stopped")
    assert "no results" in failed.error
    assert await _staged_rows(db, split.id) == 0
    async with db.sessionmaker() as check:
        assert await check.scalar(select(func.count()).where(Match.job_id == split.id)) == 0
    # The remaining part, run late, finds the job no longer running and writes nothing.
    await run_part(db, queue, split.id, 2, attempt, run_in_thread=asyncio.to_thread)
    assert (await _job(db, split.id)).status == JobStatus.FAILED
    assert queue.stats()["queued"] == 3  # the parts only: no merge was queued


async def test_a_skewed_job_with_grouped_rules_fans_out_to_the_single_worker_results(
    session: AsyncSession, db: Database, queue: EmbeddedQueue
) -> None:
    """One reference on 30% of the records (larger than a part, so kept whole in one), many
    twins equal in amount and date (review), one-to-many and many-to-many rules."""
    await queue.start()
    project, sides = await keyed_world(session, skewed_rows(240, seed=3))
    whole = await create_job(session, project, sides, Partitioning.OFF, GROUPED_RULES)
    split = await create_job(session, project, sides, Partitioning.ON, GROUPED_RULES)

    async def enqueue(session: AsyncSession) -> None:
        for job in (whole, split):
            await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)

    await run_in_transaction(db, enqueue)
    await queue.join()

    one, fanned = await _job(db, whole.id), await _job(db, split.id)
    assert (one.status, fanned.status) == (JobStatus.COMPLETED, JobStatus.COMPLETED)
    assert fanned.partitions is not None and fanned.partitions["tasks"] > 3
    assert fanned.partitions["oversized_keys"] == 1
    expected = await stored_outcome(db, whole.id)
    assert await stored_outcome(db, split.id) == expected
    assert one.summary is not None and fanned.summary is not None
    counts = one.summary["engine"]["counts"]
    assert counts["ambiguous"] > 0 and counts["duplicate_records"] > 0
    rules = {rule["name"]: rule for rule in one.summary["engine"]["rules"]}
    assert rules["instalments"]["auto"] > 0 and rules["settlements"]["auto"] > 0
    assert {k: v for k, v in fanned.summary["engine"].items() if k != "timings"} == {
        k: v for k, v in one.summary["engine"].items() if k != "timings"
    }
