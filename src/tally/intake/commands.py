"""The work behind `tally watch` and `tally inbox ...`."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import open_writing_database, run_command
from tally.config import get_settings
from tally.intake.poller import Arrival, poll_due_inboxes
from tally.intake.schemas import InboxCreate, InboxRead
from tally.intake.service import InboxService
from tally.jobs.tasks import reconcile as reconcile_task
from tally.kit.tasks import TaskQueue, build_task_queue
from tally.projects.auth import owner_access


async def watch(project_id: int | None, once: bool, interval: float, report: Any) -> list[Arrival]:
    """Poll due inboxes (every one at once with ``once``) until interrupted. With procrastinate
    the reconciliations go to the queue for `tally worker`; with the embedded backend they run
    here, as no other process would run them."""
    settings = get_settings()
    database = await open_writing_database(settings)
    queue: TaskQueue | None = None
    if settings.effective_task_backend == "procrastinate":
        queue = build_task_queue(settings, database)
    taken: list[Arrival] = []
    try:
        while True:
            arrivals = await poll_due_inboxes(
                database, settings, queue, project_id=project_id, force=once
            )
            for arrival in arrivals:
                report(arrival)
            taken.extend(arrivals)
            if once:
                return taken
            await asyncio.sleep(interval)
    finally:
        await database.dispose()


async def create_inbox(project_id: int, values: dict[str, Any]) -> dict[str, Any]:
    data = InboxCreate.model_validate(values)

    async def work(session: AsyncSession) -> dict[str, Any]:
        access = await owner_access(session, project_id)
        inbox = await InboxService(session).create_inbox(access, data)
        await session.refresh(inbox)
        return InboxRead.model_validate(inbox).model_dump(mode="json")

    return await run_command(get_settings(), work)


async def list_inboxes(project_id: int) -> list[dict[str, Any]]:
    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        access = await owner_access(session, project_id)
        inboxes = await InboxService(session).list_inboxes(access)
        return [InboxRead.model_validate(i).model_dump(mode="json") for i in inboxes]

    return await run_command(get_settings(), work)


# Enqueueing checks the task is registered; importing the jobs' task module registers it.
REGISTERED_TASKS = (reconcile_task,)
