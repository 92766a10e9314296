"""A procrastinate queue emptied around a test, and waiting on what real workers do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.tasks import ProcrastinateQueue, task_registry

_QUEUE_TABLES = "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs"


@asynccontextmanager
async def empty_queue(db: Database, settings: Settings) -> AsyncIterator[ProcrastinateQueue]:
    """The process-wide registry's queue, with procrastinate's tables empty before and after."""

    async def empty() -> None:
        async with db.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {_QUEUE_TABLES} CASCADE"))

    await empty()
    queue = ProcrastinateQueue(settings=settings, database=db, registry=task_registry)
    try:
        yield queue
    finally:
        await queue.stop()
        await empty()


async def wait_until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll ``condition`` until it holds. The bound only tells a stuck worker from a slow start:
    a worker's start-up is mostly imports, which take tens of seconds on a loaded machine."""
    deadline = asyncio.get_running_loop().time() + 180
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def job_events(log: Path, event: str, job_id: int) -> list[str]:
    """A worker log's lines of ``event`` about job ``job_id``."""
    return [
        line
        for line in log.read_text().splitlines()
        if f'"event": "{event}"' in line and f'"job_id": {job_id},' in line
    ]
