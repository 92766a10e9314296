"""Sign in and sign out. Sign-in is the only page reachable without a session."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.transport import is_https
from tally.models import User
from tally.users.auth import Session
from tally.users.login import sign_in as sign_in_user
from tally.users.service import InvalidCredentials
from tally.users.throttle import TooManyLogins
from tally.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, CsrfRejected, CurrentWebUser
from tally.web.routing import WebRoute
from tally.web.service import SESSION_TTL, WebSessionService
from tally.web.templating import render

public_router = APIRouter(route_class=WebRoute)
router = APIRouter(route_class=WebRoute)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never //host or a scheme (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/projects"
    return target


def secure_cookies(request: Request) -> bool:
    """Cookies only travel over HTTPS when the request came over HTTPS (a trusted proxy's
    X-Forwarded-Proto counts), and always in production."""
    return is_https(request) or request.app.state.settings.env == "production"


def _login_page(
    request: Request, *, next_url: str, email: str = "", error: str = "", status_code: int = 200
) -> Response:
    # Sign-in has no session yet, so its CSRF token is a double-submit cookie (login CSRF would
    # otherwise let another site sign a browser in to the attacker's account).
    token = secrets.token_urlsafe(32)
    notice = "You have been signed out." if request.query_params.get("signed_out") else ""
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "next": next_url, "email": email, "error": error, "notice": notice},
        status_code=status_code,
    )
    set_form_token(request, response, LOGIN_CSRF_COOKIE, token, path="/login")
    return response


def set_form_token(
    request: Request, response: Response, cookie: str, token: str, *, path: str
) -> None:
    """The double-submit cookie of a form shown before any session exists (sign-in, accepting
    an invitation): the form posts ``token`` back, and only this site can have set the cookie."""
    response.set_cookie(
        cookie,
        token,
        max_age=3600,
        path=path,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
    )


@public_router.get("/login", include_in_schema=False)
async def get_login_page(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_url=safe_next(next))


@public_router.post("/login", include_in_schema=False)
async def sign_in(
    request: Request,
    session: Session,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/projects",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise CsrfRejected("The sign-in form expired; reload the page and sign in again")
    try:
        user = await sign_in_user(request, session, email, password)
    except InvalidCredentials:
        return _login_page(
            request,
            next_url=safe_next(next),
            email=email,
            error="That email and password do not match an active account.",
            status_code=401,
        )
    except TooManyLogins as paused:
        page = _login_page(
            request, next_url=safe_next(next), email=email, error=paused.detail, status_code=429
        )
        page.headers.update(paused.headers)
        return page
    response = RedirectResponse(safe_next(next), status_code=303)
    await open_web_session(request, session, user, response)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


async def open_web_session(
    request: Request, session: AsyncSession, user: User, response: Response
) -> None:
    """Sign ``user`` in to the browser that ``response`` answers."""
    signed_in = await WebSessionService(session).open_session(user)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )


@router.post("/logout", include_in_schema=False)
async def sign_out(request: Request, user: CurrentWebUser, session: Session) -> Response:
    await WebSessionService(session).sign_out(user.principal.token)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response


@router.get("/", include_in_schema=False)
async def get_home() -> Response:
    return RedirectResponse("/projects", status_code=303)
