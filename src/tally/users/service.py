"""The rules about users: who may log in, who may see whom, what a token grants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_token, invalidate_users
from tally.kit.errors import Conflict, NotAuthenticated, NotFound
from tally.kit.pagination import Page, PageParams
from tally.kit.security import hash_password, new_token, token_digest, verify_password
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


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = UserRepository(session)

    async def create_user(self, data: UserCreate) -> User:
        """Create a user; emails are unique case-insensitively."""
        email = data.email.strip().lower()
        if await self.repository.get_by_email(email) is not None:
            raise EmailTaken(f"A user with email {email} already exists")
        user = User(email=email, password_hash=hash_password(data.password), role=data.role)
        await self.repository.add(user)
        invalidate_users(self.repository.session, auth=False)
        return user

    async def login(self, email: str, password: str, *, token_ttl: timedelta) -> TokenResponse:
        """Check a password and issue a bearer token valid for ``token_ttl``."""
        user = await self.repository.get_by_email(email.strip().lower())
        if user is None or not user.is_active or not verify_password(user.password_hash, password):
            raise InvalidCredentials()
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

    async def list_users(self, params: PageParams) -> Page[UserRead]:
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

    async def reset_password(self, user_id: int, password: str) -> User:
        """Set a new password and revoke every token the user holds (sessions end everywhere)."""
        user = await self.get_user(user_id)
        user.password_hash = hash_password(password)
        await self.repository.revoke_tokens_of(user.id, datetime.now(UTC))
        invalidate_users(self.repository.session, auth=True)
        return user

    async def update_user(self, user_id: int, data: UserUpdate) -> User:
        user = await self.get_user(user_id)
        if data.role is not None:
            user.role = data.role
        if data.is_active is not None:
            user.is_active = data.is_active
        await self.repository.session.flush()
        # The users pages, and every cached principal (this user's role or activity changed).
        invalidate_users(self.repository.session, auth=True)
        return user


def is_admin(user: User) -> bool:
    return user.role == UserRole.ADMIN
