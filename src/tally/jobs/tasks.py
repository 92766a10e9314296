"""Background work of the jobs feature: running jobs, picking them up again, expiring results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.jobs.fanout import (
    MERGE_TASK,
    PART_TASK,
    fail_abandoned,
    fan_out_for,
    merge_job,
    run_part,
)
from tally.jobs.partitioning import PartitionOptions
from tally.jobs.repository import JobRepository
from tally.jobs.runner import run_reconciliation
from tally.jobs.service import RECONCILE_TASK
from tally.kit.tasks.queue import TaskQueue
from tally.kit.tasks.registry import TaskContext, task_registry
from tally.models import JobStatus
from tally.results.indexing import index_results
from tally.results.repository import ResultRepository
from tally.webhooks.emit import emit_job_exceptions, emit_job_finished

log = structlog.get_logger("tally.jobs")


async def reconcile(ctx: TaskContext, *, job_id: int) -> None:
    """Run one job. Safe to run twice: a finished job is skipped, results are replaced.

    Once the job is completed (its results readable), the same task indexes them for the
    results pages, also when a redelivery finds the job already finished but not yet indexed;
    a failure there only leaves the pages on their scans. Then the project's webhooks hear
    that it completed or failed, and whether it opened many new exceptions.
    """
    status = await run_reconciliation(
        ctx.database,
        job_id,
        run_in_thread=ctx.run_in_thread,
        partition_options=PartitionOptions.from_settings(ctx.settings),
        fan_out=fan_out_for(ctx.database, ctx.queue, ctx.run_in_thread),
    )
    if status is JobStatus.RUNNING:
        return  # fanned out: its parts run as tasks of their own, and the merge finishes it
    await _after_finish(ctx, job_id)


async def reconcile_part(ctx: TaskContext, *, job_id: int, part: int, attempt: int) -> None:
    """Match one part of a fanned-out job (tally.jobs.fanout); safe to run twice."""
    await run_part(ctx.database, ctx.queue, job_id, part, attempt, run_in_thread=ctx.run_in_thread)


async def reconcile_merge(ctx: TaskContext, *, job_id: int, attempt: int) -> None:
    """Merge a fanned-out job's parts into its results, then index and announce them as
    ``reconcile`` does; safe to run twice."""
    await merge_job(ctx.database, job_id, attempt, run_in_thread=ctx.run_in_thread)
    await _after_finish(ctx, job_id)


async def _after_finish(ctx: TaskContext, job_id: int) -> None:
    try:
        await index_results(ctx.database, job_id)
    except Exception:
        log.exception("results.index_failed", job_id=job_id)
    try:
        await ctx.transaction(lambda s: _emit_finished(s, ctx.queue, job_id))
    except Exception:
        log.exception("webhooks.emit_failed", job_id=job_id)


async def _emit_finished(session: AsyncSession, queue: TaskQueue, job_id: int) -> None:
    """job.completed / job.failed to the project's webhooks, and exceptions.threshold_exceeded
    when the job opened enough exceptions. Also when a redelivery finds the job already
    finished: the events' keys make a second emission a no-op."""
    job = await JobRepository(session).get(job_id)
    if job is not None:
        await emit_job_finished(session, queue, job)
        await emit_job_exceptions(session, queue, job)


async def reconcile_abandoned(
    session: AsyncSession, queue: TaskQueue, kwargs: dict[str, Any]
) -> None:
    """A job's run, part or merge given up after its worker died on every attempt: the job
    fails with the reason and no results, and its webhooks hear it."""
    attempts = queue.settings.task_max_attempts
    job_id = int(kwargs["job_id"])
    if "part" in kwargs:
        what, attempt = f"part {int(kwargs['part']) + 1} of the job", int(kwargs["attempt"])
    elif "attempt" in kwargs:
        what, attempt = "the merge of the job's parts", int(kwargs["attempt"])
    else:
        what, attempt = "the job's run", None
    job = await fail_abandoned(session, job_id, what, attempts, attempt=attempt)
    if job is not None:
        await emit_job_finished(session, queue, job)


async def recover_unfinished_jobs(session: AsyncSession, queue: TaskQueue) -> None:
    """After a restart of the embedded server, queue again every job that was queued or running
    or completed without its results indexed (the task skips the run and indexes)."""
    for job_id in await JobRepository(session).unfinished_ids():
        await queue.enqueue(session, RECONCILE_TASK, job_id=job_id)


async def expire_old_results(session: AsyncSession, settings: Settings) -> int | None:
    """Delete matches of jobs finished longer ago than the retention period; keep the job rows."""
    if settings.result_retention_days == 0:
        return 0
    cutoff = datetime.now(UTC) - timedelta(days=settings.result_retention_days)
    results = ResultRepository(session)
    job_ids = await JobRepository(session).finished_before(cutoff)
    for job_id in job_ids:
        await results.delete_results(job_id)
    await JobRepository(session).mark_results_expired(job_ids)
    return len(job_ids)


task_registry.register(RECONCILE_TASK, reconcile)
task_registry.register(PART_TASK, reconcile_part)
task_registry.register(MERGE_TASK, reconcile_merge)
for _task in (RECONCILE_TASK, PART_TASK, MERGE_TASK):
    task_registry.register_abandoned(_task, reconcile_abandoned)
task_registry.register_recovery(recover_unfinished_jobs)
task_registry.register_retention(expire_old_results)
