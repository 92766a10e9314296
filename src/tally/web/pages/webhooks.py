"""A project's webhooks (settings): owners add, test, rotate and remove; members read the log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.pagination import Cursor
from tally.kit.tasks import TaskQueueDep
from tally.projects.auth import ProjectAccess
from tally.projects.service import ProjectService
from tally.users.auth import Session
from tally.web.auth import WebProjectOwner, WebProjectReader
from tally.web.routing import WebRoute
from tally.web.templating import render
from tally.webhooks.addresses import UnsafeWebhookUrl
from tally.webhooks.events import EVENTS
from tally.webhooks.schemas import WebhookCreate, WebhookUpdate
from tally.webhooks.service import WebhookService

router = APIRouter(route_class=WebRoute)
WebhookId = Annotated[int, Path(ge=1)]
LOG_ROWS = 10

EVENT_LABELS = {
    "job.completed": "A job completed",
    "job.failed": "A job failed",
    "period.signed_off": "A period was signed off",
    "exceptions.threshold_exceeded": "A job left many new exceptions",
}


async def _page(
    request: Request,
    access: ProjectAccess,
    session: AsyncSession,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    secret: tuple[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    service = WebhookService(session)
    hooks = await service.list_hooks(access)
    log = {
        hook.id: (await service.page_deliveries(access, hook.id, Cursor(limit=LOG_ROWS)))[0]
        for hook in hooks
    }
    return render(
        request,
        "webhooks/list.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "hooks": hooks,
            "log": log,
            "events": EVENTS,
            "event_labels": EVENT_LABELS,
            "can_own": access.role in ("owner", "admin"),
            "errors": errors or {},
            "form": form or {"events": ["job.completed", "job.failed"], "threshold": 1},
            "secret": secret,
        },
        status_code=status_code,
    )


@router.get("/projects/{project_id}/webhooks", include_in_schema=False)
async def get_webhooks_page(
    request: Request, access: WebProjectReader, session: Session
) -> Response:
    return await _page(request, access, session)


@router.post("/projects/{project_id}/webhooks", include_in_schema=False)
async def add_webhook(
    request: Request,
    access: WebProjectOwner,
    session: Session,
    url: Annotated[str, Form()] = "",
    events: Annotated[list[str] | None, Form()] = None,
    description: Annotated[str, Form()] = "",
    exceptions_threshold: Annotated[str, Form()] = "1",
) -> Response:
    form = {
        "url": url.strip(),
        "events": events or [],
        "description": description.strip(),
        "exceptions_threshold": exceptions_threshold.strip() or "1",
    }
    settings: Settings = request.app.state.settings
    try:
        data = WebhookCreate.model_validate(form)
        hook, secret = await WebhookService(session).create_hook(access, data, settings)
    except ValidationError as error:
        found = {str(e["loc"][0]): str(e["msg"]) for e in error.errors()}
        return await _page(request, access, session, errors=found, form=form, status_code=422)
    except UnsafeWebhookUrl as error:
        return await _page(
            request, access, session, errors={"url": error.detail}, form=form, status_code=422
        )
    return await _page(request, access, session, secret=(hook.id, secret), status_code=201)


@router.post("/projects/{project_id}/webhooks/{webhook_id}", include_in_schema=False)
async def change_webhook(
    request: Request,
    access: WebProjectOwner,
    session: Session,
    queue: TaskQueueDep,
    webhook_id: WebhookId,
    action: Annotated[str, Form()] = "",
    exceptions_threshold: Annotated[str, Form()] = "",
) -> Response:
    """Send a test, rotate the secret (shown once, here), change the exceptions threshold or
    remove the hook."""
    service = WebhookService(session)
    if action == "threshold":
        try:
            change = WebhookUpdate.model_validate(
                {"exceptions_threshold": exceptions_threshold.strip() or None}
            )
        except ValidationError as error:
            message = str(error.errors()[0]["msg"])
            return await _page(
                request,
                access,
                session,
                errors={f"threshold-{webhook_id}": message},
                status_code=422,
            )
        await service.update_hook(access, webhook_id, change)
    if action == "rotate":
        hook, secret = await service.rotate_secret(access, webhook_id)
        return await _page(request, access, session, secret=(hook.id, secret))
    if action == "delete":
        await service.delete_hook(access, webhook_id)
    else:
        await service.send_test(access, webhook_id, queue)
    return RedirectResponse(f"/projects/{access.project_id}/webhooks", status_code=303)
