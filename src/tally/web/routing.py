"""The route class of every page: HTML error pages (never a stack trace) and security headers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import exc as sa_exc

from tally.kit.errors import TallyError
from tally.web.auth import LoginRequired
from tally.web.templating import render

log = structlog.get_logger("tally.web")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

# Scripts and styles only from Tally itself; Alpine evaluates its expressions with Function(), which
# needs 'unsafe-eval', but no inline script can run and nothing loads from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
_DATABASE_UNAVAILABLE = (sa_exc.TimeoutError, sa_exc.OperationalError, sa_exc.InterfaceError)

TITLES = {
    400: "That request did not work",
    403: "Not allowed",
    404: "Not found",
    409: "That cannot be done now",
    413: "File too large",
    422: "Please check your input",
    500: "Something went wrong",
    501: "Not available yet",
    503: "Tally is busy",
}


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_page(
    request: Request, status_code: int, detail: str, *, headers: dict[str, str] | None = None
) -> Response:
    """The designed error page (or, for htmx, a fragment the page shows in its alert region)."""
    context = {
        "status_code": status_code,
        "title": TITLES.get(status_code, "That did not work"),
        "detail": detail,
    }
    name = "_error_fragment.html" if is_htmx(request) else "error.html"
    return render(request, name, context, status_code=status_code, headers=headers)


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/login?next={quote(target, safe='')}" if request.method == "GET" else "/login"
    if is_htmx(request):  # htmx follows this header with a full page load
        return Response(status_code=200, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def is_page(request: Request) -> bool:
    """Whether the request was routed to a page of the web app (not the API)."""
    return isinstance(request.scope.get("route"), WebRoute)


def with_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # Private pages must not come back from the browser cache after sign-out.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


class WebRoute(APIRoute):
    """The route class of pages: security headers on every response. Failures are rendered by
    the handlers of ``install_page_error_handlers``, which run after the request's transaction
    was rolled back."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return with_security_headers(await handler(request))

        return route


def install_page_error_handlers(app: FastAPI) -> None:
    """Render failures of pages as HTML: expected errors with their message, validation errors as
    422, an unreachable database as 503 with Retry-After, anything else as a plain 500 (logged with
    its traceback, never shown). Other routes keep the handlers installed before (JSON errors)."""
    previous: dict[Any, ExceptionHandler] = dict(app.exception_handlers)

    def delegate(kind: type[Exception]) -> ExceptionHandler | None:
        return previous.get(kind)

    async def on_tally_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, TallyError)
        if not is_page(request):
            return await _call(delegate(TallyError), request, error)
        if isinstance(error, LoginRequired):
            return with_security_headers(login_redirect(request))
        return with_security_headers(
            error_page(request, error.status_code, error.detail, headers=error.headers)
        )

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        if not is_page(request):
            return await _call(delegate(RequestValidationError), request, error)
        fields = ", ".join(str(e["loc"][-1]) for e in error.errors() if e.get("loc"))
        return with_security_headers(
            error_page(request, 422, f"These values are not valid: {fields}.")
        )

    async def on_database_unavailable(request: Request, error: Exception) -> Response:
        if not is_page(request):
            return await _call(delegate(type(error)), request, error)
        log.warning("web.database_unavailable", path=request.url.path)
        return with_security_headers(
            error_page(
                request,
                503,
                "The database is not answering right now. Try again in a moment.",
                headers={"Retry-After": "1"},
            )
        )

    async def on_unexpected_error(request: Request, error: Exception) -> Response:
        if not is_page(request):
            return await _call(delegate(Exception), request, error)
        log.error("web.unhandled_error", path=request.url.path, error=type(error).__name__)
        return with_security_headers(
            error_page(request, 500, "Tally could not finish this request. It has been logged.")
        )

    app.add_exception_handler(TallyError, on_tally_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    for kind in _DATABASE_UNAVAILABLE:
        app.add_exception_handler(kind, on_database_unavailable)
    app.add_exception_handler(Exception, on_unexpected_error)


ExceptionHandler = Callable[[Request, Exception], Coroutine[Any, Any, Response]]


async def _call(handler: ExceptionHandler | None, request: Request, error: Exception) -> Response:
    if handler is None:  # nothing was installed before: the framework's default answer
        raise error
    return await handler(request, error)
