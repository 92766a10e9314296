"""API keys in the browser: list with last use, make (secret shown once), rotate, revoke."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tally.apikeys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, ApiKeyRotate
from tally.apikeys.service import ApiKeyService
from tally.kit.errors import TallyError
from tally.kit.pagination import PageParams
from tally.models import ProjectRole
from tally.projects.service import ProjectService
from tally.users.auth import Session
from tally.web.auth import CurrentWebUser
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
_FORM = {"name": "", "role": ProjectRole.VIEWER.value, "project_id": "", "expires_in_days": "365"}
_PROJECTS_LISTED = 100


async def _page(
    request: Request,
    user: CurrentWebUser,
    session: Any,
    *,
    created: ApiKeyCreated | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    keys = await ApiKeyService(session).list_keys(user.principal)
    projects = await ProjectService(session).list_projects(
        user.principal, PageParams(page=1, per_page=_PROJECTS_LISTED)
    )
    return render(
        request,
        "api_keys/page.html",
        {
            "nav": "api_keys",
            "keys": [ApiKeyRead.model_validate(key) for key in keys],
            "project_names": {project.id: project.name for project in projects.items},
            "roles": [role.value for role in ProjectRole],
            "created": created,
            "errors": errors or {},
            "form": form or _FORM,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/api-keys", include_in_schema=False)
async def get_api_keys_page(request: Request, user: CurrentWebUser, session: Session) -> Response:
    return await _page(request, user, session)


@router.post("/api-keys", include_in_schema=False)
async def create_api_key(
    request: Request,
    user: CurrentWebUser,
    session: Session,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = ProjectRole.VIEWER.value,
    project_id: Annotated[str, Form()] = "",
    expires_in_days: Annotated[str, Form()] = "365",
) -> Response:
    form = {
        "name": name,
        "role": role,
        "project_id": project_id,
        "expires_in_days": expires_in_days,
    }
    try:
        data = ApiKeyCreate.model_validate(
            {
                "name": name.strip(),
                "role": role,
                "project_id": project_id or None,
                "expires_in_days": expires_in_days or None,
            }
        )
    except ValidationError as error:
        errors = {str(e["loc"][0]): str(e["msg"]) for e in error.errors()}
        return await _page(request, user, session, errors=errors, form=form, status_code=422)
    try:
        key, secret = await ApiKeyService(session).create(user.principal, data)
    except TallyError as error:
        return await _page(
            request, user, session, errors={"self": error.detail}, form=form, status_code=403
        )
    created = ApiKeyCreated(key=ApiKeyRead.model_validate(key), secret=secret)
    return await _page(request, user, session, created=created, status_code=201)


@router.post("/api-keys/{key_id}/rotate", include_in_schema=False)
async def rotate_api_key(
    request: Request,
    user: CurrentWebUser,
    session: Session,
    key_id: Annotated[int, Path(ge=1)],
    overlap_hours: Annotated[int, Form(ge=0, le=720)] = 24,
) -> Response:
    data = ApiKeyRotate(overlap_hours=overlap_hours)
    key, secret = await ApiKeyService(session).rotate(user.principal, key_id, data)
    created = ApiKeyCreated(key=ApiKeyRead.model_validate(key), secret=secret)
    return await _page(request, user, session, created=created, status_code=201)


@router.post("/api-keys/{key_id}/revoke", include_in_schema=False)
async def revoke_api_key(
    user: CurrentWebUser, session: Session, key_id: Annotated[int, Path(ge=1)]
) -> Response:
    await ApiKeyService(session).revoke(user.principal, key_id)
    return RedirectResponse("/api-keys", status_code=303)
