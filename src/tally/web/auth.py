"""Who is browsing: the session cookie, the CSRF check and the project access aliases of pages.

Pages use the same authorization functions as the API (``tally.projects.auth``), fed with the
principal of the browser session instead of a bearer token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from tally.kit.errors import Forbidden, TallyError
from tally.projects.auth import ProjectAccess, project_editor, project_owner, project_reader
from tally.users.auth import Principal, Session
from tally.web.service import WebSessionService

SESSION_COOKIE = "tally_session"
LOGIN_CSRF_COOKIE = "tally_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class LoginRequired(TallyError):
    """No live browser session: the page answers with a redirect to the login page."""

    status_code = 401


class CsrfRejected(Forbidden):
    """A state-changing request without the session's CSRF token."""


@dataclass(frozen=True, slots=True)
class WebUser:
    """The signed-in browser: its principal (as the API knows it) and its CSRF token."""

    principal: Principal
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.principal.is_admin


async def web_user(request: Request, session: Session) -> WebUser:
    """Resolve the session cookie to an active user, or LoginRequired. Runs before any page code."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired("Sign in to continue")
    found = await WebSessionService(session).resolve(token)
    if found is None:
        raise LoginRequired("Your session has ended; sign in again")
    web_session, user = found
    principal = Principal(user.id, user.email, user.role, token)
    current = WebUser(principal, web_session.csrf_token)
    request.state.principal = principal
    request.state.web_user = current
    return current


CurrentWebUser = Annotated[WebUser, Depends(web_user)]


async def sent_csrf_token(request: Request) -> str | None:
    """The token a request carries: the htmx/fetch header, or the hidden field of a plain form.

    Only url-encoded forms are parsed for it: a multipart body may be a large upload that must
    stream to disk, so uploads send the header.
    """
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(_FORM_TYPES[0]):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent


async def csrf_protect(request: Request, user: CurrentWebUser) -> None:
    """Every state-changing request must echo the session's CSRF token (403 otherwise)."""
    if request.method in SAFE_METHODS:
        return
    sent = await sent_csrf_token(request)
    if not sent or not secrets.compare_digest(sent, user.csrf_token):
        raise CsrfRejected("This form has expired or did not come from Tally; reload the page")


async def web_project_reader(
    project_id: Annotated[int, Path(ge=1)], user: CurrentWebUser, request: Request
) -> ProjectAccess:
    """Members and admins may read; everyone else gets 404, exactly as in the API."""
    return await project_reader(project_id, user.principal, request)


WebProjectReader = Annotated[ProjectAccess, Depends(web_project_reader)]


async def web_project_editor(access: WebProjectReader) -> ProjectAccess:
    return await project_editor(access)


WebProjectEditor = Annotated[ProjectAccess, Depends(web_project_editor)]


async def web_project_owner(access: WebProjectReader) -> ProjectAccess:
    return await project_owner(access)


WebProjectOwner = Annotated[ProjectAccess, Depends(web_project_owner)]


async def may_edit(access: ProjectAccess) -> bool:
    """Whether to offer editing controls: the API's editor rule, asked, not copied."""
    try:
        await project_editor(access)
    except Forbidden:
        return False
    return True


async def web_admin(user: CurrentWebUser) -> WebUser:
    if not user.is_admin:
        raise Forbidden("Administrator role required")
    return user


WebAdmin = Annotated[WebUser, Depends(web_admin)]
