"""Background work of the sources feature: ingesting uploads, deleting sources in steps, and
picking both up after a restart."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.tasks.queue import TaskQueue
from tally.kit.tasks.registry import TaskContext, task_registry
from tally.sources.ingestion import purge_source, run_append, run_ingestion
from tally.sources.repository import DataSourceRepository
from tally.sources.service import APPEND_TASK, INGEST_TASK, PURGE_TASK


async def ingest(ctx: TaskContext, *, source_id: int) -> None:
    """Load one upload. Safe to run twice: only an `ingesting` source is loaded, from empty."""
    await run_ingestion(ctx.database, ctx.settings, source_id)


async def append(ctx: TaskContext, *, append_id: int) -> None:
    """Load one append. Safe to run twice: only an append still `ingesting` is loaded."""
    await run_append(ctx.database, ctx.settings, append_id)


async def purge(ctx: TaskContext, *, source_id: int) -> None:
    """Delete a hidden source's records in steps, then the source. Safe to run twice."""
    await purge_source(ctx.database, ctx.settings, source_id)


async def recover_unfinished_ingestions(session: AsyncSession, queue: TaskQueue) -> None:
    """After a restart of the embedded server, ingest again every source left `ingesting`, and
    load again every append left unfinished (its source is still `appending`), and finish
    every deletion left unfinished (its source is still `deleting`)."""
    repository = DataSourceRepository(session)
    for source_id in await repository.ingesting_ids():
        await queue.enqueue(session, INGEST_TASK, source_id=source_id)
    for append_id in await repository.running_append_ids():
        await queue.enqueue(session, APPEND_TASK, append_id=append_id)
    for source_id in await repository.deleting_ids():
        await queue.enqueue(session, PURGE_TASK, source_id=source_id)


task_registry.register(INGEST_TASK, ingest)
task_registry.register(APPEND_TASK, append)
task_registry.register(PURGE_TASK, purge)
task_registry.register_recovery(recover_unfinished_ingestions)
