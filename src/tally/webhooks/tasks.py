"""Background work of webhooks: each attempt of a delivery is one task of the queue."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.tasks.queue import TaskQueue
from tally.kit.tasks.registry import TaskContext, task_registry
from tally.models.base import utcnow
from tally.webhooks.sending import Outcome, send
from tally.webhooks.service import DELIVER_TASK, WebhookService


async def deliver(ctx: TaskContext, *, delivery_id: int, attempt: int) -> None:
    """Make attempt ``attempt`` of a delivery: claim it, POST (outside any transaction: a slow
    receiver holds no database connection), then log it and queue the retry if one is due."""
    outgoing = await ctx.transaction(
        lambda s: WebhookService(s).claim(delivery_id, attempt, ctx.settings)
    )
    if outgoing is None:
        return
    started_at = utcnow()
    try:
        outcome = await send(outgoing, ctx.settings)
    except Exception as error:  # a bug here must still be logged as this attempt, and retried
        outcome = Outcome(None, None, f"{type(error).__name__}: {error}")

    async def record(session: AsyncSession) -> None:
        await WebhookService(session).record(
            delivery_id, attempt, started_at, outcome, ctx.queue, ctx.settings
        )

    await ctx.transaction(record)


async def recover_deliveries(session: AsyncSession, queue: TaskQueue) -> None:
    """After a restart of the embedded server, queue every pending delivery again, when due."""
    await WebhookService(session).recover(queue)


async def expire_delivery_log(session: AsyncSession, settings: Settings) -> int | None:
    """Forget finished deliveries older than TALLY_WEBHOOK_LOG_DAYS."""
    return await WebhookService(session).expire_log(settings)


task_registry.register(DELIVER_TASK, deliver)
task_registry.register_recovery(recover_deliveries)
task_registry.register_retention(expire_delivery_log)
