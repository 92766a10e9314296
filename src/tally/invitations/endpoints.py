"""Members are added by invitation; the invited take it up through a public link."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectOwnerWrite
from tally.invitations.acceptance import accept_invitation
from tally.invitations.schemas import (
    InvitationAccept,
    InvitationAccepted,
    InvitationCreated,
    InvitationRead,
)
from tally.invitations.service import (
    InvalidInvitation,
    InvitationNotFound,
    InvitationNotPending,
    InvitationService,
    invitation_read,
)
from tally.kit.errors import Forbidden, error_responses
from tally.kit.pagination import CursorPage, CursorQuery, InvalidCursor
from tally.projects.auth import ProjectNotFound, ProjectOwner
from tally.projects.schemas import MemberAdd, MemberRead
from tally.projects.service import OwnerIsPermanent
from tally.users.auth import Session
from tally.users.schemas import UserRead
from tally.users.service import InvalidCredentials
from tally.users.throttle import TooManyLogins

router = APIRouter(prefix="/projects", tags=["projects"])
# Public: whoever holds a valid link may accept it, with or without an account yet.
public_router = APIRouter(prefix="/invitations", tags=["invitations"])


def accept_url(request: Request, token: str) -> str:
    """The web page where the invitee accepts (behind a proxy, run uvicorn with
    --proxy-headers so the address is the public one)."""
    return f"{str(request.base_url).rstrip('/')}/invitations/{token}"


@router.post(
    "/{project_id}/members",
    operation_id="members_add",
    status_code=status.HTTP_201_CREATED,
    responses={
        **IDEMPOTENCY_ERRORS,
        201: {
            "model": InvitationCreated,
            "description": "Invited: the same answer whether or not the address has an account",
        },
        200: {"model": MemberRead, "description": "Already a member: the role is changed"},
        **error_responses(ProjectNotFound, Forbidden, OwnerIsPermanent),
    },
)
async def add_member(
    access: IdempotentProjectOwnerWrite,
    data: MemberAdd,
    session: Session,
    request: Request,
    response: Response,
) -> InvitationCreated | MemberRead:
    """Invite an address to the project. Whether or not it has an account, the answer is a
    pending invitation with a link (shown this once) that the invitee opens to join; a current
    member's role is changed at once instead (200)."""
    ttl = timedelta(days=request.app.state.settings.invitation_ttl_days)
    outcome = await InvitationService(session).invite(access, data, ttl=ttl)
    if isinstance(outcome, MemberRead):
        response.status_code = status.HTTP_200_OK
        return outcome
    invitation, token = outcome
    return InvitationCreated(
        **invitation_read(invitation).model_dump(),
        token=token,
        accept_url=accept_url(request, token),
    )


@router.get(
    "/{project_id}/invitations",
    operation_id="invitations_list",
    response_model=CursorPage[InvitationRead],
    responses=error_responses(ProjectNotFound, Forbidden, InvalidCursor),
)
async def list_invitations(
    access: ProjectOwner, session: Session, cursor: CursorQuery
) -> CursorPage[InvitationRead]:
    """The project's invitations, newest first, by cursor (starting_after: older ones), with
    their status; tokens are never shown."""
    invitations, has_more = await InvitationService(session).page_invitations(access, cursor)
    return CursorPage[InvitationRead](items=invitations, has_more=has_more)


@router.delete(
    "/{project_id}/invitations/{invitation_id}",
    operation_id="invitations_revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(ProjectNotFound, Forbidden, InvitationNotFound, InvitationNotPending),
)
async def revoke_invitation(
    access: ProjectOwner, session: Session, invitation_id: Annotated[int, Path(ge=1)]
) -> None:
    await InvitationService(session).revoke(access, invitation_id)


@public_router.post(
    "/accept",
    operation_id="invitations_accept",
    response_model=InvitationAccepted,
    responses=error_responses(InvalidInvitation, InvalidCredentials, TooManyLogins),
)
async def accept(data: InvitationAccept, session: Session, request: Request) -> InvitationAccepted:
    """Join the project an invitation names: with the password of the invited address's
    account, or, if it has none, the password for the account this creates."""
    accepted = await accept_invitation(request, session, data.token, data.password)
    return InvitationAccepted(
        project_id=accepted.project_id,
        role=accepted.role,
        user=UserRead.model_validate(accepted.user),
    )
