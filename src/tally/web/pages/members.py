"""A project's members and invitations; the public page where an invitation link is accepted.

Adding an address answers with the same page whether or not it has an account: a pending
invitation and its link, shown this once (tally.invitations.service says why).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.invitations.acceptance import accept_invitation
from tally.invitations.endpoints import accept_url
from tally.invitations.service import InvalidInvitation, InvitationService
from tally.models import ProjectRole
from tally.projects.auth import ProjectAccess
from tally.projects.schemas import MemberAdd, MemberRead
from tally.projects.service import OwnerIsPermanent, ProjectService
from tally.users.auth import Session
from tally.users.service import EmailTaken, InvalidCredentials
from tally.users.throttle import TooManyLogins
from tally.web.auth import CsrfRejected, WebProjectOwner, WebProjectReader
from tally.web.pages.auth import open_web_session, set_form_token
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
public_router = APIRouter(route_class=WebRoute)
INVITATION_CSRF_COOKIE = "tally_invitation_csrf"
ROLES = [ProjectRole.VIEWER.value, ProjectRole.EDITOR.value]


async def _page(
    request: Request,
    access: ProjectAccess,
    session: AsyncSession,
    *,
    created: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    can_own = access.role in ("owner", "admin")
    return render(
        request,
        "projects/members.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "members": await ProjectService(session).list_members(access),
            "invitations": (
                await InvitationService(session).list_invitations(access) if can_own else []
            ),
            "can_own": can_own,
            "roles": ROLES,
            "created": created,
            "errors": errors or {},
            "form": form or {"email": "", "role": ProjectRole.VIEWER.value},
        },
        status_code=status_code,
    )


@router.get("/projects/{project_id}/members", include_in_schema=False)
async def get_members_page(
    request: Request, access: WebProjectReader, session: Session
) -> Response:
    return await _page(request, access, session)


@router.post("/projects/{project_id}/members", include_in_schema=False)
async def invite_member(
    request: Request,
    access: WebProjectOwner,
    session: Session,
    email: Annotated[str, Form(max_length=320)] = "",
    role: Annotated[str, Form(max_length=16)] = ProjectRole.VIEWER.value,
) -> Response:
    form = {"email": email, "role": role}
    try:
        data = MemberAdd.model_validate({"email": email, "role": role})
        ttl = timedelta(days=request.app.state.settings.invitation_ttl_days)
        outcome = await InvitationService(session).invite(access, data, ttl=ttl)
    except ValidationError as error:
        errors = {str(e["loc"][0]): _message(e) for e in error.errors()}
        return await _page(request, access, session, errors=errors, form=form, status_code=422)
    except OwnerIsPermanent as error:
        return await _page(
            request, access, session, errors={"email": error.detail}, form=form, status_code=409
        )
    if isinstance(outcome, MemberRead):  # already a member: the role changed
        return RedirectResponse(f"/projects/{access.project_id}/members", status_code=303)
    invitation, token = outcome
    created = {
        "email": invitation.email,
        "role": invitation.role,
        "url": accept_url(request, token),
    }
    return await _page(request, access, session, created=created)


def _message(error: Any) -> str:
    if error["loc"][0] == "email":
        return "Enter an email address, such as name@example.com."
    return "Choose viewer or editor."


@router.post("/projects/{project_id}/invitations/{invitation_id}/revoke", include_in_schema=False)
async def revoke_invitation(
    access: WebProjectOwner, session: Session, invitation_id: Annotated[int, Path(ge=1)]
) -> Response:
    await InvitationService(session).revoke(access, invitation_id)
    return RedirectResponse(f"/projects/{access.project_id}/members", status_code=303)


def _accept_page(
    request: Request, token: str, *, invitation: Any, error: str = "", status_code: int = 200
) -> Response:
    # No session yet: the form's CSRF token is a double-submit cookie, as on the sign-in page.
    csrf = secrets.token_urlsafe(32)
    response = render(
        request,
        "invitation.html",
        {"invitation": invitation, "token": token, "error": error, "invitation_csrf": csrf},
        status_code=status_code,
    )
    set_form_token(request, response, INVITATION_CSRF_COOKIE, csrf, path="/invitations")
    return response


@public_router.get("/invitations/{token}", include_in_schema=False)
async def get_invitation_page(request: Request, session: Session, token: str) -> Response:
    """One page for every invitee, with or without an account (the page does not say which)."""
    try:
        view = await _invitation_view(session, token)
    except InvalidInvitation as error:
        return _accept_page(request, token, invitation=None, error=error.detail, status_code=404)
    return _accept_page(request, token, invitation=view)


async def _invitation_view(session: AsyncSession, token: str) -> dict[str, Any]:
    """What the page shows of a pending invitation: the address, the role, the project."""
    invitations = InvitationService(session)
    invitation = await invitations.pending(token)
    project = await invitations.project_name(invitation)
    return {"email": invitation.email, "role": invitation.role, "project": project}


@public_router.post("/invitations/{token}", include_in_schema=False)
async def accept_invitation_page(
    request: Request,
    session: Session,
    token: str,
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = request.cookies.get(INVITATION_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise CsrfRejected("The invitation form expired; reload the page")
    try:
        view = await _invitation_view(session, token)
    except InvalidInvitation as error:
        return _accept_page(request, token, invitation=None, error=error.detail, status_code=404)
    if len(password) < 8:
        return _accept_page(
            request, token, invitation=view, error="Use at least 8 characters.", status_code=422
        )
    try:
        accepted = await accept_invitation(request, session, token, password)
    except (InvalidCredentials, EmailTaken):
        return _accept_page(
            request,
            token,
            invitation=view,
            error="That is not the password of this address's account.",
            status_code=401,
        )
    except TooManyLogins as paused:
        page = _accept_page(request, token, invitation=view, error=paused.detail, status_code=429)
        page.headers.update(paused.headers)
        return page
    response = RedirectResponse(f"/projects/{accepted.project_id}", status_code=303)
    await open_web_session(request, session, accepted.user, response)
    response.delete_cookie(INVITATION_CSRF_COOKIE, path="/invitations")
    return response
