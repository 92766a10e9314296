"""The PostgreSQL backend: procrastinate jobs, executed by any number of `tally worker` processes.

Enqueue inserts the procrastinate job on the caller's own psycopg connection, inside the caller's
transaction (procrastinate's "external connection" support): the job row and the row describing the
work commit together or not at all.

Crash recovery: workers heartbeat every TALLY_TASK_HEARTBEAT_SECONDS. Each worker also runs a stall
check every TALLY_TASK_STALL_CHECK_SECONDS that puts back to ``todo`` the ``doing`` jobs of workers
silent for TALLY_TASK_STALLED_AFTER_SECONDS (procrastinate's ``get_stalled_jobs`` + ``retry_job``),
so a worker killed with SIGKILL has its tasks retried by another. Tasks interrupted by a graceful
shutdown that outlasts TALLY_TASK_SHUTDOWN_GRACE_SECONDS go back to ``todo`` at once. A task is
run at most TALLY_TASK_MAX_ATTEMPTS times; then it is marked failed and logged, and the hook its
feature registered for it (``register_abandoned``) records the failure in the feature's row.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from typing import Any

import structlog
from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import JobAborted
from procrastinate.jobs import Job, Status
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.tasks.queue import CleanupReport, TaskQueue, as_json_kwargs
from tally.kit.tasks.registry import TaskRegistry

log = structlog.get_logger("tally.tasks")

QUEUE_NAME = "tally"
CLEANUP_TASK = "tally.cleanup"
# pg_try_advisory_xact_lock key: one stall check at a time across all workers, so two of them can
# never both put the same job back (the second would re-queue it under a live worker).
STALL_CHECK_LOCK = 0x7A11_0001


class _RetryInterrupted(BaseRetryStrategy):
    """Retry a task only when a worker shutdown interrupted it; a task's own errors are final."""

    def __init__(self, max_attempts: int) -> None:
        self.max_attempts = max_attempts

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        interrupted = isinstance(exception, asyncio.CancelledError | JobAborted)
        if interrupted and job.attempts + 1 < self.max_attempts:
            return RetryDecision()
        return None


