"""A job's parts spread over the task queue's workers, with exactly one worker's result.

The job's ``reconcile`` task plans as usual (tally.jobs.partitioning) and, when the plan has
several parts, stages each part's open records and the whole sets' duplicates (job_part,
job_stage) and queues one ``reconcile_part`` task per part in the same transaction. A part task
runs the unchanged engine on its records and stores its result while counting itself done in
``job_stage`` (one transaction): the part that brings the count to the total queues
``reconcile_merge``, which merges the parts in the engine's order (partition_run.merge_results)
and stores the job's results exactly as a one-worker run does (runner.store_result: all or
nothing). procrastinate has no job dependencies; the counter row is the barrier.

Every task is safe to run twice: a part already done is skipped (its row says so), a merge of a
finished job does nothing, and a task of an earlier attempt (the job was planned again) finds
another attempt in ``job_stage`` and stops. A part that fails fails the job; a cancel request
stops the part that sees it, and the others then find the job no longer running. A part or
merge whose worker died on every attempt (out of memory, a signal) is given up by the queue,
which calls ``fail_abandoned``: the job fails with that reason and no results, instead of
staying ``running`` with a part nobody will run. On the embedded backend the same tasks run on
its in-process workers.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import polars as pl
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_jobs
from tally.jobs.fanout_staging import (
    FanoutRepository,
    pack_frames,
    pack_result,
    scope_from_json,
    scope_to_json,
    unpack_frames,
    unpack_result,
)
from tally.jobs.partitioning import PartitionStatus
from tally.jobs.repository import JobRepository
from tally.jobs.runner import (
    LOAD_SHARE,
    MATCH_SHARE,
    PROGRESS_INTERVAL_S,
    FanOut,
    RunInThread,
    result_inputs,
    store_result,
)
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks.queue import TaskQueue
from tally.matching.engine import reconcile
from tally.matching.partition import PartitionPlan
from tally.matching.partition_run import merge_results, split_parts, whole_duplicates
from tally.matching.result import MatchingCancelled, ReconcileResult
from tally.matching.rules import RuleSet
from tally.matching.state import Exclusions
from tally.models import JobStage, JobStatus, ReconciliationJob
from tally.reconciliations.service import RunScope
from tally.results.repository import ResultRepository

log = structlog.get_logger("tally.jobs")

PART_TASK = "reconcile_part"
MERGE_TASK = "reconcile_merge"
_ROW = "_row"  # each record's place in its side's frame, to put the sides back together


async def stage_parts(
    job: ReconciliationJob,
    scope: RunScope | None,
    rules: RuleSet,
    plan: PartitionPlan,
    frames: tuple[pl.DataFrame, pl.DataFrame],
    phases: dict[str, float],
    *,
    database: Database,
    queue: TaskQueue,
    run_in_thread: RunInThread,
) -> None:
    """Stage the job's parts and queue a task for each, in one transaction (runner.FanOut)."""
    started = time.perf_counter()
    left, right = frames
    shared, parts = await run_in_thread(_staged, left, right, rules, plan, scope)
    status = PartitionStatus()
    status.start(plan)
    for part in range(plan.parts):
        if part not in parts:
            status.part_progress(part, 1.0)  # empty: nothing to run
    partitions = {**(status.snapshot() or {}), "tasks": len(parts), "tasks_done": 0}
    phases["stage"] = time.perf_counter() - started
    stage = JobStage(
        job_id=job.id,
        attempt=job.attempts,
        parts=len(parts),
        parts_done=0,
        rules=rules.model_dump(mode="json"),
        scope=scope_to_json(scope),
        phases=phases,
        shared=shared,
    )

    async def stage_and_queue(session: AsyncSession) -> None:
        await FanoutRepository(session).replace_stage(stage, parts)
        await JobRepository(session).set_progress(job.id, LOAD_SHARE, partitions=partitions)
        invalidate_jobs(session, job.project_id)
        for part in parts:
            await queue.enqueue(session, PART_TASK, job_id=job.id, part=part, attempt=job.attempts)

    await run_in_transaction(database, stage_and_queue)
    log.info("jobs.parts_queued", job_id=job.id, parts=len(parts), attempt=job.attempts)


def _staged(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rules: RuleSet,
    plan: PartitionPlan,
    scope: RunScope | None,
) -> tuple[bytes, dict[int, bytes]]:
    shared = {"duplicates": whole_duplicates(left, right, rules)}
    if scope is not None and scope.appended_ids is not None:
        shared["appended_left"] = scope.appended_ids[0].to_frame()
        shared["appended_right"] = scope.appended_ids[1].to_frame()
    sides = split_parts(left.with_row_index(_ROW), right.with_row_index(_ROW), plan)
    parts = {
        part: pack_frames({"left": part_left, "right": part_right})
        for part, (part_left, part_right) in sides.items()
    }
    return pack_frames(shared), parts


