"""Who is calling: bearer-token authentication and the role aliases endpoints declare."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from tally.apikeys.usage import API_KEY_KIND, note_key_use
from tally.cache import get_cache, keys
from tally.kit.db import get_database, request_session
from tally.kit.errors import Forbidden, NotAuthenticated
from tally.kit.security import token_digest
from tally.models import UserRole
from tally.users.service import UserService

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/login")

Session = Annotated[AsyncSession, Depends(request_session, scope="function")]


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    user_id: int
    email: str
    role: str
    token: str
    # An API key's limits (tally.apikeys): the one project it reaches (None: every project of
    # its user) and the highest project role it acts with. None for a login token.
    key_project_id: int | None = None
    key_role: str | None = None

    @property
    def is_admin(self) -> bool:
        # An API key never carries its user's administrator rights.
        return self.role == UserRole.ADMIN and self.key_role is None

    @property
    def is_api_key(self) -> bool:
        return self.key_role is not None


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Resolve the bearer token to an active user, or 401. Runs before any other data access.

    Cached by the token's digest; revoking the token or changing any user's role or active flag
    invalidates it (tally.cache), and the token's expiry is checked on every request.
    """
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated()
    token = credentials.credentials
    digest = token_digest(token)
    identity = await get_cache(request).fetch_decoded(
        keys.principal(digest), partial(_load_identity, digest), orjson.loads
    )
    principal = principal_from_identity(identity, token)
    if principal is None:
        raise NotAuthenticated("Invalid or expired token")
    request.state.principal = principal
    if principal.is_api_key:
        await note_key_use(get_database(request), digest)
    return principal


def principal_from_identity(identity: list[Any] | None, token: str) -> Principal | None:
    """The caller a cached identity ``[user id, email, role, expiry, key project, key role]``
    authenticates, or None (unknown token, or expired since it was cached). Also used by
    tally.fast_reads. Identities cached before API keys existed have four items."""
    if identity is None:
        return None
    user_id, email, role, expires_at, *key = identity
    if expires_at is not None and expires_at <= time.time():
        return None
    key_project_id, key_role = [*key, None, None][:2]
    return Principal(user_id, email, role, token, key_project_id, key_role)


async def _load_identity(digest: str, session: AsyncSession) -> bytes | None:
    owner = await UserService(session).token_owner(digest)
    if owner is None:
        return None  # unknown tokens are not cached: nobody can fill the cache with garbage
    user, token = owner
    expires_at = token.expires_at
    expiry = expires_at.timestamp() if expires_at is not None else None
    identity: list[Any] = [user.id, user.email, user.role, expiry]
    if token.kind == API_KEY_KIND:
        identity += [token.project_id, token.role]
    return orjson.dumps(identity)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class AdminRequired(Forbidden):
    """Only administrators may do this."""


async def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise AdminRequired("Administrator role required")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]
