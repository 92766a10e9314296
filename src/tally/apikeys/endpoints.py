from __future__ import annotations

from fastapi import APIRouter, status

from tally.apikeys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, ApiKeyRotate
from tally.apikeys.service import (
    ApiKeyNotFound,
    ApiKeyRevoked,
    ApiKeyService,
    KeysNeedALogin,
)
from tally.kit.errors import error_responses
from tally.kit.pagination import CursorPage, CursorQuery, InvalidCursor
from tally.projects.auth import ProjectNotFound
from tally.users.auth import CurrentPrincipal, Session

router = APIRouter(prefix="/api-keys", tags=["api keys"])


@router.post(
    "",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(KeysNeedALogin, ProjectNotFound),
    operation_id="api_keys_create",
)
async def create_api_key(
    principal: CurrentPrincipal, data: ApiKeyCreate, session: Session
) -> ApiKeyCreated:
    """Make a key for a program: named, with a role capped at yours, for one project or all of
    yours, expiring. The secret is in this answer only; Tally keeps its hash."""
    key, secret = await ApiKeyService(session).create(principal, data)
    return ApiKeyCreated(key=ApiKeyRead.model_validate(key), secret=secret)


@router.get(
    "",
    response_model=CursorPage[ApiKeyRead],
    responses=error_responses(KeysNeedALogin, InvalidCursor),
    operation_id="api_keys_list",
)
async def list_api_keys(
    principal: CurrentPrincipal, session: Session, cursor: CursorQuery
) -> CursorPage[ApiKeyRead]:
    """Your keys, newest first, with when each was last used (to the minute), by cursor."""
    keys, has_more = await ApiKeyService(session).page_keys(principal, cursor)
    return CursorPage[ApiKeyRead](
        items=[ApiKeyRead.model_validate(key) for key in keys], has_more=has_more
    )


@router.post(
    "/{key_id}/rotate",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(KeysNeedALogin, ApiKeyNotFound, ApiKeyRevoked),
    operation_id="api_keys_rotate",
)
async def rotate_api_key(
    principal: CurrentPrincipal, key_id: int, session: Session, data: ApiKeyRotate | None = None
) -> ApiKeyCreated:
    """A new secret for the key (same name, role, project and lifetime); the old one keeps
    working for ``overlap_hours`` (default 24), then stops."""
    key, secret = await ApiKeyService(session).rotate(principal, key_id, data or ApiKeyRotate())
    return ApiKeyCreated(key=ApiKeyRead.model_validate(key), secret=secret)


@router.delete(
    "/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(KeysNeedALogin, ApiKeyNotFound),
    operation_id="api_keys_revoke",
)
async def revoke_api_key(principal: CurrentPrincipal, key_id: int, session: Session) -> None:
    """Stop the key at once (every server forgets it: its cached identity is invalidated)."""
    await ApiKeyService(session).revoke(principal, key_id)