async def run_part(
    database: Database,
    queue: TaskQueue,
    job_id: int,
    part: int,
    attempt: int,
    *,
    run_in_thread: RunInThread,
) -> None:
    """Match one part and count it done; the last part queues the merge. Does nothing for a part
    already done, or when the job is no longer running this attempt."""

    async def load(session: AsyncSession) -> tuple[JobStage, bytes, bool] | None:
        repository = FanoutRepository(session)
        stage = await repository.live_stage(job_id, attempt)
        records = await repository.pending_records(job_id, part, attempt)
        job = await JobRepository(session).get(job_id)
        if stage is None or records is None or job is None:
            return None
        return stage, records, job.cancel_requested

    loaded = await run_in_transaction(database, load)
    if loaded is None:
        log.info("jobs.part_skipped", job_id=job_id, part=part, attempt=attempt)
        return
    stage, records, cancel_requested = loaded
    if cancel_requested:
        await _stop(database, job_id, JobStatus.CANCELLED)
        return
    cancel = threading.Event()
    watcher = asyncio.create_task(_watch_cancel(database, job_id, cancel))
    try:
        result = await run_in_thread(_match_part, stage, records, cancel.is_set)
    except MatchingCancelled:
        await _stop(database, job_id, JobStatus.CANCELLED)
        return
    except Exception as error:
        await _stop(database, job_id, JobStatus.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    finally:
        watcher.cancel()
    payload = await run_in_thread(pack_result, result)

    async def store(session: AsyncSession) -> None:
        counted = await FanoutRepository(session).finish_part(job_id, part, attempt, payload)
        if counted is None:
            log.info("jobs.part_done_before", job_id=job_id, part=part, attempt=attempt)
            return
        done, parts = counted
        await _part_progress(session, job_id, part, done, parts)
        if done == parts:
            await queue.enqueue(session, MERGE_TASK, job_id=job_id, attempt=attempt)

    await run_in_transaction(database, store)
    log.info("jobs.part_done", job_id=job_id, part=part, attempt=attempt)


def _match_part(
    stage: JobStage, records: bytes, should_cancel: Callable[[], bool]
) -> ReconcileResult:
    sides = unpack_frames(records)
    shared = unpack_frames(stage.shared)
    scope = stage.scope
    exclusions = Exclusions(frozenset(scope["exclusions"])) if scope is not None else None
    return reconcile(
        sides["left"].drop(_ROW),
        sides["right"].drop(_ROW),
        RuleSet.model_validate(stage.rules),
        should_cancel=should_cancel,
        exclusions=exclusions,
        duplicates=shared["duplicates"],
    )


async def _part_progress(
    session: AsyncSession, job_id: int, part: int, done: int, parts: int
) -> None:
    """The page's plan shows the part done; the job's progress is parts done over parts. The
    counter's row lock, taken just before, orders the parts' writes to the job's plan."""
    job = await JobRepository(session).get(job_id)
    if job is None or job.partitions is None:
        return
    partitions: dict[str, Any] = {**job.partitions, "progress": list(job.partitions["progress"])}
    partitions["progress"][part] = 1.0
    partitions["tasks_done"] = done
    await JobRepository(session).set_progress(
        job_id, LOAD_SHARE + MATCH_SHARE * done / parts, partitions=partitions
    )
    invalidate_jobs(session, job.project_id)


async def merge_job(
    database: Database, job_id: int, attempt: int, *, run_in_thread: RunInThread
) -> JobStatus | None:
    """Merge the parts into the job's result and store it as a one-worker run would; None when
    there was nothing to do (the job finished, or was planned again, meanwhile)."""

    async def load(session: AsyncSession) -> tuple[ReconciliationJob, JobStage, list[bytes]] | None:
        repository = FanoutRepository(session)
        stage = await repository.live_stage(job_id, attempt)
        job = await JobRepository(session).get(job_id)
        if stage is None or job is None:
            return None
        parts = await repository.parts(job_id, attempt)
        return job, stage, [p.records for p in parts] + [p.result or b"" for p in parts]

    loaded = await run_in_transaction(database, load)
    if loaded is None:
        log.info("jobs.merge_skipped", job_id=job_id, attempt=attempt)
        return None
    job, stage, payloads = loaded
    del loaded  # the payloads are let go of as they are read (_merged)
    if job.cancel_requested:
        await _stop(database, job_id, JobStatus.CANCELLED)
        return JobStatus.CANCELLED
    assert job.started_at is not None
    started = time.perf_counter()
    # The job's clock (its summary's seconds) started with its first task, maybe elsewhere.
    job_started = started - (datetime.now(UTC) - job.started_at).total_seconds()
    phases = dict(stage.phases)
    phases["match"] = started - job_started - sum(phases.values())  # plan to merge, queue hops in
    try:
        result, left, right, scope, rules = await run_in_thread(_merged, stage, payloads)
        left_keys, right_keys, warnings = await result_inputs(
            left, right, rules, result, run_in_thread
        )
        del left, right  # only their keys are written from here on: the merge's peak memory
        phases["merge"] = time.perf_counter() - started
        status = await store_result(
            database, job, scope, result, (left_keys, right_keys), job_started, phases, warnings
        )
    except Exception as error:
        log.exception("jobs.failed", job_id=job_id)
        await _stop(database, job_id, JobStatus.FAILED, error=f"{type(error).__name__}: {error}")
        return JobStatus.FAILED
    await run_in_transaction(database, lambda s: FanoutRepository(s).clear(job_id))
    log.info("jobs.finished", job_id=job_id, status=status, parts=stage.parts)
    return status


def _merged(
    stage: JobStage, payloads: list[bytes]
) -> tuple[ReconcileResult, pl.DataFrame, pl.DataFrame, RunScope | None, RuleSet]:
    """The parts' results merged, both sides' records in their original order, the run's scope
    and rules. Empties ``payloads`` as it reads them, so no payload outlives its frames."""
    records = [unpack_frames(p) for p in payloads[: stage.parts]]
    results = [unpack_result(p) for p in payloads[stage.parts :]]
    payloads.clear()
    shared = unpack_frames(stage.shared)
    left, right = (
        pl.concat([r[side] for r in records]).sort(_ROW).drop(_ROW) for side in ("left", "right")
    )
    del records
    merged = merge_results(results, shared["duplicates"])
    return (
        merged,
        left,
        right,
        scope_from_json(stage.scope, shared),
        RuleSet.model_validate(stage.rules),
    )


async def _stop(database: Database, job_id: int, status: JobStatus, **values: Any) -> None:
    """End a running job (failed or cancelled) and drop its staged parts."""

    async def stop(session: AsyncSession) -> None:
        job = await JobRepository(session).get(job_id)
        if job is None or job.status != JobStatus.RUNNING:
            return  # another part stopped it first, or the merge finished it
        await FanoutRepository(session).clear(job_id)
        await JobRepository(session).finish(job_id, status, datetime.now(UTC), **values)
        invalidate_jobs(session, job.project_id)

    await run_in_transaction(database, stop)
    log.info("jobs.finished", job_id=job_id, status=status)


async def fail_abandoned(
    session: AsyncSession,
    job_id: int,
    what: str,
    attempts: int,
    *,
    attempt: int | None = None,
) -> ReconciliationJob | None:
    """Fail a running job whose task ``what`` (the run, a part, the merge) was given up after
    its worker died on each of its ``attempts`` (tally.kit.tasks: ``register_abandoned``): the
    staged parts and any result staged for it are dropped, the job keeps no results. A part or
    merge of an earlier ``attempt`` (the job was planned again since), or a run that died only
    after queuing its parts, leaves the job alone. Returns the
    failed job, or None when there was nothing to fail."""
    jobs = JobRepository(session)
    job = await jobs.get(job_id)
    if job is None or job.status != JobStatus.RUNNING:
        return None
    fanned_out = await FanoutRepository(session).live_stage(job_id, job.attempts) is not None
    if attempt is None and fanned_out:
        return None  # the run died after queuing its parts, which carry on
    if attempt is not None and (attempt != job.attempts or not fanned_out):
        return None  # a part or merge of an earlier plan
    await FanoutRepository(session).clear(job_id)
    await ResultRepository(session).delete_results(job_id)
    error = (
        f"{what} stopped its worker process on each of its {attempts} attempts (killed: out of "
        "memory, or a signal); the job has no results"
    )
    await jobs.finish(job_id, JobStatus.FAILED, datetime.now(UTC), error=error)
    invalidate_jobs(session, job.project_id)
    log.error("jobs.abandoned", job_id=job_id, task=what, attempts=attempts)
    await session.refresh(job)
    return job


async def _watch_cancel(database: Database, job_id: int, cancel: threading.Event) -> None:
    """Turn a cancel request into the engine's stop flag while a part runs."""
    while True:
        await asyncio.sleep(PROGRESS_INTERVAL_S)
        try:
            job = await run_in_transaction(database, lambda s: JobRepository(s).get(job_id))
        except Exception:  # a missed check only delays the stop
            log.warning("jobs.cancel_not_checked", job_id=job_id)
            continue
        if job is None or job.cancel_requested or job.status != JobStatus.RUNNING:
            cancel.set()
            return


def fan_out_for(database: Database, queue: TaskQueue, run_in_thread: RunInThread) -> FanOut:
    """``stage_parts`` bound to a task's database and queue (the runner's ``fan_out``)."""
    return partial(stage_parts, database=database, queue=queue, run_in_thread=run_in_thread)
