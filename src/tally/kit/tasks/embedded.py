"""The embedded backend: worker coroutines inside the server process, bounded concurrency.

It persists nothing of its own. The rows that describe the work (a job ``queued``/``running``, a
source ``ingesting``) are the durable record: at start-up every registered recoverer re-enqueues
what its rows say is unfinished. Meant for one server process (SQLite, or PostgreSQL without
`tally worker`); several server processes would each recover, and run, the same work.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database, after_commit, run_in_transaction
from tally.kit.tasks.queue import CleanupReport, TaskQueue, as_json_kwargs
from tally.kit.tasks.registry import Recoverer, TaskRegistry

log = structlog.get_logger("tally.tasks")

RunState = Literal["queued", "running", "succeeded", "failed", "interrupted"]

MAX_FINISHED_RUNS = 1000
"""Finished runs kept for inspection, whatever TALLY_TASK_HISTORY_HOURS says."""


@dataclass
class TaskRun:
    """The in-memory bookkeeping of one enqueued task."""

    id: str
    task: str
    kwargs: dict[str, Any]
    state: RunState = "queued"
    finished_at: float | None = None


class EmbeddedQueue(TaskQueue):
    backend = "embedded"

    def __init__(
        self,
        *,
        settings: Settings,
        database: Database,
        registry: TaskRegistry | None = None,
        concurrency: int | None = None,
    ) -> None:
        super().__init__(
            settings=settings, database=database, registry=registry, concurrency=concurrency
        )
        self._pending: asyncio.Queue[TaskRun] = asyncio.Queue()
        # Tasks enqueued with a delay, until they fall due (then they join _pending).
        self._waiting: dict[str, asyncio.TimerHandle] = {}
        self._nothing_waiting = asyncio.Event()
        self._active: dict[str, TaskRun] = {}
        self._finished: OrderedDict[str, TaskRun] = OrderedDict()
        self._workers: dict[asyncio.Task[None], TaskRun | None] = {}
        self._cleanup_loop: asyncio.Task[None] | None = None
        self._stopping = False

    async def enqueue(self, session: AsyncSession, task: str, /, **kwargs: Any) -> str:
        self.registry.handler(task)  # an unknown name fails in the caller, not later in a worker
        run = TaskRun(id=uuid.uuid4().hex, task=task, kwargs=as_json_kwargs(task, kwargs))

        async def submit() -> None:
            self.submit(run)

        after_commit(session, submit)
        return run.id

    async def enqueue_in(
        self, session: AsyncSession, delay_seconds: float, task: str, /, **kwargs: Any
    ) -> str:
        self.registry.handler(task)
        run = TaskRun(id=uuid.uuid4().hex, task=task, kwargs=as_json_kwargs(task, kwargs))

        async def submit_later() -> None:
            self._active[run.id] = run
            self._waiting[run.id] = asyncio.get_running_loop().call_later(
                max(0.0, delay_seconds), self._due, run
            )

        after_commit(session, submit_later)
        return run.id

    def _due(self, run: TaskRun) -> None:
        self._waiting.pop(run.id, None)
        if not self._stopping:
            self._pending.put_nowait(run)
        if not self._waiting:
            self._nothing_waiting.set()

    def submit(self, run: TaskRun) -> None:
        """Hand a committed task to the workers (the after-commit half of ``enqueue``)."""
        self._active[run.id] = run
        self._pending.put_nowait(run)

    async def start(self) -> None:
        self._stopping = False
        for number in range(self.concurrency):
            worker = asyncio.create_task(self._work(), name=f"tally-task-worker-{number}")
            self._workers[worker] = None
        await self.recover()
        self._cleanup_loop = asyncio.create_task(self._clean_periodically(), name="tally-cleanup")
        log.info("tasks.embedded_started", concurrency=self.concurrency, tasks=self.registry.names)

    async def recover(self) -> None:
        """Ask every recoverer to re-enqueue unfinished work, each in its own transaction."""
        for recoverer in self.registry.recoverers:
            name = getattr(recoverer, "__qualname__", repr(recoverer))
            try:
                await run_in_transaction(
                    self.database, functools.partial(_recover, recoverer, self)
                )
            except Exception:
                # One broken feature must not keep the server, or the other recoverers, down.
                log.exception("tasks.recovery_failed", recoverer=name)
            else:
                log.info("tasks.recovered", recoverer=name, queued=self._pending.qsize())

    async def stop(self) -> None:
        """Let running tasks finish within the grace period, then interrupt them.

        Queued and interrupted tasks are not lost: their rows still say so, and the recoverers
        re-enqueue them at the next start.
        """
        self._stopping = True
        for timer in self._waiting.values():
            timer.cancel()  # their rows say they are due: recovery schedules them again
        self._waiting.clear()
        if self._cleanup_loop is not None:
            self._cleanup_loop.cancel()
        idle = [worker for worker, run in self._workers.items() if run is None]
        busy = [worker for worker, run in self._workers.items() if run is not None]
        for worker in idle:
            worker.cancel()
        if busy:
            grace = self.settings.task_shutdown_grace_seconds
            _, late = await asyncio.wait(busy, timeout=grace or None)
            for worker in late:
                worker.cancel()
        await asyncio.gather(
            *self._workers, *filter(None, [self._cleanup_loop]), return_exceptions=True
        )
        self._workers.clear()
        self._cleanup_loop = None
        log.info("tasks.embedded_stopped", abandoned_queued=self._pending.qsize())
        await super().stop()

    async def _work(self) -> None:
        me = asyncio.current_task()
        assert me is not None
        while not self._stopping:
            run = await self._pending.get()
            self._workers[me] = run
            run.state = "running"
            try:
                await self.run_handler(run.task, run.id, 1, run.kwargs)
            except asyncio.CancelledError:
                run.state = "interrupted"
                raise
            except Exception:
                run.state = "failed"  # logged by run_handler; the feature's row tells the user
            else:
                run.state = "succeeded"
            finally:
                self._workers[me] = None
                self._finish(run)
                self._pending.task_done()

    def _finish(self, run: TaskRun) -> None:
        run.finished_at = time.monotonic()
        self._active.pop(run.id, None)
        self._finished[run.id] = run
        while len(self._finished) > MAX_FINISHED_RUNS:
            self._finished.popitem(last=False)

    async def join(self) -> None:
        """Wait until every submitted task has finished (tests, CLI ``--wait``), including
        delayed ones and those that finished tasks enqueued meanwhile."""
        while True:
            await self._pending.join()
            if not self._waiting:
                return
            self._nothing_waiting.clear()
            await self._nothing_waiting.wait()

    def stats(self) -> dict[str, int]:
        running = sum(1 for run in self._workers.values() if run is not None)
        return {
            "queued": self._pending.qsize(),
            "waiting": len(self._waiting),
            "running": running,
            "active": len(self._active),
            "finished": len(self._finished),
            "workers": len(self._workers),
        }

    def get_run(self, task_id: str) -> TaskRun | None:
        return self._active.get(task_id) or self._finished.get(task_id)

    async def cleanup(self) -> CleanupReport:
        report = CleanupReport(finished_tasks_removed=self._forget_finished())
        await self.run_retention_hooks(report)
        log.info("tasks.cleaned", **report.log_fields())
        return report

    def _forget_finished(self) -> int:
        cutoff = time.monotonic() - self.settings.task_history_hours * 3600
        expired = [
            key
            for key, run in self._finished.items()
            if run.finished_at is not None and run.finished_at <= cutoff
        ]
        for key in expired:
            del self._finished[key]
        return len(expired)

    async def _clean_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.settings.task_cleanup_seconds)
            try:
                await self.cleanup()
            except Exception:
                log.exception("tasks.cleanup_failed")


async def _recover(recoverer: Recoverer, queue: TaskQueue, session: AsyncSession) -> None:
    await recoverer(session, queue)
