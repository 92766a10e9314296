from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import IdempotencyKey


class IdempotencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def take(self, user_id: int, key: str, now: datetime, expired_before: datetime) -> int:
        """Claim ``key`` for a first request (a pending row); IntegrityError when the caller
        holds it already, answered or still running. A key older than ``expired_before`` is free
        again."""
        await self.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id,
                IdempotencyKey.key == key,
                IdempotencyKey.created_at < expired_before,
            )
        )
        row = IdempotencyKey(user_id=user_id, key=key, created_at=now)
        self.session.add(row)
        await self.session.flush()  # the unique key decides between racers
        return row.id

    async def get(self, user_id: int, key: str) -> IdempotencyKey | None:
        statement = select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
        )
        return await self.session.scalar(statement)

    async def complete(
        self,
        row_id: int,
        *,
        fingerprint: str,
        status_code: int,
        body: bytes,
        headers: dict[str, Any],
    ) -> None:
        await self.session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == row_id)
            .values(
                fingerprint=fingerprint,
                status_code=status_code,
                response_body=body,
                response_headers=headers,
            )
        )

    async def release(self, row_id: int) -> None:
        await self.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))

    async def delete_created_before(self, cutoff: datetime) -> int:
        """Forget keys past their lifetime (on ix_idempotency_key_created_at)."""
        result = await self.session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
