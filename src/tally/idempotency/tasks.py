"""Background work of idempotent writes: forgetting keys past their lifetime."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.idempotency.guard import KEY_LIFETIME
from tally.idempotency.repository import IdempotencyRepository
from tally.kit.tasks.registry import task_registry
from tally.models.base import utcnow


async def forget_expired_keys(session: AsyncSession, settings: Settings) -> int:
    """Delete the stored answers of keys older than their 24 hours (a retry after that runs)."""
    return await IdempotencyRepository(session).delete_created_before(utcnow() - KEY_LIFETIME)


task_registry.register_retention(forget_expired_keys)
