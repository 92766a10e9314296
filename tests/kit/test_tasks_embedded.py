"""The embedded task backend on SQLite and PostgreSQL: after-commit hand-over, bounded concurrency,
start-up recovery from the rows, graceful stop, and cleanup that keeps memory bounded."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import (
    EmbeddedQueue,
    TaskContext,
    TaskQueue,
    TaskRegistrationError,
    TaskRegistry,
    UnknownTaskError,
)
from tally.kit.tasks import queue as queue_module
from tally.kit.tasks.embedded import MAX_FINISHED_RUNS
from tally.models import JobStatus, ReconciliationJob, UserRole
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user


class Calls:
    """A handler that records what it was called with."""

    def __init__(self) -> None:
        self.kwargs: list[dict[str, Any]] = []

    async def __call__(self, ctx: TaskContext, **kwargs: Any) -> None:
        self.kwargs.append(kwargs)


@pytest.fixture
def registry() -> TaskRegistry:
    return TaskRegistry()


@pytest.fixture
async def make_queue(
    db: Database, test_settings: Settings, registry: TaskRegistry
) -> AsyncIterator[Any]:
    queues: list[EmbeddedQueue] = []

    async def make(**settings: Any) -> EmbeddedQueue:
        queue = EmbeddedQueue(
            settings=test_settings.model_copy(update=settings), database=db, registry=registry
        )
        queues.append(queue)
        await queue.start()
        return queue

    yield make
    for queue in queues:
        await queue.stop()


async def _enqueue(db: Database, queue: TaskQueue, task: str, **kwargs: Any) -> str:
    async def work(session: AsyncSession) -> str:
        return await queue.enqueue(session, task, **kwargs)

    return await run_in_transaction(db, work)


async def test_task_runs_only_after_commit(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    calls = Calls()
    registry.register("record", calls)
    queue = await make_queue()

    async def work(session: AsyncSession) -> str:
        task_id = await queue.enqueue(session, "record", job_id=7, pair=(1, 2))
        await asyncio.sleep(0.05)  # workers are idle and waiting: still nothing may run
        assert calls.kwargs == []
        return str(task_id)

    task_id = await run_in_transaction(db, work)
    await queue.join()
    assert calls.kwargs == [{"job_id": 7, "pair": [1, 2]}]  # exactly what JSON gives back
    run = queue.get_run(task_id)
    assert run is not None and run.state == "succeeded"


async def test_rolled_back_enqueue_never_runs(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    calls = Calls()
    registry.register("record", calls)
    queue = await make_queue()

    async def work(session: AsyncSession) -> None:
        await queue.enqueue(session, "record", job_id=1)
        raise RuntimeError("the request failed after enqueueing")

    with pytest.raises(RuntimeError):
        await run_in_transaction(db, work)
    await asyncio.sleep(0.05)
    await queue.join()
    assert calls.kwargs == []
    assert queue.stats()["active"] == 0


async def test_enqueue_rejects_unknown_tasks_and_non_json_arguments(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    registry.register("record", Calls())
    queue = await make_queue()
    with pytest.raises(UnknownTaskError):
        await _enqueue(db, queue, "no-such-task")
    with pytest.raises(TypeError, match="JSON"):
        await _enqueue(db, queue, "record", when=object())
    with pytest.raises(TaskRegistrationError):
        registry.register("record", Calls())


async def test_concurrency_is_bounded(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    running = 0
    peak = 0
    done = 0

    async def busy(ctx: TaskContext, *, n: int) -> None:
        nonlocal running, peak, done
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        done += 1

    registry.register("busy", busy)
    queue = await make_queue(task_concurrency=2)

    async def work(session: AsyncSession) -> None:
        for n in range(8):
            await queue.enqueue(session, "busy", n=n)

    await run_in_transaction(db, work)
    await queue.join()
    assert (done, peak) == (8, 2)


async def test_heavy_work_runs_off_the_event_loop(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    threads: list[str] = []

    def crunch(seconds: float) -> str:
        time.sleep(seconds)  # stands for CPU-bound work
        return threading.current_thread().name

    async def heavy(ctx: TaskContext) -> None:
        threads.append(await ctx.run_in_thread(crunch, 0.3))

    registry.register("heavy", heavy)
    queue = await make_queue()
    await _enqueue(db, queue, "heavy")
    ticks = 0
    while queue.stats()["active"]:
        await asyncio.sleep(0.01)
        ticks += 1
    assert threads and threads[0].startswith("tally-embedded-task")
    assert ticks >= 10  # the loop kept turning while the work ran


async def test_failed_task_is_logged_and_the_queue_carries_on(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    calls = Calls()

    async def broken(ctx: TaskContext) -> None:
        raise ValueError("bad input")

    registry.register("broken", broken)
    registry.register("record", calls)
    queue = await make_queue(task_concurrency=1)
    failed_id = await _enqueue(db, queue, "broken")
    await _enqueue(db, queue, "record", n=1)
    await queue.join()
    failed = queue.get_run(failed_id)
    assert failed is not None and failed.state == "failed"
    assert calls.kwargs == [{"n": 1}]


async def _unfinished_jobs(db: Database, session: AsyncSession) -> dict[JobStatus, int]:
    owner = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=owner)
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    jobs = {}
    for status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED, JobStatus.FAILED):
        job = await create_job(session, project=project, left=left, right=right, status=status)
        jobs[status] = job.id
    return jobs


async def test_recoverers_requeue_unfinished_rows_on_start(
    db: Database, session: AsyncSession, registry: TaskRegistry, make_queue: Any
) -> None:
    jobs = await _unfinished_jobs(db, session)
    calls = Calls()
    recovered_in: list[bool] = []

    async def recover_jobs(session: AsyncSession, queue: TaskQueue) -> None:
        rows = await session.scalars(
            select(ReconciliationJob.id)
            .where(ReconciliationJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
            .order_by(ReconciliationJob.id)
        )
        recovered_in.append(session.in_transaction())
        for job_id in rows:
            await queue.enqueue(session, "reconcile", job_id=job_id)

    async def broken_recoverer(session: AsyncSession, queue: TaskQueue) -> None:
        raise RuntimeError("one feature's bug")

    registry.register("reconcile", calls)
    registry.register_recovery(broken_recoverer)  # must not stop the next one
    registry.register_recovery(recover_jobs)
    queue = await make_queue()
    await queue.join()
    assert recovered_in == [True]
    assert sorted(c["job_id"] for c in calls.kwargs) == sorted(
        [jobs[JobStatus.QUEUED], jobs[JobStatus.RUNNING]]
    )


async def test_app_lifespan_builds_the_queue_runs_recovery_and_stops_it(
    db: Database, test_settings: Settings, registry: TaskRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[TaskQueue] = []

    async def recover(session: AsyncSession, queue: TaskQueue) -> None:
        started.append(queue)

    registry.register_recovery(recover)
    monkeypatch.setattr(queue_module, "task_registry", registry)  # the app's default registry
    app = create_app(test_settings, database=db)
    async with app.router.lifespan_context(app):
        queue = app.state.tasks
        assert isinstance(queue, EmbeddedQueue)
        assert started == [queue]
        assert queue.stats()["workers"] == test_settings.task_concurrency
    assert queue.stats()["workers"] == 0


async def test_stop_waits_for_running_tasks_then_interrupts_them(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    finished: list[str] = []

    async def sleepy(ctx: TaskContext, *, seconds: float) -> None:
        await asyncio.sleep(seconds)
        finished.append(ctx.task_id)

    registry.register("sleepy", sleepy)
    queue = await make_queue(task_concurrency=2, task_shutdown_grace_seconds=0.3)
    quick = await _enqueue(db, queue, "sleepy", seconds=0.05)
    slow = await _enqueue(db, queue, "sleepy", seconds=30)
    await asyncio.sleep(0.02)
    started = time.monotonic()
    await queue.stop()
    assert time.monotonic() - started < 2
    assert finished == [quick]
    slow_run = queue.get_run(slow)
    assert slow_run is not None and slow_run.state == "interrupted"


async def test_cleanup_keeps_memory_bounded_and_runs_retention_hooks(
    db: Database, registry: TaskRegistry, make_queue: Any
) -> None:
    seen: list[int] = []

    async def quick(ctx: TaskContext, *, n: int) -> None:
        seen.append(n)

    async def delete_old_results(session: AsyncSession, settings: Settings) -> int:
        await session.execute(select(ReconciliationJob.id).limit(1))
        return settings.result_retention_days

    async def broken_hook(session: AsyncSession, settings: Settings) -> int:
        raise RuntimeError("one feature's bug")

    registry.register("quick", quick)
    registry.register_retention(broken_hook)
    registry.register_retention(delete_old_results)
    queue = await make_queue(task_concurrency=4, task_history_hours=0, result_retention_days=7)
    total = MAX_FINISHED_RUNS + 500
    for batch in range(0, total, 250):

        async def work(session: AsyncSession, start: int = batch) -> None:
            for n in range(start, start + 250):
                await queue.enqueue(session, "quick", n=n)

        await run_in_transaction(db, work)
    await queue.join()
    assert len(seen) == total
    stats = queue.stats()
    assert (stats["active"], stats["queued"], stats["running"]) == (0, 0, 0)
    assert stats["finished"] == MAX_FINISHED_RUNS  # bounded even before any cleanup

    report = await queue.cleanup()
    assert report.finished_tasks_removed == MAX_FINISHED_RUNS
    assert queue.stats()["finished"] == 0
    assert report.failed_hooks == [broken_hook.__qualname__]
    assert report.retention == {delete_old_results.__qualname__: 7}
