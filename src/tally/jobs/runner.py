"""Running one reconciliation job: load both sources, match, store results and stats.

Idempotent by construction, so a job whose worker died can simply run again: the claim accepts a
job left `running`, and results are replaced (not appended) in the same transaction that marks the
job completed — a crash before that commit leaves the previous state, never half a result.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import polars as pl
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_jobs
from tally.jobs.partitioning import PartitionOptions, PartitionStatus, match_job, plan_for_job
from tally.jobs.repository import JobRepository
from tally.kit.db import Database, run_in_transaction
from tally.matching.guards import JobWarning, job_warnings
from tally.matching.partition import PartitionPlan
from tally.matching.result import MatchingCancelled, ReconcileResult
from tally.matching.rules import RuleSet
from tally.models import JobMode, JobStatus, Partitioning, ReconciliationJob
from tally.reconciliations.service import ReconciliationService, RunScope
from tally.results.repository import ResultRepository
from tally.results.stats_repository import StatsRepository
from tally.results.totals import decisions_from_result, totals_from_result, with_settled_before
from tally.results.writes import ResultRows, ResultWriter
from tally.rule_sets.inference_runs import infer_job_rules
from tally.sources.frames import load_record_frame

log = structlog.get_logger("tally.jobs")

PROGRESS_INTERVAL_S = 0.5
# Share of the progress bar each phase fills: loading, matching, then writing results.
LOAD_SHARE, MATCH_SHARE = 0.15, 0.7

RunInThread = Callable[..., Awaitable[Any]]
FanOut = Callable[
    [
        ReconciliationJob,
        RunScope | None,
        RuleSet,
        PartitionPlan,
        tuple[pl.DataFrame, pl.DataFrame],
        dict[str, float],
    ],
    Awaitable[None],
]
"""Stage a job's parts and queue a task for each (tally.jobs.fanout.stage_parts)."""


class _FannedOut(Exception):
    """The job's parts went to the queue: the run ends here, the job stays running."""


