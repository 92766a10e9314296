"""A project's inboxes: where statements land, what each file became; owners add, pause, remove."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.intake.schemas import InboxCreate, InboxUpdate
from tally.intake.service import InboxService, InvalidInbox
from tally.projects.auth import ProjectAccess
from tally.projects.service import ProjectService
from tally.sources.service import DataSourceService
from tally.users.auth import Session
from tally.web.auth import WebProjectOwner, WebProjectReader
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
InboxId = Annotated[int, Path(ge=1)]


async def _page(
    request: Request,
    access: ProjectAccess,
    session: AsyncSession,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    service = InboxService(session)
    inboxes = await service.list_inboxes(access)
    files = {inbox.id: await service.list_files(access, inbox.id) for inbox in inboxes}
    return render(
        request,
        "inboxes/list.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "inboxes": inboxes,
            "files": files,
            "sources": await DataSourceService(session).list_sources(access),
            "can_own": access.role in ("owner", "admin"),
            "errors": errors or {},
            "form": form or {"pattern": "*", "poll_seconds": 300},
        },
        status_code=status_code,
    )


@router.get("/projects/{project_id}/inboxes", include_in_schema=False)
async def get_inboxes_page(
    request: Request, access: WebProjectReader, session: Session
) -> Response:
    return await _page(request, access, session)


@router.post("/projects/{project_id}/inboxes", include_in_schema=False)
async def add_inbox(
    request: Request,
    access: WebProjectOwner,
    session: Session,
    url: Annotated[str, Form()] = "",
    pattern: Annotated[str, Form()] = "*",
    data_source_id: Annotated[str, Form()] = "",
    counterpart_source_id: Annotated[str, Form()] = "",
    profile_id: Annotated[str, Form()] = "",
    poll_seconds: Annotated[str, Form()] = "300",
) -> Response:
    form = {
        "name": url.strip(),
        "url": url.strip(),
        "pattern": pattern.strip() or "*",
        "data_source_id": data_source_id,
        "counterpart_source_id": counterpart_source_id or None,
        "profile_id": profile_id.strip() or None,
        "poll_seconds": poll_seconds,
    }
    try:
        data = InboxCreate.model_validate(form)
        await InboxService(session).create_inbox(access, data)
    except ValidationError as error:
        errors = {str(e["loc"][0]): str(e["msg"]) for e in error.errors()}
        return await _page(request, access, session, errors=errors, form=form, status_code=422)
    except InvalidInbox as error:
        return await _page(
            request, access, session, errors={"url": error.detail}, form=form, status_code=422
        )
    return RedirectResponse(f"/projects/{access.project_id}/inboxes", status_code=303)


@router.post("/projects/{project_id}/inboxes/{inbox_id}", include_in_schema=False)
async def change_inbox(
    access: WebProjectOwner,
    session: Session,
    inbox_id: InboxId,
    action: Annotated[str, Form()] = "",
) -> Response:
    """Pause, resume or remove an inbox."""
    service = InboxService(session)
    if action == "delete":
        await service.delete_inbox(access, inbox_id)
    else:
        await service.update_inbox(access, inbox_id, InboxUpdate(enabled=action == "resume"))
    return RedirectResponse(f"/projects/{access.project_id}/inboxes", status_code=303)
