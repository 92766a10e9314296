"""Background work of the sources feature: ingesting uploads, deleting sources in steps, and
picking both up after a restart."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import run_in_transaction
from tally.kit.tasks.queue import TaskQueue
from tally.kit.tasks.registry import TaskContext, task_registry
from tally.sources.child_process import ChildFailed, run_in_child, use_child_process
from tally.sources.ingestion import fail_abandoned, purge_source, run_append, run_ingestion
from tally.sources.repository import DataSourceRepository
from tally.sources.service import APPEND_TASK, INGEST_TASK, PURGE_TASK


async def ingest(ctx: TaskContext, *, source_id: int) -> None:
    """Load one upload. Safe to run twice: only an `ingesting` source is loaded, from empty.
    The embedded server loads it in a child process (tally.sources.child_process)."""
    if not _in_child(ctx):
        await run_ingestion(ctx.database, ctx.settings, source_id)
        return
    source = await run_in_transaction(
        ctx.database, lambda s: DataSourceRepository(s).get(source_id)
    )
    if source is None:
        return
    try:
        await run_in_child(
            ctx.database,
            ctx.settings,
            "tally.sources.ingestion:run_ingestion",
            project_id=source.project_id,
            source_id=source_id,
        )
    except ChildFailed as failed:
        await fail_abandoned(ctx.database, ctx.settings, failed.message, source_id=source_id)


async def append(ctx: TaskContext, *, append_id: int) -> None:
    """Load one append. Safe to run twice: only an append still `ingesting` is loaded; in a child
    process on the embedded server, as ``ingest``."""
    if not _in_child(ctx):
        await run_append(ctx.database, ctx.settings, append_id)
        return

    async def project_of_append(session: AsyncSession) -> int | None:
        repository = DataSourceRepository(session)
        found = await repository.get_append(append_id)
        source = await repository.get(found.data_source_id) if found is not None else None
        return source.project_id if source is not None else None

    project_id = await run_in_transaction(ctx.database, project_of_append)
    if project_id is None:
        return
    try:
        await run_in_child(
            ctx.database,
            ctx.settings,
            "tally.sources.ingestion:run_append",
            project_id=project_id,
            append_id=append_id,
        )
    except ChildFailed as failed:
        await fail_abandoned(ctx.database, ctx.settings, failed.message, append_id=append_id)


def _in_child(ctx: TaskContext) -> bool:
    # A procrastinate worker (`tally worker`) is already a process apart from the server.
    return ctx.queue.backend == "embedded" and use_child_process(ctx.settings, ctx.database)


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
