"""Background tasks: enqueue in the caller's transaction, run in the server or in `tally worker`.

Using it from a feature (``tally/<feature>/tasks.py``, listed in ``tally.app.TASK_MODULES``)::

    from tally.kit.tasks import TaskContext, TaskQueue, task_registry

    async def run_reconcile(ctx: TaskContext, *, job_id: int) -> None:
        ...  # ctx.transaction(work), ctx.run_in_thread(heavy, frame), ctx.attempt, ctx.settings

    async def recover_jobs(session: AsyncSession, queue: TaskQueue) -> None:
        for job_id in await JobRepository(session).unfinished_ids():
            await queue.enqueue(session, "reconcile", job_id=job_id)

    async def expire_old_results(session: AsyncSession, settings: Settings) -> int | None:
        ...  # delete what settings.result_retention_days no longer keeps; return how many

    task_registry.register("reconcile", run_reconcile)
    task_registry.register_recovery(recover_jobs)
    task_registry.register_retention(expire_old_results)

(``tally.jobs.tasks`` is the real thing.)

and from a service, in the request's transaction::

    await queue.enqueue(session, "reconcile", job_id=job.id)  # queue: TaskQueueDep

Backends (``TALLY_TASK_BACKEND``; default procrastinate on PostgreSQL outside tests, else embedded):

- ``embedded``: TALLY_TASK_CONCURRENCY worker coroutines in the server process. ``enqueue`` hands
  the task over only after the transaction commits (``kit.db.after_commit``); on rollback nothing
  runs. Nothing is persisted by the queue: at start-up each recoverer re-enqueues what its rows say
  is unfinished. One server process only.
- ``procrastinate``: ``enqueue`` inserts the procrastinate job on the session's own psycopg
  connection, so it commits or rolls back with the caller's rows. `tally worker` processes (any
  number, any machine) run the tasks; a worker killed mid-task has its tasks retried by another once
  its heartbeat is stale. Recoverers are not called: procrastinate's table is the durable queue.
  Run workers with ``DATABASE_URL=postgresql://... tally worker [--concurrency N] [--import MOD]``
  after ``tally db upgrade`` (which creates procrastinate's tables, revision ``0002_tasks``).

Cleanup runs every TALLY_TASK_CLEANUP_SECONDS (in the server for embedded, as a periodic
procrastinate task otherwise): it forgets finished tasks older than TALLY_TASK_HISTORY_HOURS and
calls every retention hook, each in its own transaction.

The contract handlers must honour:

1. **Idempotent.** A task may run more than once: after a crash, a shutdown, a stall that was only
   a very slow worker, or a recoverer re-enqueueing work. Claim the row first (``UPDATE ... SET
   status='running' WHERE id=? AND status IN (...)``), write results so that a second run replaces
   or skips instead of duplicating (delete-then-insert in one transaction, unique keys with ON
   CONFLICT), and return quietly when the row says the work is already done or cancelled.
2. **Never block the event loop.** CPU-heavy work goes through ``ctx.run_in_thread``; a loop blocked
   for longer than TALLY_TASK_STALLED_AFTER_SECONDS stops the worker's heartbeat, and its task is
   then retried elsewhere while it still runs.
3. **Keyword arguments are JSON values** (ids, not objects); they arrive after a trip through JSON.
4. **Own your failures.** An exception marks the task failed and is logged, never retried; record
   what the user should see (the job's ``failed`` status and error) in the feature's row first.
   Count attempts in the row (``ctx.attempt`` restarts at 1 after an embedded restart) when a task
   that keeps crashing its process should give up. On procrastinate, a task whose process died on
   every one of its TALLY_TASK_MAX_ATTEMPTS runs is given up by the stall check, which then calls
   the hook registered with ``task_registry.register_abandoned(name, hook)``: the handler never
   got to record that failure itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.tasks.embedded import EmbeddedQueue
from tally.kit.tasks.queue import CleanupReport, TaskQueue
from tally.kit.tasks.registry import (
    AbandonedHook,
    Handler,
    Recoverer,
    RetentionHook,
    TaskContext,
    TaskRegistrationError,
    TaskRegistry,
    UnknownTaskError,
    import_task_modules,
    task_registry,
)

if TYPE_CHECKING:
    from tally.kit.tasks.procrastinate_queue import ProcrastinateQueue

__all__ = [
    "AbandonedHook",
    "CleanupReport",
    "EmbeddedQueue",
    "Handler",
    "ProcrastinateQueue",
    "Recoverer",
    "RetentionHook",
    "TaskContext",
    "TaskQueue",
    "TaskQueueDep",
    "TaskRegistrationError",
    "TaskRegistry",
    "UnknownTaskError",
    "build_task_queue",
    "get_task_queue",
    "import_task_modules",
    "task_registry",
]


def build_task_queue(
    settings: Settings,
    database: Database,
    *,
    registry: TaskRegistry | None = None,
    concurrency: int | None = None,
) -> TaskQueue:
    """The queue TALLY_TASK_BACKEND asks for, over ``database``."""
    backend: type[TaskQueue] = EmbeddedQueue
    if settings.effective_task_backend == "procrastinate":
        from tally.kit.tasks.procrastinate_queue import ProcrastinateQueue

        backend = ProcrastinateQueue
    return backend(settings=settings, database=database, registry=registry, concurrency=concurrency)


def __getattr__(name: str) -> Any:
    # procrastinate is imported only by what uses it: a server on the embedded backend (SQLite)
    # does not hold its ~12 MB of RSS (bench/rss/REPORT.md).
    if name == "ProcrastinateQueue":
        from tally.kit.tasks.procrastinate_queue import ProcrastinateQueue

        return ProcrastinateQueue
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_task_queue(request: Request) -> TaskQueue:
    queue: TaskQueue = request.app.state.tasks
    return queue


TaskQueueDep = Annotated[TaskQueue, Depends(get_task_queue)]
