"""Typed helpers to create users and log them in, without paying argon2 for every user."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.security import hash_password, new_token
from tally.models import ApiToken, User, UserRole

DEFAULT_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


@lru_cache
def _default_password_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)


@dataclass(frozen=True)
class AuthedUser:
    id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def create_user(
    session: AsyncSession, *, email: str | None = None, role: UserRole = UserRole.MEMBER
) -> AuthedUser:
    """Create and commit an active user with a live token."""
    email = email or f"user{next(_sequence)}@example.test"
    user = User(email=email, password_hash=_default_password_hash(), role=role)
    session.add(user)
    await session.flush()
    token, digest = new_token()
    session.add(
        ApiToken(
            token_hash=digest, user_id=user.id, expires_at=datetime.now(UTC) + timedelta(days=1)
        )
    )
    await session.commit()
    return AuthedUser(user.id, email, token)
