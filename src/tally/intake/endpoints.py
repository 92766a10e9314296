"""Inbox configuration: where a project's statements land and what each file became."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from tally.intake.schemas import InboxCreate, InboxFileRead, InboxRead, InboxUpdate
from tally.intake.service import InboxNotFound, InboxService, InvalidInbox
from tally.kit.errors import Forbidden, error_responses
from tally.projects.auth import ProjectNotFound, ProjectOwner, ProjectReader
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/inboxes", tags=["statement intake"])


@router.get(
    "",
    operation_id="inboxes_list",
    response_model=list[InboxRead],
    responses=error_responses(ProjectNotFound),
)
async def get_inboxes(access: ProjectReader, session: Session) -> list[InboxRead]:
    """The project's inboxes (polled by the server, `tally worker` and `tally watch`)."""
    inboxes = await InboxService(session).list_inboxes(access)
    return [InboxRead.model_validate(inbox) for inbox in inboxes]


@router.post(
    "",
    operation_id="inboxes_create",
    response_model=InboxRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(ProjectNotFound, Forbidden, InvalidInbox),
)
async def create_inbox(access: ProjectOwner, data: InboxCreate, session: Session) -> InboxRead:
    """Watch a folder, an SFTP drop or an object store for a data source's new files.

    Owners only: an inbox reads from wherever its URL points, with the server's credentials."""
    inbox = await InboxService(session).create_inbox(access, data)
    await session.refresh(inbox)
    return InboxRead.model_validate(inbox)


@router.get(
    "/{inbox_id}",
    operation_id="inboxes_get",
    response_model=InboxRead,
    responses=error_responses(ProjectNotFound, InboxNotFound),
)
async def get_inbox(access: ProjectReader, inbox_id: int, session: Session) -> InboxRead:
    return InboxRead.model_validate(await InboxService(session).get_inbox(access, inbox_id))


@router.patch(
    "/{inbox_id}",
    operation_id="inboxes_update",
    response_model=InboxRead,
    responses=error_responses(ProjectNotFound, Forbidden, InboxNotFound, InvalidInbox),
)
async def update_inbox(
    access: ProjectOwner, inbox_id: int, data: InboxUpdate, session: Session
) -> InboxRead:
    """Change an inbox's URL, pattern, counterpart, profile, schedule or pause it."""
    inbox = await InboxService(session).update_inbox(access, inbox_id, data)
    await session.refresh(inbox)
    return InboxRead.model_validate(inbox)


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
    response_model=list[InboxFileRead],
    responses=error_responses(ProjectNotFound, InboxNotFound),
)
async def get_inbox_files(
    access: ProjectReader, inbox_id: int, session: Session
) -> list[InboxFileRead]:
    """The files the inbox took, newest first: processed or failed, with the reason."""
    files = await InboxService(session).list_files(access, inbox_id)
    return [InboxFileRead.model_validate(f) for f in files]
