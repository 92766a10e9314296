"""A started cache for a process that writes outside the server, so that its invalidations reach
every server through Redis at once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache.core import Cache
from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.migrate import open_database

T = TypeVar("T")


@contextlib.asynccontextmanager
async def running_cache(settings: Settings, database: Database) -> AsyncIterator[Cache]:
    """A started cache for a process that writes outside the server (``tally worker``, the CLI):
    with it, ``invalidate()`` in that process reaches every server through Redis."""
    cache = Cache(settings, database, serve_reads=False)
    await cache.start()
    try:
        yield cache
    finally:
        await cache.stop()


async def open_writing_database(settings: Settings) -> Database:
    """``open_database`` for a command that writes outside the server (``tally ingest``,
    ``reconcile``, ``demo``): with a started write-only cache, so that its writes' invalidations
    reach every server through Redis at once. It stops with ``database.dispose()``.

    Without REDIS_URL nothing reaches another process's memory: a server running meanwhile
    keeps serving what it cached before such a write until that entry's TTL runs out (README).
    """
    database = await open_database(settings)
    cache = Cache(settings, database, serve_reads=False)
    await cache.start()
    database.on_dispose(cache.stop)
    return database


async def run_command(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """One transaction of a command-line command: the database opened for writing (invalidations
    delivered as the server's own writes are), ``work`` run and committed, the database closed."""
    database = await open_writing_database(settings)
    try:
        return await run_in_transaction(database, work)
    finally:
        await database.dispose()
