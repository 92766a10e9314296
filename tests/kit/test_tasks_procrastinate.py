"""The procrastinate backend on a real PostgreSQL, with real `tally worker` processes: enqueue in the
caller's transaction, a worker killed with SIGKILL mid-task, graceful shutdown, stall checks and
cleanup that keeps procrastinate's tables bounded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import ProcrastinateQueue, TaskContext, TaskRegistry, task_registry
from tally.kit.tasks.procrastinate_queue import CLEANUP_TASK, QUEUE_NAME, cron_every
from tally.models import ReconciliationJob, UserRole
from tests.helpers import sample_tasks
from tests.helpers.processes import WorkerProcess
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)


async def _truncate(db: Database) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {', '.join(PROCRASTINATE_TABLES)} CASCADE"))


@pytest.fixture(autouse=True)
async def empty_queue(db: Database) -> AsyncIterator[None]:
    await _truncate(db)
    yield
    await _truncate(db)


@pytest.fixture
async def make_queue(db: Database, test_settings: Settings) -> AsyncIterator[Any]:
    queues: list[ProcrastinateQueue] = []

    def make(registry: TaskRegistry, **settings: Any) -> ProcrastinateQueue:
        queue = ProcrastinateQueue(
            settings=test_settings.model_copy(update=settings), database=db, registry=registry
        )
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        await queue.stop()


@pytest.fixture
def workers(db: Database, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(**env: str) -> WorkerProcess:
        worker = WorkerProcess(db.url, tmp_path / f"worker-{len(started)}.log", **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close()


async def _wait_for(condition: Callable[[], Awaitable[bool]], *, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _jobs(db: Database, **where: Any) -> list[dict[str, Any]]:
    """The queue's jobs, without the periodic cleanup a worker defers when it starts within
    minutes of its cron tick (that depends on the time of day, never on the test)."""
    clauses = " AND ".join(
        [f"task_name <> '{CLEANUP_TASK}'", *(f"{column} = :{column}" for column in where)]
    )
    async with db.engine.connect() as connection:
        result = await connection.execute(
            text(
                f"SELECT id, task_name, args, status::text AS status, attempts, queue_name "
                f"FROM procrastinate_jobs WHERE {clauses} ORDER BY id"
            ),
            where,
        )
        return [dict(row._mapping) for row in result]


async def _count(db: Database, table: str) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


async def _new_job_row(session: AsyncSession) -> ReconciliationJob:
    owner = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=owner)
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    return ReconciliationJob(
        project_id=project.id,
        left_source_id=left.id,
        right_source_id=right.id,
        rules={"rules": []},
    )


async def _noop(ctx: TaskContext, **kwargs: Any) -> None:
    return None


async def test_enqueue_commits_with_the_callers_row(
    db: Database, session: AsyncSession, make_queue: Any
) -> None:
    registry = TaskRegistry()
    registry.register("reconcile", _noop)
    queue = make_queue(registry)
    job = await _new_job_row(session)

    async def work(session: AsyncSession) -> tuple[int, str]:
        session.add(job)
        await session.flush()
        task_id = await queue.enqueue(session, "reconcile", job_id=job.id)
        assert await _jobs(db) == []  # not visible outside the transaction before it commits
        return job.id, task_id

    job_id, task_id = await run_in_transaction(db, work)
    [queued] = await _jobs(db)
    assert queued == {
        "id": int(task_id),
        "task_name": "reconcile",
        "args": {"job_id": job_id},
        "status": "todo",
        "attempts": 0,
        "queue_name": QUEUE_NAME,
    }


async def test_rolled_back_request_leaves_no_orphan_job(
    db: Database, session: AsyncSession, make_queue: Any
) -> None:
    registry = TaskRegistry()
    registry.register("reconcile", _noop)
    queue = make_queue(registry)
    job = await _new_job_row(session)

    async def work(session: AsyncSession) -> None:
        session.add(job)
        await session.flush()
        await queue.enqueue(session, "reconcile", job_id=job.id)
        raise RuntimeError("the request failed after enqueueing")

    with pytest.raises(RuntimeError):
        await run_in_transaction(db, work)
    assert await _jobs(db) == []
    async with db.sessionmaker() as check:
        assert await check.scalar(select(func.count()).select_from(ReconciliationJob)) == 0


async def test_stall_check_requeues_only_dead_workers_tasks_and_gives_up_eventually(
    db: Database, make_queue: Any
) -> None:
    registry = TaskRegistry()
    registry.register("reconcile", _noop)
    queue = make_queue(registry, task_stalled_after_seconds=2, task_max_attempts=3)
    task_id = int(
        await run_in_transaction(db, lambda session: queue.enqueue(session, "reconcile", job_id=1))
    )

    async def mark_doing(worker_id: int | None, attempts: int) -> None:
        async with db.engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :worker, "
                    "attempts = :attempts WHERE id = :id"
                ),
                {"worker": worker_id, "attempts": attempts, "id": task_id},
            )

    async with db.engine.begin() as connection:
        live_worker = (
            await connection.execute(
                text("SELECT worker_id FROM procrastinate_register_worker_v1()")
            )
        ).scalar_one()
    await mark_doing(live_worker, 0)
    assert await queue.retry_stalled_tasks() == 0  # its worker is heartbeating: leave it alone

    await mark_doing(None, 0)  # a worker that died and was pruned
    assert await queue.retry_stalled_tasks() == 1
    [job] = await _jobs(db)
    assert (job["status"], job["attempts"]) == ("todo", 1)

    await mark_doing(None, 2)  # the third run crashed too: give up
    assert await queue.retry_stalled_tasks() == 1
    [job] = await _jobs(db)
    assert job["status"] == "failed"


async def test_worker_killed_mid_task_is_retried_by_another_exactly_once(
    db: Database, tmp_path: Path, make_queue: Any, workers: Callable[..., WorkerProcess]
) -> None:
    directory = tmp_path / "effects"
    directory.mkdir()
    queue = make_queue(task_registry)  # sample_tasks registered into it on import
    first = workers()
    task_id = int(
        await run_in_transaction(
            db,
            lambda session: queue.enqueue(
                session, sample_tasks.EFFECT_TASK, directory=str(directory), key="job-1"
            ),
        )
    )

    async def started(count: int) -> bool:
        return len(_lines(directory / "starts.log")) == count

    await _wait_for(lambda: started(1), timeout=30, what="the first worker to start the task")
    first.kill()
    (directory / "release").touch()  # from now on the task may finish
    workers()

    async def succeeded() -> bool:
        [job] = await _jobs(db, id=task_id)
        return bool(job["status"] == "succeeded")

    await _wait_for(succeeded, timeout=30, what="the second worker to finish the task")
    await asyncio.sleep(1.5)  # several more stall checks: nothing may run it again

    starts = _lines(directory / "starts.log")
    assert [line.split()[1] for line in starts] == ["attempt=1", "attempt=2"]
    assert starts[0].split()[2] != starts[1].split()[2]  # two different processes
    assert [line.split()[1] for line in _lines(directory / "completions.log")] == ["attempt=2"]
    assert (directory / "job-1.effect").read_text().startswith("attempt=2")
    assert [job["status"] for job in await _jobs(db)] == ["succeeded"]


async def test_graceful_shutdown_puts_an_interrupted_task_back_in_the_queue(
    db: Database, tmp_path: Path, make_queue: Any, workers: Callable[..., WorkerProcess]
) -> None:
    directory = tmp_path / "effects"
    directory.mkdir()
    queue = make_queue(task_registry)
    first = workers(TALLY_TASK_SHUTDOWN_GRACE_SECONDS="0.2")
    task_id = int(
        await run_in_transaction(
            db,
            lambda session: queue.enqueue(
                session, sample_tasks.EFFECT_TASK, directory=str(directory), key="job-2"
            ),
        )
    )

    async def started() -> bool:
        return len(_lines(directory / "starts.log")) == 1

    await _wait_for(started, timeout=30, what="the worker to start the task")
    assert first.terminate() == 0
    [job] = await _jobs(db, id=task_id)
    assert (job["status"], job["attempts"]) == ("todo", 1)  # back at once, no stall wait

    (directory / "release").touch()
    workers()

    async def succeeded() -> bool:
        [job] = await _jobs(db, id=task_id)
        return bool(job["status"] == "succeeded")

    await _wait_for(succeeded, timeout=30, what="another worker to finish the task")
    assert len(_lines(directory / "completions.log")) == 1


async def test_periodic_cleanup_keeps_procrastinate_tables_bounded(
    db: Database, tmp_path: Path, make_queue: Any, workers: Callable[..., WorkerProcess]
) -> None:
    queue = make_queue(task_registry)
    workers(
        TALLY_TASK_CONCURRENCY="4",
        TALLY_TASK_CLEANUP_SECONDS="1",
        TALLY_TASK_HISTORY_HOURS="0",
        **{sample_tasks.RETENTION_MARKER_ENV: str(tmp_path)},
    )
    total = 0
    peak = 0
    for _batch in range(4):

        async def work(session: AsyncSession, start: int = total) -> None:
            for n in range(start, start + 100):
                await queue.enqueue(session, sample_tasks.QUICK_TASK, n=n)

        await run_in_transaction(db, work)
        total += 100
        peak = max(peak, await _count(db, "procrastinate_jobs"))

    async def drained() -> bool:
        return not await _jobs(db, task_name=sample_tasks.QUICK_TASK)

    await _wait_for(drained, timeout=40, what="every task to run and be cleaned up")
    assert peak >= 100  # the table really filled up before cleanup emptied it
    # What is left is only the periodic cleanup's own job(s) and the live worker.
    assert await _count(db, "procrastinate_jobs") <= 3
    assert await _count(db, "procrastinate_events") <= 10
    assert await _count(db, "procrastinate_periodic_defers") <= 2
    assert await _count(db, "procrastinate_workers") == 1

    async def retention_ran() -> bool:  # the cleanup that emptied the tables runs them after
        return bool(_lines(tmp_path / "retention.log"))

    await _wait_for(retention_ran, timeout=10, what="the retention hooks to run in the worker")


def test_cron_lines(backend: str) -> None:
    assert cron_every(1) == "* * * * * */1"
    assert cron_every(600) == "*/10 * * * *"
    assert cron_every(3600) == "0 */1 * * *"
    assert cron_every(7 * 86400) == "0 0 * * *"
