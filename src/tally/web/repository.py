from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import User, WebSession


class WebSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, web_session: WebSession) -> WebSession:
        self.session.add(web_session)
        await self.session.flush()
        return web_session

    async def live(self, digest: str, now: datetime) -> tuple[WebSession, User] | None:
        """The live session with this token hash and its active user: one indexed lookup."""
        statement = (
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(
                WebSession.token_hash == digest,
                WebSession.expires_at > now,
                User.is_active.is_(True),
            )
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    async def delete(self, digest: str) -> None:
        await self.session.execute(delete(WebSession).where(WebSession.token_hash == digest))

    async def delete_expired(self, now: datetime) -> int:
        result = await self.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
