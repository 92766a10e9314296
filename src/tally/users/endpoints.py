from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import NOT_MODIFIED, cached_response, keys
from tally.kit.errors import error_responses
from tally.kit.pagination import Page, PageParams, page_params
from tally.users.auth import AdminPrincipal, CurrentPrincipal, Session
from tally.users.schemas import LoginRequest, TokenResponse, UserCreate, UserRead, UserUpdate
from tally.users.service import EmailTaken, InvalidCredentials, UserNotFound, UserService

# Public: the only route reachable without a token.
public_router = APIRouter(prefix="/auth", tags=["auth"])
router = APIRouter(tags=["users"])
_USERS_PAGE = TypeAdapter(Page[UserRead])


@public_router.post(
    "/login", response_model=TokenResponse, responses=error_responses(InvalidCredentials)
)
async def login(data: LoginRequest, session: Session, request: Request) -> TokenResponse:
    settings = request.app.state.settings
    return await UserService(session).login(
        data.email, data.password, token_ttl=timedelta(days=settings.token_ttl_days)
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, session: Session) -> None:
    await UserService(session).logout(principal.token)


@router.get("/users/me", response_model=UserRead)
async def get_me(principal: CurrentPrincipal, session: Session) -> UserRead:
    return UserRead.model_validate(await UserService(session).get_user(principal.user_id))


@router.get("/users", response_model=Page[UserRead], responses=NOT_MODIFIED)
async def get_users(
    _admin: AdminPrincipal, params: Annotated[PageParams, Depends(page_params)], request: Request
) -> Response:
    async def load(session: AsyncSession) -> bytes:
        return _USERS_PAGE.dump_json(await UserService(session).list_users(params))

    return await cached_response(request, keys.users_page(params.page, params.per_page), load)


@router.post(
    "/users",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(EmailTaken),
)
async def create_user(_admin: AdminPrincipal, data: UserCreate, session: Session) -> UserRead:
    return UserRead.model_validate(await UserService(session).create_user(data))


@router.get("/users/{user_id}", response_model=UserRead, responses=error_responses(UserNotFound))
async def get_user(_admin: AdminPrincipal, user_id: int, session: Session) -> UserRead:
    return UserRead.model_validate(await UserService(session).get_user(user_id))


@router.patch("/users/{user_id}", response_model=UserRead, responses=error_responses(UserNotFound))
async def update_user(
    _admin: AdminPrincipal, user_id: int, data: UserUpdate, session: Session
) -> UserRead:
    return UserRead.model_validate(await UserService(session).update_user(user_id, data))
