from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import ApiToken, User, WebSession


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def get_for_update(self, user_id: int) -> User | None:
        """The user, the row locked until the transaction ends (PostgreSQL; SQLite has one
        writer at a time): an If-Match comparison holds until the write."""
        statement = (
            select(User)
            .where(User.id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email))

    async def page(self, *, offset: int, limit: int) -> tuple[list[User], int]:
        # Two statements whatever the page size: the page (primary-key order) and the total.
        users = await self.session.scalars(
            select(User).order_by(User.id).offset(offset).limit(limit)
        )
        total = await self.session.scalar(select(func.count()).select_from(User))
        return list(users), total or 0

    async def page_by_cursor(self, cursor: Cursor) -> tuple[list[User], bool]:
        """A cursor page of every user in id order (on the primary key)."""
        return cut(list(await self.session.scalars(keyset(select(User), User.id, cursor))), cursor)

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def add_token(self, token: ApiToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def user_for_token(self, digest: str, now: datetime) -> User | None:
        """The active user owning a live token: one indexed lookup per authenticated request."""
        statement = (
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == digest,
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
                User.is_active.is_(True),
            )
        )
        return await self.session.scalar(statement)

    async def token_owner(self, digest: str, now: datetime) -> tuple[User, ApiToken] | None:
        """The active user owning a live token, and the token: one indexed lookup."""
        statement = (
            select(User, ApiToken)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == digest,
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
                User.is_active.is_(True),
            )
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row is not None else None

    async def revoke_token(self, digest: str, now: datetime) -> None:
        await self.session.execute(
            update(ApiToken).where(ApiToken.token_hash == digest).values(revoked_at=now)
        )

    async def revoke_all_tokens(
        self, user_id: int, now: datetime, *, keep_digest: str | None = None
    ) -> None:
        """Revoke every live bearer token of a user (but ``keep_digest``) and end every browser
        session: revoked for good, so reactivating the account brings none of them back."""
        statement = update(ApiToken).where(
            ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)
        )
        if keep_digest is not None:
            statement = statement.where(ApiToken.token_hash != keep_digest)
        await self.session.execute(statement.values(revoked_at=now))
        sessions = delete(WebSession).where(WebSession.user_id == user_id)
        if keep_digest is not None:
            sessions = sessions.where(WebSession.token_hash != keep_digest)
        await self.session.execute(sessions)