class ProcrastinateQueue(TaskQueue):
    backend = "procrastinate"

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
        if self.database.is_sqlite:
            raise ValueError("the procrastinate task backend needs PostgreSQL")
        conninfo = make_url(self.database.url).set(drivername="postgresql")
        self.connector = PsycopgConnector(
            conninfo=conninfo.render_as_string(hide_password=False),
            min_size=1,
            # job fetching, heartbeats, abort polling, the stall check and finishing jobs
            max_size=self.concurrency + 4,
            kwargs={"application_name": "tally-worker"},
        )
        self.app = App(connector=self.connector)
        self._retry = _RetryInterrupted(self.settings.task_max_attempts)
        self._add_cleanup_task()

    async def enqueue(self, session: AsyncSession, task: str, /, **kwargs: Any) -> str:
        return await self._defer(session, task, None, kwargs)

    async def enqueue_in(
        self, session: AsyncSession, delay_seconds: float, task: str, /, **kwargs: Any
    ) -> str:
        # procrastinate stores the due time with the job: workers skip it until then.
        return await self._defer(session, task, max(0.0, delay_seconds), kwargs)

    async def _defer(
        self, session: AsyncSession, task: str, delay_seconds: float | None, kwargs: dict[str, Any]
    ) -> str:
        self.registry.handler(task)
        payload = as_json_kwargs(task, kwargs)
        self._sync_tasks()
        connection = await (await session.connection()).get_raw_connection()
        # The session's own psycopg connection: the INSERT joins its open transaction.
        options: dict[str, Any] = {}
        if delay_seconds is not None:
            options["schedule_in"] = {"seconds": delay_seconds}
        deferrer = self.app.configure_task(task, connection=connection.driver_connection, **options)
        job_id = await deferrer.defer_async(**payload)
        return str(job_id)

    async def start(self) -> None:
        """Nothing runs in the server: tasks run in `tally worker` processes."""
        log.info("tasks.procrastinate_enqueue_only", tasks=self.registry.names)

    async def open(self) -> None:
        """Open procrastinate's connection pool (workers, cleanup; enqueue does not need it)."""
        await self.connector.open_async()

    async def stop(self) -> None:
        await self.connector.close_async()
        await super().stop()

    async def run_worker(self, *, name: str | None = None) -> None:
        """Execute registered tasks until SIGINT/SIGTERM (the body of `tally worker`)."""
        self._sync_tasks()
        await self.open()
        if not await self.app.check_connection_async():
            raise RuntimeError("procrastinate's tables are missing: run `tally db upgrade` first")
        stall_checks = asyncio.create_task(self._check_stalls_periodically(), name="stall-check")
        settings = self.settings
        try:
            log.info(
                "tasks.worker_started", concurrency=self.concurrency, tasks=self.registry.names
            )
            await self.app.run_worker_async(
                queues=[QUEUE_NAME],
                name=name or f"tally-{socket.gethostname()}-{os.getpid()}",
                concurrency=self.concurrency,
                update_heartbeat_interval=settings.task_heartbeat_seconds,
                stalled_worker_timeout=settings.task_stalled_after_seconds,
                fetch_job_polling_interval=settings.task_poll_seconds,
                abort_job_polling_interval=settings.task_poll_seconds,
                shutdown_graceful_timeout=settings.task_shutdown_grace_seconds,
                install_signal_handlers=True,
            )
        finally:
            stall_checks.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stall_checks
            log.info("tasks.worker_stopped")

    async def retry_stalled_tasks(self) -> int:
        """Put back the tasks of workers that stopped heartbeating; return how many."""
        await self.open()
        manager = self.app.job_manager
        handled = 0
        abandoned: list[Job] = []
        async with (
            self.connector.pool.connection() as lock_connection,
            lock_connection.transaction(),
        ):
            cursor = await lock_connection.execute(
                "SELECT pg_try_advisory_xact_lock(%s)", (STALL_CHECK_LOCK,)
            )
            row = await cursor.fetchone()
            if row is None or not row[0]:
                return 0  # another worker is checking right now
            stalled = await manager.get_stalled_jobs(
                seconds_since_heartbeat=self.settings.task_stalled_after_seconds
            )
            for job in stalled:
                handled += 1
                if job.attempts + 1 >= self.settings.task_max_attempts:
                    await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                    abandoned.append(job)
                    log.error(
                        "tasks.abandoned",
                        task=job.task_name,
                        task_id=job.id,
                        attempts=job.attempts + 1,
                    )
                else:
                    await manager.retry_job(job)
                    log.warning(
                        "tasks.stalled_retried",
                        task=job.task_name,
                        task_id=job.id,
                        attempt=job.attempts + 2,
                    )
        for job in abandoned:  # after the check's lock: the hooks write the features' rows
            await self.run_abandoned_hook(job.task_name, job.task_kwargs)
        return handled

    async def cleanup(self) -> CleanupReport:
        await self.open()
        manager = self.app.job_manager
        await manager.delete_old_jobs(
            nb_hours=self.settings.task_history_hours,
            queue=QUEUE_NAME,
            include_failed=True,
            include_cancelled=True,
            include_aborted=True,
        )
        pruned = await manager.prune_stalled_workers(self.settings.task_stalled_after_seconds)
        report = CleanupReport(stalled_workers_pruned=len(pruned))
        await self.run_retention_hooks(report)
        log.info("tasks.cleaned", **report.log_fields())
        return report

    async def _check_stalls_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.settings.task_stall_check_seconds)
            try:
                await self.retry_stalled_tasks()
            except Exception:
                log.exception("tasks.stall_check_failed")

    def _sync_tasks(self) -> None:
        """Mirror the registry into procrastinate (features may register after we were built)."""
        for name in self.registry.names:
            if name not in self.app.tasks:
                self._add_task(name)

    def _add_task(self, name: str) -> None:
        async def run(context: JobContext, /, **kwargs: Any) -> None:
            job = context.job
            await self.run_handler(name, str(job.id), job.attempts + 1, kwargs)

        self.app.task(name=name, queue=QUEUE_NAME, pass_context=True, retry=self._retry)(run)

    def _add_cleanup_task(self) -> None:
        async def cleanup(timestamp: int) -> None:
            await self.cleanup()

        task = self.app.task(name=CLEANUP_TASK, queue=QUEUE_NAME, queueing_lock=CLEANUP_TASK)(
            cleanup
        )
        self.app.periodic(
            cron=cron_every(self.settings.task_cleanup_seconds), periodic_id=CLEANUP_TASK
        )(task)


def cron_every(seconds: int) -> str:
    """A cron line that fires about every ``seconds`` (procrastinate takes a 6th seconds field)."""
    if seconds < 60:
        return f"* * * * * */{seconds}"
    if seconds < 3600:
        return f"*/{seconds // 60} * * * *"
    if seconds < 86400:
        return f"0 */{seconds // 3600} * * *"
    return "0 0 * * *"