class _Progress:
    """Progress and cancellation shared between the matching thread and the event loop."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.cancel = threading.Event()
        self.phases: dict[str, float] = {}  # seconds per phase, for the job's summary
        self.partitions = PartitionStatus()

    def on_match_progress(self, fraction: float) -> None:
        self.fraction = LOAD_SHARE + MATCH_SHARE * max(0.0, min(1.0, fraction))


async def run_reconciliation(
    database: Database,
    job_id: int,
    *,
    run_in_thread: RunInThread = asyncio.to_thread,
    partition_options: PartitionOptions | None = None,
    fan_out: FanOut | None = None,
) -> JobStatus | None:
    """Run job ``job_id`` to a finished state; returns it, or None if there was nothing to do.

    The CPU-heavy matching runs through ``run_in_thread`` (the task queue's own pool), never on
    the event loop. When the job's ``partitioning`` gives it several parts, ``fan_out`` hands
    them to the queue and the job is returned still ``running`` (its merge task finishes it);
    without ``fan_out`` they run on ``partition_options.workers`` threads here.
    """
    now = datetime.now(UTC)
    job = await run_in_transaction(database, lambda s: _claim(s, job_id, now))
    if job is None:
        log.info("jobs.skip_finished", job_id=job_id)
        return None
    log.info("jobs.started", job_id=job_id, attempt=job.attempts)
    progress = _Progress()
    reporter = asyncio.create_task(_report_progress(database, job, progress))
    started = time.perf_counter()
    try:
        scope = await run_in_transaction(
            database, lambda s: ReconciliationService(s).prepare_run(job)
        )
        result, left_keys, right_keys, warnings = await _match(
            database,
            job,
            scope,
            progress,
            run_in_thread,
            partition_options or PartitionOptions(),
            fan_out,
        )
        progress.fraction = LOAD_SHARE + MATCH_SHARE
        status = await store_result(
            database,
            job,
            scope,
            result,
            (left_keys, right_keys),
            started,
            progress.phases,
            warnings,
        )
    except _FannedOut:
        log.info("jobs.fanned_out", job_id=job_id)
        return JobStatus.RUNNING
    except MatchingCancelled:
        status = JobStatus.CANCELLED
        await finish_job(database, job, status)
    except Exception as error:
        status = JobStatus.FAILED
        log.exception("jobs.failed", job_id=job_id)
        await finish_job(database, job, status, error=f"{type(error).__name__}: {error}")
    finally:
        reporter.cancel()
    log.info(
        "jobs.finished",
        job_id=job_id,
        status=status,
        seconds=round(time.perf_counter() - started, 3),
    )
    return status


async def _match(
    database: Database,
    job: ReconciliationJob,
    scope: RunScope | None,
    progress: _Progress,
    run_in_thread: RunInThread,
    partition_options: PartitionOptions,
    fan_out: FanOut | None,
) -> tuple[ReconcileResult, pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    rules = RuleSet.model_validate(job.rules)
    phase = time.perf_counter()
    if scope is not None and scope.mode is JobMode.INCREMENTAL:
        # The open items and the rows appended since the last job: not the whole sources.
        left, right = await run_in_transaction(
            database, lambda s: ReconciliationService(s).scope_frames(job, scope)
        )
    else:
        left, right = await asyncio.gather(
            _load(database, job.left_source_id), _load(database, job.right_source_id)
        )
        if scope is not None:
            left, right = await run_in_transaction(
                database,
                lambda s: ReconciliationService(s).without_settled(job, scope, (left, right)),
            )
    progress.phases["load"] = time.perf_counter() - phase
    progress.fraction = LOAD_SHARE
    phase = time.perf_counter()
    inferred = await infer_job_rules(database, job, left, right, run_in_thread)
    if inferred is not None:
        rules = inferred
        progress.phases["infer"] = time.perf_counter() - phase
        phase = time.perf_counter()
    plan: PartitionPlan | None = await run_in_thread(
        plan_for_job, left, right, rules, Partitioning(job.partitioning), partition_options
    )
    if fan_out is not None and plan is not None and plan.parts > 1:
        await fan_out(job, scope, rules, plan, (left, right), progress.phases)
        raise _FannedOut
    result: ReconcileResult = await run_in_thread(
        match_job,
        left,
        right,
        rules,
        plan,
        partition_options,
        progress.partitions,
        progress=progress.on_match_progress,
        should_cancel=progress.cancel.is_set,
        exclusions=scope.exclusions if scope is not None else None,
    )
    progress.phases["match"] = time.perf_counter() - phase
    await _save_partitions(database, job, progress)
    return (result, *await result_inputs(left, right, rules, result, run_in_thread))


async def result_inputs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rules: RuleSet,
    result: ReconcileResult,
    run_in_thread: RunInThread,
) -> tuple[pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    """What ``store_result`` takes besides the result: each side's keys and the job's warnings."""
    warnings: list[JobWarning] = await run_in_thread(job_warnings, left, right, rules, result)
    # Each stored match gets its left side's amount and date from these, without a read-back;
    # the summary names each side's currency from them.
    keys = ("id", "amount", "booking_date", "currency")
    return (
        left.select(c for c in keys if c in left.columns),
        right.select(c for c in keys if c in right.columns),
        [warning.as_dict() for warning in warnings],
    )


async def _load(database: Database, source_id: int) -> pl.DataFrame:
    """One source's records, on a connection of its own: the two sides load at once, each COPY on
    its own server core (a ready source's records never change, so no shared snapshot is needed)."""
    async with database.sessionmaker() as session:
        return await load_record_frame(session, source_id)


async def store_result(
    database: Database,
    job: ReconciliationJob,
    scope: RunScope | None,
    result: ReconcileResult,
    keys: tuple[pl.DataFrame, pl.DataFrame],
    started: float,
    phases: dict[str, float],
    warnings: list[dict[str, Any]],
) -> JobStatus:
    """Write the results, then mark the job completed with its stats.

    On PostgreSQL the matches and the links are staged on two connections at once, each into a
    table of its own that becomes the job's partition (tally.results.writes): each COPY and index
    build runs on its own server core. That spreads the write over several transactions, which is
    safe because the staged tables are attached — the results readable — only in the transaction
    that marks the job `completed`; a crash before it leaves the job `running`, and the retry
    starts by dropping whatever was staged. SQLite has one writer, so there it is all one
    transaction.
    """
    left_keys, right_keys = keys
    phase = time.perf_counter()

    async def complete(session: AsyncSession) -> JobStatus:
        if database.is_sqlite:
            await ResultWriter(session).replace_results(
                job.id,
                result.matches,
                result.links,
                duplicates=result.duplicates,
                left_records=left_keys,
            )
        else:
            await ResultWriter(session).attach(job.id)
        phases["write"] = time.perf_counter() - phase
        stats_started = time.perf_counter()
        totals = totals_from_result(left_keys, right_keys, result.matches, result.links)
        state: dict[str, Any] = {}
        if scope is not None:
            state_started = time.perf_counter()
            carried = await ReconciliationService(session).complete_run(
                job, scope, (left_keys["id"], right_keys["id"]), result.matches, result.links
            )
            with_settled_before(totals, carried)
            phases["state"] = time.perf_counter() - state_started
            state = {
                "mode": str(scope.mode),
                "reconciliation_id": scope.reconciliation_id,
                "scope": {"left": left_keys.height, "right": right_keys.height},
                "settled_before": {"left": carried[0].records, "right": carried[1].records},
            }
        await StatsRepository(session).save_project_stats(job.project_id, job.id, totals)
        phases["stats"] = time.perf_counter() - stats_started - phases.get("state", 0.0)
        summary = {
            **totals,
            "decisions": decisions_from_result(result.matches),
            "warnings": warnings,
            "engine": result.stats.as_dict(),
            "duplicates": result.duplicates.height,
            **state,
            "seconds": round(time.perf_counter() - started, 3),
            "phases": {name: round(seconds, 3) for name, seconds in phases.items()},
        }
        await JobRepository(session).finish(
            job.id, JobStatus.COMPLETED, datetime.now(UTC), progress=1.0, summary=summary
        )
        invalidate_jobs(session, job.project_id)
        return JobStatus.COMPLETED

    if not database.is_sqlite:
        await run_in_transaction(database, lambda s: ResultRepository(s).delete_results(job.id))

        async def rows(session: AsyncSession) -> ResultRows:
            return await ResultWriter(session).result_rows(
                job.id, result.matches, result.links, result.duplicates, left_keys
            )

        prepared = await run_in_transaction(database, rows)
        await asyncio.gather(
            run_in_transaction(database, lambda s: ResultWriter(s).stage_matches(prepared)),
            run_in_transaction(database, lambda s: ResultWriter(s).stage_links(prepared)),
        )
    return await run_in_transaction(database, complete)


async def _claim(session: AsyncSession, job_id: int, now: datetime) -> ReconciliationJob | None:
    repository = JobRepository(session)
    if not await repository.claim(job_id, now):
        return None
    job = await repository.get(job_id)
    if job is not None:
        invalidate_jobs(session, job.project_id)
    return job


async def finish_job(
    database: Database, job: ReconciliationJob, status: JobStatus, **values: Any
) -> None:
    async def finish(session: AsyncSession) -> None:
        await JobRepository(session).finish(job.id, status, datetime.now(UTC), **values)
        invalidate_jobs(session, job.project_id)

    await run_in_transaction(database, finish)


async def _report_progress(database: Database, job: ReconciliationJob, progress: _Progress) -> None:
    """Publish progress every half second, and turn a cancel request into the engine's stop flag."""
    while True:
        await asyncio.sleep(PROGRESS_INTERVAL_S)
        fraction = round(progress.fraction, 4)
        partitions = progress.partitions.snapshot()
        try:
            cancel = await run_in_transaction(
                database,
                partial(_save_progress, job=job, fraction=fraction, partitions=partitions),
            )
        except Exception:  # progress is best effort; the job itself reports real failures
            log.warning("jobs.progress_not_saved", job_id=job.id)
            continue
        if cancel:
            progress.cancel.set()


async def _save_progress(
    session: AsyncSession,
    *,
    job: ReconciliationJob,
    fraction: float,
    partitions: dict[str, Any] | None = None,
) -> bool:
    invalidate_jobs(session, job.project_id)
    return await JobRepository(session).set_progress(job.id, fraction, partitions=partitions)


async def _save_partitions(database: Database, job: ReconciliationJob, progress: _Progress) -> None:
    """The plan with every part done, before the results are written (the page shows it)."""
    partitions = progress.partitions.snapshot()
    if partitions is not None:
        await run_in_transaction(
            database,
            partial(_save_progress, job=job, fraction=progress.fraction, partitions=partitions),
        )
