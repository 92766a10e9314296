"""Administration: users (create, role, deactivate) and the pool and cache statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tally.kit.db import get_database
from tally.kit.pagination import PageParams
from tally.models import UserRole
from tally.users.auth import Session
from tally.users.schemas import UserCreate, UserUpdate
from tally.users.service import OwnAccessIsPermanent, UserService
from tally.web.auth import WebAdmin
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
PER_PAGE = 50


async def _users_page(
    request: Request,
    session: Any,
    page: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    users = await UserService(session).list_users(PageParams(page=page, per_page=PER_PAGE))
    return render(
        request,
        "admin/users.html",
        {
            "nav": "users",
            "page": users,
            "roles": [role.value for role in UserRole],
            "errors": errors or {},
            "form": form or {"email": "", "role": UserRole.MEMBER.value},
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/admin/users", include_in_schema=False)
async def get_users_page(
    request: Request,
    _admin: WebAdmin,
    session: Session,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    created: Annotated[str, Query(max_length=320)] = "",
) -> Response:
    notice = f"Created {created}." if created else ""
    return await _users_page(request, session, page, notice=notice)


@router.post("/admin/users", include_in_schema=False)
async def create_user(
    request: Request,
    _admin: WebAdmin,
    session: Session,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = UserRole.MEMBER.value,
) -> Response:
    form = {"email": email, "role": role}
    try:
        data = UserCreate(email=email.strip(), password=password, role=role)
    except ValidationError as error:
        errors = {str(e["loc"][0]): _message(e) for e in error.errors()}
        return await _users_page(request, session, 1, errors=errors, form=form, status_code=422)
    user = await UserService(session).create_user(data)
    return RedirectResponse(f"/admin/users?created={user.email}", status_code=303)


def _message(error: Any) -> str:
    field = str(error["loc"][0])
    if field == "email":
        return "Enter an email address like name@example.com."
    if field == "password":
        return "Use at least 8 characters."
    return str(error["msg"])


@router.post("/admin/users/{user_id}", include_in_schema=False)
async def update_user(
    request: Request,
    admin: WebAdmin,
    session: Session,
    user_id: Annotated[int, Path(ge=1)],
    role: Annotated[UserRole | None, Form()] = None,
    active: Annotated[str | None, Form()] = None,
) -> Response:
    is_active = None if active is None else active == "true"
    try:
        await UserService(session).update_user(
            user_id, UserUpdate(role=role, is_active=is_active), actor_id=admin.principal.user_id
        )
    except OwnAccessIsPermanent as refused:
        return await _users_page(
            request, session, 1, errors={"self": refused.detail}, status_code=409
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/system", include_in_schema=False)
async def get_system_page(request: Request, _admin: WebAdmin) -> Response:
    cache = getattr(request.app.state, "cache", None)
    tasks = getattr(request.app.state, "tasks", None)
    return render(
        request,
        "admin/system.html",
        {
            "nav": "system",
            "pool": get_database(request).pool_status(),
            "cache": await cache.snapshot() if cache is not None else None,
            "tasks": tasks.backend if tasks is not None else None,
        },
    )
