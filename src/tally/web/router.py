"""The web app's composition: every page needs a session and a CSRF token unless listed public."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from tally.kit.errors import http_error_response
from tally.web.auth import csrf_protect, web_user
from tally.web.pages import (
    admin,
    api_keys,
    auth,
    events,
    exceptions,
    inboxes,
    jobs,
    members,
    projects,
    reasons,
    results,
    rule_sets,
    rules_reference,
    sources,
    webhooks,
)
from tally.web.routing import (
    WebRoute,
    error_page,
    install_page_error_handlers,
    with_security_headers,
)
from tally.web.templating import STATIC_DIR

# Public pages: sign-in and accepting an invitation by its link (static files are mounted beside
# the routers). Everything else sits behind the session check and the CSRF check, so a new page is
# protected unless someone decides otherwise on purpose.
PUBLIC_ROUTERS = (auth.public_router, members.public_router)
SECURED_ROUTERS = (
    auth.router,
    projects.router,
    sources.router,
    jobs.router,
    rule_sets.router,
    results.router,
    events.router,
    admin.router,
    rules_reference.router,
    api_keys.router,
    inboxes.router,
    members.router,
    exceptions.router,
    webhooks.router,
    reasons.router,
)
API_PATHS = ("/api/", "/healthz", "/readyz", "/docs", "/redoc", "/openapi.json")


def install_web(app: FastAPI) -> None:
    """Mount the pages under / and the static assets under /static."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in PUBLIC_ROUTERS:
        app.include_router(router)
    secured = APIRouter(
        route_class=WebRoute,
        dependencies=[Depends(web_user), Depends(csrf_protect)],
        include_in_schema=False,
    )
    for router in SECURED_ROUTERS:
        secured.include_router(router)
    app.include_router(secured)

    async def not_found_page(request: Request, error: Exception) -> Response:
        # Unknown paths outside the API get the designed page; the API keeps its JSON errors.
        assert isinstance(error, StarletteHTTPException)
        if request.url.path.startswith(API_PATHS) or error.status_code != 404:
            return await http_error_response(request, error)
        return with_security_headers(error_page(request, 404, "There is no page at this address."))

    app.add_exception_handler(StarletteHTTPException, not_found_page)
    install_page_error_handlers(app)
