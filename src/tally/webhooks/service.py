"""The rules about webhooks: who manages them, which events reach which hook, and how each
delivery's attempts are claimed, logged and retried with back-off through the task queue."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import orjson
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.errors import NotFound
from tally.kit.pagination import Cursor, read_all
from tally.kit.tasks.queue import TaskQueue
from tally.models import (
    AuditEvent,
    DeliveryStatus,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from tally.models.base import utcnow
from tally.projects.auth import ProjectAccess
from tally.webhooks.addresses import resolve_target
from tally.webhooks.events import EXCEPTIONS_THRESHOLD_EXCEEDED, TEST_EVENT
from tally.webhooks.repository import WebhookRepository
from tally.webhooks.schemas import WebhookCreate, WebhookUpdate
from tally.webhooks.sending import Outcome, Outgoing
from tally.webhooks.signing import new_secret

log = structlog.get_logger("tally.webhooks")

DELIVER_TASK = "webhooks.deliver"
MAX_RETRY_DELAY_SECONDS = 6 * 3600
# How long past the request timeout a claimed attempt stays claimed before another worker may
# make it again (the first one died mid-request).
LEASE_MARGIN_SECONDS = 30


class WebhookNotFound(NotFound):
    """No such webhook in this project."""


def retry_delay(attempt: int, settings: Settings) -> float:
    """Seconds between failed attempt ``attempt`` and the next: doubling from the base."""
    delay = settings.webhook_retry_base_seconds * 2 ** (attempt - 1)
    return float(min(delay, MAX_RETRY_DELAY_SECONDS))


class WebhookService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = WebhookRepository(session)

    async def create_hook(
        self, access: ProjectAccess, data: WebhookCreate, settings: Settings
    ) -> tuple[Webhook, str]:
        """A new hook and its secret (returned this once). The URL must resolve to a public
        address now; it is checked again before every delivery."""
        await resolve_target(data.url, settings)
        secret = new_secret()
        hook = await self.repository.add(
            Webhook(
                project_id=access.project_id,
                url=data.url,
                description=data.description,
                events=list(data.events),
                exceptions_threshold=data.exceptions_threshold,
                secret=secret,
                created_by_id=access.principal.user_id,
                created_at=utcnow(),
            )
        )
        self._audit(access, hook, "webhook.created", url=hook.url, events=hook.events)
        return hook, secret

    async def page_hooks(self, access: ProjectAccess, cursor: Cursor) -> tuple[list[Webhook], bool]:
        """A page of the project's hooks, oldest first, and whether more follow."""
        return await self.repository.page_for_project(access.project_id, cursor)

    async def list_hooks(self, access: ProjectAccess) -> list[Webhook]:
        """Every hook of the project, oldest first."""
        return await read_all(lambda cursor: self.page_hooks(access, cursor), _id)

    async def get_hook(self, access: ProjectAccess, hook_id: int) -> Webhook:
        hook = await self.repository.get_in_project(access.project_id, hook_id)
        if hook is None:
            raise WebhookNotFound(f"Webhook {hook_id} not found in this project")
        return hook

    async def update_hook(
        self, access: ProjectAccess, hook_id: int, data: WebhookUpdate
    ) -> Webhook:
        """Change the hook's events, description or exceptions threshold (audited)."""
        hook = await self.get_hook(access, hook_id)
        changes = data.model_dump(exclude_none=True)
        if "events" in changes:
            changes["events"] = list(changes["events"])
        for name, value in changes.items():
            setattr(hook, name, value)
        await self.session.flush()
        if changes:
            self._audit(access, hook, "webhook.updated", **changes)
        return hook

    async def delete_hook(self, access: ProjectAccess, hook_id: int) -> None:
        """Remove the hook, its pending deliveries and its log."""
        hook = await self.get_hook(access, hook_id)
        self._audit(access, hook, "webhook.deleted", url=hook.url)
        await self.repository.delete(hook)

    async def rotate_secret(self, access: ProjectAccess, hook_id: int) -> tuple[Webhook, str]:
        """A new secret for the hook, used from the next attempt on (retries included)."""
        hook = await self.get_hook(access, hook_id)
        secret = new_secret()
        hook.secret = secret
        hook.secret_rotated_at = utcnow()
        await self.session.flush()
        self._audit(access, hook, "webhook.secret_rotated")
        return hook, secret

    async def send_test(
        self, access: ProjectAccess, hook_id: int, queue: TaskQueue
    ) -> WebhookDelivery:
        """Queue a webhook.test delivery to the hook, logged and retried like any other."""
        hook = await self.get_hook(access, hook_id)
        data = {"message": "A test delivery from Tally", "webhook_id": hook.id}
        delivery = await self._deliver(
            queue, hook, TEST_EVENT, f"test:{uuid.uuid4().hex}", data, utcnow()
        )
        assert delivery is not None  # a fresh key is never a duplicate
        loaded = await self.repository.delivery_with_log(delivery.id)
        assert loaded is not None
        return loaded

    async def page_deliveries(
        self, access: ProjectAccess, hook_id: int, cursor: Cursor
    ) -> tuple[list[WebhookDelivery], bool]:
        """A page of the hook's delivery log, newest first, each delivery with its attempts."""
        hook = await self.get_hook(access, hook_id)
        return await self.repository.page_deliveries(hook.id, cursor)

    async def emit(
        self,
        queue: TaskQueue,
        project_id: int,
        event: str,
        key: str,
        data: dict[str, Any],
        *,
        count: int | None = None,
    ) -> int:
        """Queue ``event`` for every hook of the project that takes it; return how many.

        ``key`` identifies the event: a hook that already has it gets nothing new. ``count``
        (exceptions.threshold_exceeded) reaches only hooks whose threshold it meets.
        """
        now = utcnow()
        queued = 0
        for hook in await self.repository.list_for_project(project_id):
            if event not in hook.events:
                continue
            if event == EXCEPTIONS_THRESHOLD_EXCEEDED and (count or 0) < hook.exceptions_threshold:
                continue
            if await self._deliver(queue, hook, event, key, data, now) is not None:
                queued += 1
        if queued:
            log.info(
                "webhooks.emitted", event_name=event, key=key, project_id=project_id, hooks=queued
            )
        return queued

    async def _deliver(
        self,
        queue: TaskQueue,
        hook: Webhook,
        event: str,
        key: str,
        data: dict[str, Any],
        now: datetime,
    ) -> WebhookDelivery | None:
        body = {
            "id": key,
            "type": event,
            "created_at": now.isoformat(),
            "project_id": hook.project_id,
            "data": data,
        }
        delivery = await self.repository.add_delivery(
            WebhookDelivery(
                webhook_id=hook.id,
                event=event,
                event_key=key,
                payload=orjson.dumps(body).decode(),
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        if delivery is not None:
            await queue.enqueue(self.session, DELIVER_TASK, delivery_id=delivery.id, attempt=1)
        return delivery

    async def claim(self, delivery_id: int, attempt: int, settings: Settings) -> Outgoing | None:
        """Take attempt ``attempt`` of the delivery and return what to send; None when the
        delivery is finished, gone, or that attempt is already made or in progress."""
        now = utcnow()
        lease = now + timedelta(seconds=settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS)
        if not await self.repository.claim(delivery_id, attempt, now, lease):
            return None
        delivery = await self.repository.get_delivery(delivery_id)
        assert delivery is not None
        hook = await self.session.get(Webhook, delivery.webhook_id)
        assert hook is not None
        return Outgoing(
            delivery_id=delivery.id,
            event=delivery.event,
            event_key=delivery.event_key,
            url=hook.url,
            secret=hook.secret,
            payload=delivery.payload,
        )

    async def record(
        self,
        delivery_id: int,
        attempt: int,
        started_at: datetime,
        outcome: Outcome,
        queue: TaskQueue,
        settings: Settings,
    ) -> None:
        """Log the attempt; then the delivery succeeded, gave up, or has its next attempt queued
        after a doubling delay (in this same transaction)."""
        delivery = await self.repository.get_delivery(delivery_id)
        if delivery is None or delivery.attempts != attempt:
            return  # the hook was deleted meanwhile, or another run took over this delivery
        await self.repository.record_attempt(
            WebhookAttempt(
                delivery_id=delivery_id,
                number=attempt,
                started_at=started_at,
                status_code=outcome.status_code,
                latency_ms=outcome.latency_ms,
                error=outcome.error,
            )
        )
        now = utcnow()
        delivery.claimed_until = None
        fields = {
            "delivery_id": delivery_id,
            "attempt": attempt,
            "status_code": outcome.status_code,
            "latency_ms": outcome.latency_ms,
        }
        if outcome.succeeded:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.finished_at = now
            log.info("webhooks.delivered", **fields)
        elif attempt >= settings.webhook_max_attempts:
            delivery.status = DeliveryStatus.FAILED
            delivery.finished_at = now
            log.warning("webhooks.gave_up", error=outcome.error, **fields)
        else:
            delay = retry_delay(attempt, settings)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            await queue.enqueue_in(
                self.session, delay, DELIVER_TASK, delivery_id=delivery_id, attempt=attempt + 1
            )
            log.info("webhooks.retry_scheduled", error=outcome.error, delay_s=delay, **fields)
        await self.session.flush()

    async def recover(self, queue: TaskQueue) -> int:
        """Queue again every pending delivery at its due time (the embedded queue's start-up):
        a due retry, a first attempt never made, or an attempt whose worker died mid-request."""
        now = utcnow()
        pending = await self.repository.pending()
        for delivery in pending:
            if delivery.claimed_until is not None:
                attempt, due = delivery.attempts, delivery.claimed_until
            else:
                attempt, due = delivery.attempts + 1, delivery.next_attempt_at or now
            delay = max(0.0, (due - now).total_seconds())
            await queue.enqueue_in(
                self.session, delay, DELIVER_TASK, delivery_id=delivery.id, attempt=attempt
            )
        return len(pending)

    async def expire_log(self, settings: Settings) -> int:
        cutoff = utcnow() - timedelta(days=settings.webhook_log_days)
        return await self.repository.delete_finished_before(cutoff)

    def _audit(self, access: ProjectAccess, hook: Webhook, action: str, **detail: object) -> None:
        log.info(action, webhook_id=hook.id, project_id=hook.project_id)
        self.session.add(
            AuditEvent(
                project_id=hook.project_id,
                actor_id=access.principal.user_id,
                action=action,
                target=f"webhook:{hook.id}",
                detail=detail,
            )
        )


def _id(hook: Webhook) -> int:
    return hook.id
