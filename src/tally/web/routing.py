"""The route class of every page: HTML error pages (never a stack trace) and security headers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import Request
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


class WebRoute(APIRoute):
    """Renders every failure of a page as HTML: expected errors with their message, validation
    errors as 422, an unreachable database as 503 with Retry-After, anything else as a plain 500
    (logged with its traceback, never shown)."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginRequired:
                response = login_redirect(request)
            except TallyError as error:
                response = error_page(
                    request, error.status_code, error.detail, headers=error.headers
                )
            except RequestValidationError as error:
                fields = ", ".join(str(e["loc"][-1]) for e in error.errors() if e.get("loc"))
                response = error_page(request, 422, f"These values are not valid: {fields}.")
            except _DATABASE_UNAVAILABLE:
                log.warning("web.database_unavailable", path=request.url.path)
                response = error_page(
                    request,
                    503,
                    "The database is not answering right now. Try again in a moment.",
                    headers={"Retry-After": "1"},
                )
            except Exception:
                log.exception("web.unhandled_error", path=request.url.path)
                response = error_page(
                    request, 500, "Tally could not finish this request. It has been logged."
                )
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            # Private pages must not come back from the browser cache after sign-out.
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return route
