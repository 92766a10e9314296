"""Who is calling: bearer-token authentication and the role aliases endpoints declare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import request_session
from tally.kit.errors import Forbidden, NotAuthenticated
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

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN


async def current_principal(
    request: Request,
    session: Session,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Resolve the bearer token to an active user, or 401. Runs before any other data access."""
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated()
    user = await UserService(session).user_for_token(credentials.credentials)
    if user is None:
        raise NotAuthenticated("Invalid or expired token")
    principal = Principal(user.id, user.email, user.role, credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise Forbidden("Administrator role required")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]
