"""The queue interface both backends implement, and the code they share."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.contextvars import bound_contextvars

from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks.registry import RetentionHook, TaskContext, TaskRegistry, task_registry

log = structlog.get_logger("tally.tasks")


@dataclass
class CleanupReport:
    """What one cleanup run removed (``None`` where the backend cannot count cheaply)."""

    finished_tasks_removed: int | None = None
    stalled_workers_pruned: int = 0
    retention: dict[str, int | None] = field(default_factory=dict)
    failed_hooks: list[str] = field(default_factory=list)

    def log_fields(self) -> dict[str, Any]:
        return {
            "finished_tasks_removed": self.finished_tasks_removed,
            "stalled_workers_pruned": self.stalled_workers_pruned,
            "retention": self.retention,
            "failed_hooks": self.failed_hooks,
        }


class TaskQueue(ABC):
    """Enqueue registered tasks; run them (embedded) or hand them to `tally worker` (procrastinate).

    ``start``/``stop`` belong to the server's lifespan: the embedded backend starts its in-process
    workers, recovery and cleanup there; the procrastinate backend has nothing to start in the
    server, its workers are `tally worker` processes.
    """

    backend: ClassVar[str]

    def __init__(
        self,
        *,
        settings: Settings,
        database: Database,
        registry: TaskRegistry | None = None,
        concurrency: int | None = None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.registry = registry if registry is not None else task_registry
        self.concurrency = concurrency or settings.task_concurrency
        self.executor = ThreadPoolExecutor(
            max_workers=self.concurrency, thread_name_prefix=f"tally-{self.backend}-task"
        )

    @abstractmethod
    async def enqueue(self, session: AsyncSession, task: str, /, **kwargs: Any) -> str:
        """Queue ``task(**kwargs)`` as part of ``session``'s transaction; return the task's id.

        Nothing runs unless that transaction commits. ``kwargs`` must be JSON values (the handler
        receives them back through JSON on every backend). ``session`` must belong to a
        transaction owner from ``tally.kit.db`` (request_session, run_in_transaction).
        """

    @abstractmethod
    async def enqueue_in(
        self, session: AsyncSession, delay_seconds: float, task: str, /, **kwargs: Any
    ) -> str:
        """Like ``enqueue``, but the task becomes due ``delay_seconds`` after the commit (retries
        with back-off). The embedded backend keeps the wait in memory: a feature that schedules
        this way recovers its due rows at start-up, as it does for every unfinished task."""

    @abstractmethod
    async def start(self) -> None:
        """Begin serving (server lifespan)."""

    async def stop(self) -> None:
        """Stop serving and release resources (server lifespan)."""
        self.executor.shutdown(wait=False, cancel_futures=True)

    @abstractmethod
    async def cleanup(self) -> CleanupReport:
        """Remove the runtime state of finished tasks and run every retention hook."""

    def context(self, task: str, task_id: str, attempt: int) -> TaskContext:
        return TaskContext(
            task=task,
            task_id=task_id,
            attempt=attempt,
            database=self.database,
            settings=self.settings,
            queue=self,
            executor=self.executor,
        )

    async def run_handler(
        self, task: str, task_id: str, attempt: int, kwargs: dict[str, Any]
    ) -> None:
        """Run one task's handler with logging; exceptions propagate to the backend."""
        handler = self.registry.handler(task)
        context = self.context(task, task_id, attempt)
        with bound_contextvars(task=task, task_id=task_id):
            log.info("tasks.started", attempt=attempt, backend=self.backend)
            started = time.monotonic()
            try:
                await handler(context, **kwargs)
            except asyncio.CancelledError:
                log.warning("tasks.interrupted", duration_s=_since(started))
                raise
            except Exception:
                log.exception("tasks.failed", duration_s=_since(started))
                raise
            log.info("tasks.succeeded", duration_s=_since(started))

    async def run_abandoned_hook(self, task: str, kwargs: dict[str, Any]) -> None:
        """Let the task's feature record that ``task(**kwargs)`` was given up; a failing hook is
        logged (the task stays given up either way)."""
        hook = self.registry.abandoned_hook(task)
        if hook is None:
            return
        try:
            await run_in_transaction(self.database, lambda s: hook(s, self, kwargs))
        except Exception:
            log.exception("tasks.abandoned_hook_failed", task=task)

    async def run_retention_hooks(self, report: CleanupReport) -> None:
        for hook in self.registry.retention_hooks:
            name = getattr(hook, "__qualname__", repr(hook))
            try:
                removed = await run_in_transaction(
                    self.database, functools.partial(_call_hook, hook, settings=self.settings)
                )
            except Exception:
                log.exception("tasks.retention_hook_failed", hook=name)
                report.failed_hooks.append(name)
            else:
                report.retention[name] = removed


def as_json_kwargs(task: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The kwargs as the handler will see them after a trip through JSON (fail early if not JSON)."""
    try:
        decoded: dict[str, Any] = json.loads(json.dumps(kwargs, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise TypeError(f"arguments of task {task!r} must be JSON values: {error}") from None
    return decoded


async def _call_hook(
    hook: RetentionHook, session: AsyncSession, *, settings: Settings
) -> int | None:
    return await hook(session, settings)


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)
