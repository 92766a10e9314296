"""Inbox configuration: where a project's statements land and what each file became."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from tally.cache.http import ETAG_HEADER, IfMatch, representation_etag
from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectOwnerWrite
from tally.intake.schemas import InboxCreate, InboxFileRead, InboxRead, InboxUpdate
from tally.intake.service import InboxNotFound, InboxService, InvalidInbox
from tally.kit.errors import Forbidden, PreconditionFailed, error_responses
from tally.kit.pagination import CursorPage, CursorQuery, InvalidCursor
from tally.projects.auth import ProjectNotFound, ProjectOwner, ProjectReader
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/inboxes", tags=["statement intake"])


@router.get(
    "",
    operation_id="inboxes_list",
    response_model=CursorPage[InboxRead],
    responses=error_responses(ProjectNotFound, InvalidCursor),
)
async def get_inboxes(
    access: ProjectReader, session: Session, cursor: CursorQuery
) -> CursorPage[InboxRead]:
    """The project's inboxes (polled by the server, `tally worker` and `tally watch`), oldest
    first, by cursor."""
    inboxes, has_more = await InboxService(session).page_inboxes(access, cursor)
    return CursorPage[InboxRead](
        items=[InboxRead.model_validate(inbox) for inbox in inboxes], has_more=has_more
    )


@router.post(
    "",
    operation_id="inboxes_create",
    response_model=InboxRead,
    status_code=status.HTTP_201_CREATED,
    responses={**IDEMPOTENCY_ERRORS, **error_responses(ProjectNotFound, Forbidden, InvalidInbox)},
)
async def create_inbox(
    access: IdempotentProjectOwnerWrite, data: InboxCreate, session: Session
) -> InboxRead:
    """Watch a folder, an SFTP drop or an object store for a data source's new files.

    Owners only: an inbox reads from wherever its URL points, with the server's credentials."""
    inbox = await InboxService(session).create_inbox(access, data)
    await session.refresh(inbox)
    return InboxRead.model_validate(inbox)


@router.get(
    "/{inbox_id}",
    operation_id="inboxes_get",
    response_model=InboxRead,
    responses={
        200: {"description": "The inbox", "headers": ETAG_HEADER},
        **error_responses(ProjectNotFound, InboxNotFound),
    },
)
async def get_inbox(
    access: ProjectReader, inbox_id: int, session: Session, response: Response
) -> InboxRead:
    view = InboxRead.model_validate(await InboxService(session).get_inbox(access, inbox_id))
    response.headers["ETag"] = representation_etag(view)
    return view


@router.patch(
    "/{inbox_id}",
    operation_id="inboxes_update",
    response_model=InboxRead,
    responses={
        200: {"description": "The inbox as updated", "headers": ETAG_HEADER},
        **error_responses(
            ProjectNotFound, Forbidden, InboxNotFound, InvalidInbox, PreconditionFailed
        ),
    },
)
async def update_inbox(
    access: ProjectOwner,
    inbox_id: int,
    data: InboxUpdate,
    session: Session,
    response: Response,
    if_match: IfMatch = None,
) -> InboxRead:
    """Change an inbox's URL, pattern, counterpart, profile, schedule or pause it."""
    inbox = await InboxService(session).update_inbox(access, inbox_id, data, if_match=if_match)
    await session.refresh(inbox)
    view = InboxRead.model_validate(inbox)
    response.headers["ETag"] = representation_etag(view)
    return view


@router.delete(
    "/{inbox_id}",
    operation_id="inboxes_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(ProjectNotFound, Forbidden, InboxNotFound),
)
async def delete_inbox(access: ProjectOwner, inbox_id: int, session: Session) -> Response:
    await InboxService(session).delete_inbox(access, inbox_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{inbox_id}/files",
    operation_id="inbox_files_list",
    response_model=CursorPage[InboxFileRead],
    responses=error_responses(ProjectNotFound, InboxNotFound, InvalidCursor),
)
async def get_inbox_files(
    access: ProjectReader, inbox_id: int, session: Session, cursor: CursorQuery
) -> CursorPage[InboxFileRead]:
    """The files the inbox took, newest first: processed or failed, with the reason."""
    files, has_more = await InboxService(session).page_files(access, inbox_id, cursor)
    return CursorPage[InboxFileRead](
        items=[InboxFileRead.model_validate(f) for f in files], has_more=has_more
    )
