"""What can run: task handlers by name, start-up recoverers, retention hooks and the hooks that
hear of a task given up after its every run died with its process.

Features register into the process-wide ``task_registry`` when their ``tasks`` module is imported;
the app and ``tally worker`` import those modules (``TASK_MODULES`` in ``tally.app``, plus
``TALLY_TASK_IMPORTS``) before building a queue. Tests build private registries.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import importlib
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database, run_in_transaction

if TYPE_CHECKING:
    from tally.kit.tasks.queue import TaskQueue

P = ParamSpec("P")
T = TypeVar("T")

Handler = Callable[..., Awaitable[None]]
"""``async def handler(ctx: TaskContext, **kwargs) -> None``; kwargs are JSON values."""

Recoverer = Callable[[AsyncSession, "TaskQueue"], Awaitable[None]]
"""``async def recover(session, queue) -> None``: re-enqueue the work its rows say is unfinished."""

RetentionHook = Callable[[AsyncSession, Settings], Awaitable[int | None]]
"""``async def hook(session, settings) -> int | None``: delete expired data, return rows removed."""

AbandonedHook = Callable[[AsyncSession, "TaskQueue", dict[str, Any]], Awaitable[None]]
"""``async def hook(session, queue, kwargs) -> None``: the task run with ``kwargs`` was given up,
its process having died on every attempt (killed: out of memory, a signal), so its handler never
got to record a failure; record it in the feature's row."""


class UnknownTaskError(LookupError):
    """A task name nobody registered: a wiring bug, never a user error."""


class TaskRegistrationError(ValueError):
    """Two different handlers claimed the same task name."""


@dataclass(frozen=True)
class TaskContext:
    """What a handler gets besides its keyword arguments."""

    task: str
    task_id: str
    attempt: int
    """1 on the first run; procrastinate counts retries after a crash. Durable attempt counts
    that must survive the embedded backend's restarts belong in the feature's own row."""
    database: Database
    settings: Settings
    queue: TaskQueue
    executor: Executor

    async def transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``work`` in its own transaction: one commit, or a rollback on error."""
        return await run_in_transaction(self.database, work)

    async def run_in_thread(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run CPU-heavy or blocking ``func`` in the queue's thread pool, off the event loop.

        The pool has one thread per concurrent task, so heavy work never queues behind the loop's
        own default executor (which the database drivers use).
        """
        call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)


class TaskRegistry:
    """Handlers by task name, plus the recoverers and retention hooks the queue calls."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._recoverers: list[Recoverer] = []
        self._retention_hooks: list[RetentionHook] = []
        self._abandoned_hooks: dict[str, AbandonedHook] = {}

    def register(self, name: str, handler: Handler) -> None:
        """Make ``handler`` the code behind task ``name`` (idempotent for the same handler)."""
        existing = self._handlers.get(name)
        if existing is not None and existing is not handler:
            raise TaskRegistrationError(f"task {name!r} is already registered to {existing!r}")
        self._handlers[name] = handler

    def register_recovery(self, recoverer: Recoverer) -> None:
        """Call ``recoverer`` at start-up of the embedded backend, in a transaction of its own."""
        if recoverer not in self._recoverers:
            self._recoverers.append(recoverer)

    def register_retention(self, hook: RetentionHook) -> None:
        """Call ``hook`` on every cleanup run, in a transaction of its own."""
        if hook not in self._retention_hooks:
            self._retention_hooks.append(hook)

    def register_abandoned(self, name: str, hook: AbandonedHook) -> None:
        """Call ``hook`` when task ``name`` is given up after its last attempt died with its
        process (the stall check of the procrastinate backend), in a transaction of its own."""
        existing = self._abandoned_hooks.get(name)
        if existing is not None and existing is not hook:
            raise TaskRegistrationError(f"task {name!r} already has an abandoned hook")
        self._abandoned_hooks[name] = hook

    def abandoned_hook(self, name: str) -> AbandonedHook | None:
        return self._abandoned_hooks.get(name)

    def handler(self, name: str) -> Handler:
        try:
            return self._handlers[name]
        except KeyError:
            raise UnknownTaskError(f"no task named {name!r} is registered") from None

    @property
    def names(self) -> list[str]:
        return sorted(self._handlers)

    @property
    def recoverers(self) -> tuple[Recoverer, ...]:
        return tuple(self._recoverers)

    @property
    def retention_hooks(self) -> tuple[RetentionHook, ...]:
        return tuple(self._retention_hooks)


task_registry = TaskRegistry()
"""The process-wide registry features register into at import time."""


def import_task_modules(modules: Iterable[str]) -> None:
    """Import the modules whose import registers tasks (idempotent)."""
    for module in modules:
        if module:
            importlib.import_module(module)
