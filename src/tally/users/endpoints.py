from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import NOT_MODIFIED, cached_response, keys
from tally.cache.http import ETAG_HEADER, IfMatch, representation_etag
from tally.kit.errors import PreconditionFailed, error_responses
from tally.kit.pagination import (
    Cursor,
    InvalidCursor,
    Page,
    Paging,
    paging_params,
)
from tally.users.auth import AdminPrincipal, AdminRequired, CurrentPrincipal, Session
from tally.users.login import Passwords, sign_in
from tally.users.schemas import (
    LoginRequest,
    PasswordChange,
    PasswordReset,
    TokenResponse,
    UserCreate,
    UserRead,
    UserUpdate,
)
from tally.users.service import (
    EmailTaken,
    InvalidCredentials,
    OwnAccessIsPermanent,
    UserNotFound,
    UserService,
    WrongPassword,
)
from tally.users.throttle import TooManyLogins

# Public: the only route reachable without a token.
public_router = APIRouter(prefix="/auth", tags=["auth"])
router = APIRouter(tags=["users"])
_USERS_PAGE = TypeAdapter(Page[UserRead])


@public_router.post(
    "/login",
    operation_id="auth_login",
    response_model=TokenResponse,
    responses=error_responses(InvalidCredentials, TooManyLogins),
)
async def login(data: LoginRequest, session: Session, request: Request) -> TokenResponse:
    """A bearer token for an email and password. Failed attempts are throttled per account and
    per client address (429 with Retry-After)."""
    settings = request.app.state.settings
    user = await sign_in(request, session, data.email, data.password)
    return await UserService(session).issue_token(
        user, token_ttl=timedelta(days=settings.token_ttl_days)
    )


@router.post("/auth/logout", operation_id="auth_logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, session: Session) -> None:
    await UserService(session).logout(principal.token)


@router.post(
    "/auth/logout-everywhere",
    operation_id="auth_logout_everywhere",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def logout_everywhere(principal: CurrentPrincipal, session: Session) -> None:
    """End every token and browser session of the caller, this token included."""
    await UserService(session).sign_out_everywhere(principal.user_id)


@router.post(
    "/users/me/password",
    operation_id="users_change_own_password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(WrongPassword),
)
async def change_own_password(
    principal: CurrentPrincipal, data: PasswordChange, session: Session, passwords: Passwords
) -> None:
    """Change one's password (the current one is required). Every other token and browser
    session of the caller ends; the token used here stays valid."""
    await UserService(session).change_password(
        principal.user_id,
        data.current_password,
        data.new_password,
        passwords,
        keep_token=principal.token,
    )


@router.post(
    "/users/{user_id}/password",
    operation_id="users_reset_password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(AdminRequired, UserNotFound),
)
async def reset_password(
    _admin: AdminPrincipal,
    user_id: int,
    data: PasswordReset,
    session: Session,
    passwords: Passwords,
) -> None:
    """Set a user's password (administrators); every token and session of the user ends."""
    await UserService(session).reset_password(user_id, data.new_password, passwords)


@router.get("/users/me", operation_id="users_get_me", response_model=UserRead)
async def get_me(principal: CurrentPrincipal, session: Session) -> UserRead:
    return UserRead.model_validate(await UserService(session).get_user(principal.user_id))


@router.get(
    "/users",
    operation_id="users_list",
    response_model=Page[UserRead],
    responses={**NOT_MODIFIED, **error_responses(AdminRequired, InvalidCursor)},
)
async def get_users(
    _admin: AdminPrincipal, params: Annotated[Paging, Depends(paging_params)], request: Request
) -> Response:
    """Every user in id order: by page (page/per_page) or by cursor (starting_after, limit)."""

    async def load(session: AsyncSession) -> bytes:
        return _USERS_PAGE.dump_json(await UserService(session).list_users(params))

    if isinstance(params, Cursor):
        key = keys.users_cursor(params)
    else:
        key = keys.users_page(params.page, params.per_page)
    return await cached_response(request, key, load)


@router.post(
    "/users",
    operation_id="users_create",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(AdminRequired, EmailTaken),
)
async def create_user(_admin: AdminPrincipal, data: UserCreate, session: Session) -> UserRead:
    return UserRead.model_validate(await UserService(session).create_user(data))


@router.get(
    "/users/{user_id}",
    operation_id="users_get",
    response_model=UserRead,
    responses={
        200: {"description": "The user", "headers": ETAG_HEADER},
        **error_responses(AdminRequired, UserNotFound),
    },
)
async def get_user(
    _admin: AdminPrincipal, user_id: int, session: Session, response: Response
) -> UserRead:
    view = UserRead.model_validate(await UserService(session).get_user(user_id))
    response.headers["ETag"] = representation_etag(view)
    return view


@router.patch(
    "/users/{user_id}",
    operation_id="users_update",
    response_model=UserRead,
    responses={
        200: {"description": "The user as updated", "headers": ETAG_HEADER},
        **error_responses(AdminRequired, UserNotFound, OwnAccessIsPermanent, PreconditionFailed),
    },
)
async def update_user(
    admin: AdminPrincipal,
    user_id: int,
    data: UserUpdate,
    session: Session,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    """Change a user's role or active flag. Deactivating revokes the user's tokens and sessions
    for good; administrators cannot demote or deactivate themselves (409)."""
    user = await UserService(session).update_user(
        user_id, data, actor_id=admin.user_id, if_match=if_match
    )
    view = UserRead.model_validate(user)
    response.headers["ETag"] = representation_etag(view)
    return view
