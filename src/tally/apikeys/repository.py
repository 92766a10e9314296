from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import ApiToken

KIND = "key"


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, key: ApiToken) -> ApiToken:
        self.session.add(key)
        await self.session.flush()
        return key

    async def page_for_user(self, user_id: int, cursor: Cursor) -> tuple[list[ApiToken], bool]:
        """A cursor page of the user's keys, newest first (on ix_api_token_user_id)."""
        statement = select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.kind == KIND)
        rows = await self.session.scalars(keyset(statement, ApiToken.id, cursor, descending=True))
        return cut(list(rows), cursor)

    async def get_for_user(self, user_id: int, key_id: int) -> ApiToken | None:
        statement = select(ApiToken).where(
            ApiToken.id == key_id, ApiToken.user_id == user_id, ApiToken.kind == KIND
        )
        return await self.session.scalar(statement)

    async def note_use(self, digest: str, now: datetime) -> None:
        await self.session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == digest, ApiToken.kind == KIND)
            .values(last_used_at=now)
        )
