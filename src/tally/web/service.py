"""Browser sessions: sign in with a password, look a session up per request, sign out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.security import token_digest
from tally.models import User, WebSession
from tally.web.repository import WebSessionRepository

SESSION_TTL = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session just created: the cookie value (shown once) and the stored row."""

    token: str
    web_session: WebSession


class WebSessionService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = WebSessionRepository(session)

    async def open_session(self, user: User) -> SignedIn:
        """A browser session for a user signed in by tally.users.login.sign_in (the API's token
        login runs the same check and issues a bearer token instead)."""
        now = datetime.now(UTC)
        await self.repository.delete_expired(now)
        token = secrets.token_urlsafe(32)
        web_session = WebSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + SESSION_TTL,
        )
        return SignedIn(token, await self.repository.add(web_session))

    async def resolve(self, token: str) -> tuple[WebSession, User] | None:
        """The live session behind a cookie value and its user, or None."""
        return await self.repository.live(token_digest(token), datetime.now(UTC))

    async def sign_out(self, token: str) -> None:
        """Delete the session row: the cookie is worthless from now on, wherever it was copied."""
        await self.repository.delete(token_digest(token))
