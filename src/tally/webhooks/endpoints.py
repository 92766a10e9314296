"""A project's webhooks: register, list, remove, rotate the secret, send a test, read the log."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from tally.config import Settings
from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectOwnerWrite
from tally.kit.accepted import accepted_response, mark_accepted
from tally.kit.errors import Forbidden, error_responses
from tally.kit.pagination import CursorPage, CursorQuery, InvalidCursor
from tally.kit.tasks import TaskQueueDep
from tally.projects.auth import ProjectNotFound, ProjectOwner, ProjectReader
from tally.users.auth import Session
from tally.webhooks.addresses import UnsafeWebhookUrl
from tally.webhooks.schemas import (
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)
from tally.webhooks.service import WebhookNotFound, WebhookService

router = APIRouter(prefix="/projects/{project_id}/webhooks", tags=["webhooks"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get(
    "",
    response_model=CursorPage[WebhookRead],
    responses=error_responses(ProjectNotFound, InvalidCursor),
    operation_id="webhooks_list",
)
async def list_webhooks(
    access: ProjectReader, session: Session, cursor: CursorQuery
) -> CursorPage[WebhookRead]:
    """The project's webhooks, oldest first, by cursor (their secrets are never shown again)."""
    hooks, has_more = await WebhookService(session).page_hooks(access, cursor)
    return CursorPage[WebhookRead](
        items=[WebhookRead.of(hook) for hook in hooks], has_more=has_more
    )


@router.post(
    "",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(ProjectNotFound, Forbidden, UnsafeWebhookUrl),
    },
    operation_id="webhooks_create",
)
async def create_webhook(
    access: IdempotentProjectOwnerWrite, data: WebhookCreate, session: Session, request: Request
) -> WebhookCreated:
    """Send the chosen events to an https URL on a public address, each delivery signed with
    the secret in this answer (its only appearance): header ``Tally-Signature: t=<unix
    time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``. Failed deliveries are retried with doubling
    delays. Owners only."""
    hook, secret = await WebhookService(session).create_hook(access, data, _settings(request))
    return WebhookCreated(webhook=WebhookRead.of(hook), secret=secret)


@router.get(
    "/{webhook_id}",
    response_model=WebhookRead,
    responses=error_responses(ProjectNotFound, WebhookNotFound),
    operation_id="webhooks_get",
)
async def get_webhook(access: ProjectReader, webhook_id: int, session: Session) -> WebhookRead:
    return WebhookRead.of(await WebhookService(session).get_hook(access, webhook_id))


@router.patch(
    "/{webhook_id}",
    response_model=WebhookRead,
    responses=error_responses(ProjectNotFound, Forbidden, WebhookNotFound),
    operation_id="webhooks_update",
)
async def update_webhook(
    access: ProjectOwner, webhook_id: int, data: WebhookUpdate, session: Session
) -> WebhookRead:
    """Change the events, the description or the exceptions threshold. Owners only."""
    return WebhookRead.of(await WebhookService(session).update_hook(access, webhook_id, data))


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(ProjectNotFound, Forbidden, WebhookNotFound),
    operation_id="webhooks_delete",
)
async def delete_webhook(access: ProjectOwner, webhook_id: int, session: Session) -> Response:
    """Remove the hook with its pending deliveries and its log."""
    await WebhookService(session).delete_hook(access, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookCreated,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(ProjectNotFound, Forbidden, WebhookNotFound),
    },
    operation_id="webhooks_rotate_secret",
)
async def rotate_webhook_secret(
    access: IdempotentProjectOwnerWrite, webhook_id: int, session: Session
) -> WebhookCreated:
    """A new secret, shown this once; every attempt from now on is signed with it."""
    hook, secret = await WebhookService(session).rotate_secret(access, webhook_id)
    return WebhookCreated(webhook=WebhookRead.of(hook), secret=secret)


@router.post(
    "/{webhook_id}/test",
    response_model=DeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **IDEMPOTENCY_ERRORS,
        **accepted_response("Queued: follow the delivery in the hook's log (Location)"),
        **error_responses(ProjectNotFound, Forbidden, WebhookNotFound),
    },
    operation_id="webhooks_send_test",
)
async def send_test_webhook(
    access: IdempotentProjectOwnerWrite,
    webhook_id: int,
    session: Session,
    queue: TaskQueueDep,
    request: Request,
    response: Response,
) -> DeliveryRead:
    """Queue a ``webhook.test`` delivery; follow it in the delivery log."""
    delivery = await WebhookService(session).send_test(access, webhook_id, queue)
    mark_accepted(
        request,
        response,
        "list_webhook_deliveries",
        project_id=access.project_id,
        webhook_id=webhook_id,
    )
    return DeliveryRead.model_validate(delivery)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=CursorPage[DeliveryRead],
    responses=error_responses(ProjectNotFound, WebhookNotFound, InvalidCursor),
    operation_id="webhooks_list_deliveries",
)
async def list_webhook_deliveries(
    access: ProjectReader, webhook_id: int, session: Session, cursor: CursorQuery
) -> CursorPage[DeliveryRead]:
    """The hook's deliveries, newest first, by cursor, each with every attempt: status code,
    latency and error. Finished deliveries leave the log after the retention period."""
    deliveries, has_more = await WebhookService(session).page_deliveries(access, webhook_id, cursor)
    return CursorPage[DeliveryRead](
        items=[DeliveryRead.model_validate(delivery) for delivery in deliveries],
        has_more=has_more,
    )
