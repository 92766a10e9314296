"""The rules about users: who may log in, who may see whom, what a token grants."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_token, invalidate_users
from tally.cache.http import require_current
from tally.kit.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from tally.kit.pagination import Cursor, Page, Paging
from tally.kit.security import (
    PasswordPool,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
)
from tally.models import ApiToken, User, UserRole
from tally.users.repository import UserRepository
from tally.users.schemas import TokenResponse, UserCreate, UserRead, UserUpdate


class EmailTaken(Conflict):
    """A user with this email already exists."""


class UserNotFound(NotFound):
    """No such user."""


class InvalidCredentials(NotAuthenticated):
    """The email or password is wrong, or the account is deactivated."""

    def __init__(self) -> None:
        super().__init__("Invalid email or password")


class OwnAccessIsPermanent(Conflict):
    """Administrators cannot demote or deactivate themselves (so one administrator always
    remains); another administrator can."""


class WrongPassword(Forbidden):
    """The current password given to change it is wrong."""

    def __init__(self) -> None:
        super().__init__("The current password is wrong")


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = UserRepository(session)

    async def create_user(self, data: UserCreate) -> User:
        """Create a user; emails are unique case-insensitively."""
        email = data.email.strip().lower()
        if await self.repository.get_by_email(email) is not None:
            raise EmailTaken(f"A user with email {email} already exists")
        # Off the event loop (argon2 takes ~50 ms of CPU); admins only, so not pooled.
        password_hash = await asyncio.to_thread(hash_password, data.password)
        return await self._add(email, password_hash, data.role)

    async def add_account(
        self, email: str, password: str, passwords: PasswordPool, *, role: UserRole
    ) -> User:
        """An account someone opens for themselves (accepting an invitation): hashed in the
        password pool, as anyone may reach this."""
        email = email.strip().lower()
        if await self.repository.get_by_email(email) is not None:
            raise EmailTaken(f"A user with email {email} already exists")
        return await self._add(email, await passwords.hash(password), role)

    async def _add(self, email: str, password_hash: str, role: UserRole) -> User:
        user = User(email=email, password_hash=password_hash, role=role)
        await self.repository.add(user)
        invalidate_users(self.repository.session, auth=False)
        return user

    async def authenticate(self, email: str, password: str, passwords: PasswordPool) -> User:
        """The active user with this email and password, or InvalidCredentials. The password is
        verified in every case (against a dummy hash for an unknown email), so the answer takes
        as long whether or not the account exists. The rule of API and web sign-in alike."""
        async with passwords.turn():
            user = await self.repository.get_by_email(email.strip().lower())
            matches = await passwords.verify(user.password_hash if user else None, password)
        if user is None or not matches or not user.is_active:
            raise InvalidCredentials()
        if needs_rehash(user.password_hash):
            # The password is at hand only now: its hash takes today's parameters.
            user.password_hash = await passwords.hash(password)
        return user

    async def issue_token(self, user: User, *, token_ttl: timedelta) -> TokenResponse:
        """A bearer token for an authenticated user, valid for ``token_ttl``."""
        token, digest = new_token()
        expires_at = datetime.now(UTC) + token_ttl
        await self.repository.add_token(
            ApiToken(token_hash=digest, user_id=user.id, expires_at=expires_at)
        )
        return TokenResponse(
            access_token=token, expires_at=expires_at, user=UserRead.model_validate(user)
        )

    async def logout(self, token: str) -> None:
        digest = token_digest(token)
        await self.repository.revoke_token(digest, datetime.now(UTC))
        invalidate_token(self.repository.session, digest)

    async def user_for_token(self, token: str) -> User | None:
        return await self.repository.user_for_token(token_digest(token), datetime.now(UTC))

    async def token_owner(self, digest: str) -> tuple[User, ApiToken] | None:
        """The active user a live token (by digest) authenticates, and the token."""
        return await self.repository.token_owner(digest, datetime.now(UTC))

    async def list_users(self, params: Paging) -> Page[UserRead]:
        """Every user in id order, by page or by cursor."""
        if isinstance(params, Cursor):
            found, has_more = await self.repository.page_by_cursor(params)
            return Page[UserRead].by_cursor([UserRead.model_validate(u) for u in found], has_more)
        users, total = await self.repository.page(offset=params.offset, limit=params.per_page)
        return Page[UserRead].of([UserRead.model_validate(u) for u in users], params, total)

    async def get_user(self, user_id: int) -> User:
        user = await self.repository.get(user_id)
        if user is None:
            raise UserNotFound(f"User {user_id} not found")
        return user

    async def get_user_by_email(self, email: str) -> User:
        user = await self.repository.get_by_email(email.strip().lower())
        if user is None:
            raise UserNotFound(f"No user with email {email}")
        return user

    async def update_user(
        self, user_id: int, data: UserUpdate, *, actor_id: int, if_match: str | None = None
    ) -> User:
        """Change a user's role or active flag; with ``if_match`` (the user's ETag as read) only
        if the user is still that version. Deactivating revokes every token and session of the
        user for good: reactivation brings none back."""
        user = await self.repository.get_for_update(user_id)
        if user is None:
            raise UserNotFound(f"User {user_id} not found")
        require_current(if_match, UserRead.model_validate(user), f"User {user_id}")
        if user_id == actor_id and (data.is_active is False or data.role == UserRole.MEMBER):
            raise OwnAccessIsPermanent(
                "You cannot deactivate or demote yourself; ask another administrator"
            )
        if data.role is not None:
            user.role = data.role
        if data.is_active is not None:
            user.is_active = data.is_active
            if not data.is_active:
                await self.repository.revoke_all_tokens(user.id, datetime.now(UTC))
        await self.repository.session.flush()
        # The users pages, and every cached principal (this user's role or activity changed).
        invalidate_users(self.repository.session, auth=True)
        return user

    async def change_password(
        self, user_id: int, current: str, new: str, passwords: PasswordPool, *, keep_token: str
    ) -> None:
        """Change one's own password after proving the current one; every other token and
        session of the user ends (the one used here stays)."""
        user = await self.get_user(user_id)
        if not await passwords.verify(user.password_hash, current):
            raise WrongPassword()
        await self._set_password(user, new, passwords, keep_digest=token_digest(keep_token))

    async def reset_password(self, user_id: int, new: str, passwords: PasswordPool) -> None:
        """An administrator sets a user's password; all of the user's tokens and sessions end."""
        await self._set_password(await self.get_user(user_id), new, passwords, keep_digest=None)

    async def sign_out_everywhere(self, user_id: int) -> None:
        """End every token and browser session of the user, the caller's own included."""
        await self.repository.revoke_all_tokens(user_id, datetime.now(UTC))
        invalidate_users(self.repository.session, auth=True)

    async def _set_password(
        self, user: User, new: str, passwords: PasswordPool, *, keep_digest: str | None
    ) -> None:
        user.password_hash = await passwords.hash(new)
        await self.repository.revoke_all_tokens(user.id, datetime.now(UTC), keep_digest=keep_digest)
        await self.repository.session.flush()
        invalidate_users(self.repository.session, auth=True)


def is_admin(user: User) -> bool:
    return user.role == UserRole.ADMIN
