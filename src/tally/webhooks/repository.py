"""The SQL of webhooks: hooks, their deliveries and the attempts of each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, hook: Webhook) -> Webhook:
        self.session.add(hook)
        await self.session.flush()
        return hook

    async def list_for_project(self, project_id: int) -> list[Webhook]:
        """Every hook of the project (the ones an event goes to)."""
        rows = await self.session.scalars(
            select(Webhook).where(Webhook.project_id == project_id).order_by(Webhook.id)
        )
        return list(rows)

    async def page_for_project(self, project_id: int, cursor: Cursor) -> tuple[list[Webhook], bool]:
        statement = select(Webhook).where(Webhook.project_id == project_id)
        return cut(list(await self.session.scalars(keyset(statement, Webhook.id, cursor))), cursor)

    async def get_in_project(self, project_id: int, hook_id: int) -> Webhook | None:
        hook = await self.session.get(Webhook, hook_id)
        return hook if hook is not None and hook.project_id == project_id else None

    async def delete(self, hook: Webhook) -> None:
        # Deliveries and attempts go with it (ON DELETE CASCADE; SQLite enforces foreign keys).
        await self.session.execute(delete(Webhook).where(Webhook.id == hook.id))

    async def add_delivery(self, delivery: WebhookDelivery) -> WebhookDelivery | None:
        """Insert ``delivery``; None when its hook already has this event (same key).

        Two transactions emitting the same new event at the same moment would both pass the
        check: the unique key then fails the second one, which sends nothing twice. (No
        savepoint to absorb it: SQLite's driver commits on RELEASE outside an explicit BEGIN.)
        """
        existing = await self.session.scalar(
            select(WebhookDelivery.id).where(
                WebhookDelivery.webhook_id == delivery.webhook_id,
                WebhookDelivery.event_key == delivery.event_key,
            )
        )
        if existing is not None:
            return None
        self.session.add(delivery)
        await self.session.flush()
        return delivery

    async def get_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        return await self.session.get(WebhookDelivery, delivery_id)

    async def page_deliveries(
        self, hook_id: int, cursor: Cursor
    ) -> tuple[list[WebhookDelivery], bool]:
        """A page of the hook's deliveries, newest first, each with its attempts."""
        statement = (
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook_id)
            .options(selectinload(WebhookDelivery.attempt_log))
        )
        rows = await self.session.scalars(
            keyset(statement, WebhookDelivery.id, cursor, descending=True)
        )
        return cut(list(rows), cursor)

    async def delivery_with_log(self, delivery_id: int) -> WebhookDelivery | None:
        return await self.session.scalar(
            select(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .options(selectinload(WebhookDelivery.attempt_log))
        )

    async def claim(
        self, delivery_id: int, attempt: int, now: datetime, lease_until: datetime
    ) -> bool:
        """Take attempt ``attempt`` of a pending delivery: the next one, or the same one again
        when the worker that took it let its lease expire. False when it is not ours to make."""
        result = await self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                (WebhookDelivery.attempts == attempt - 1)
                | ((WebhookDelivery.attempts == attempt) & (WebhookDelivery.claimed_until < now)),
            )
            .values(attempts=attempt, claimed_until=lease_until, next_attempt_at=None)
        )
        return bool(getattr(result, "rowcount", 0))

    async def record_attempt(self, attempt: WebhookAttempt) -> None:
        await self.session.execute(
            delete(WebhookAttempt).where(
                WebhookAttempt.delivery_id == attempt.delivery_id,
                WebhookAttempt.number == attempt.number,
            )
        )  # an attempt made again after an expired lease replaces the one that never finished
        self.session.add(attempt)
        await self.session.flush()

    async def pending(self) -> list[WebhookDelivery]:
        rows = await self.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING)
        )
        return list(rows)

    async def delete_finished_before(self, cutoff: datetime) -> int:
        result = await self.session.execute(
            delete(WebhookDelivery).where(
                WebhookDelivery.created_at < cutoff,
                WebhookDelivery.status != DeliveryStatus.PENDING,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
