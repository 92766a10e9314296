"""Operations: cache and pool figures for administrators, Prometheus metrics for scrapers."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tally.admin.metrics import Metrics
from tally.cache import get_cache
from tally.kit.db import get_database
from tally.kit.errors import Forbidden, NotAuthenticated, error_responses
from tally.users.auth import AdminPrincipal, current_principal

# Behind the token check (mounted with the secured routers, at /admin), administrators only.
router = APIRouter(prefix="/admin", tags=["admin"], responses=error_responses(Forbidden))

# Outside the token-checked routers: scrapers present METRICS_TOKEN, people an admin's token.
metrics_router = APIRouter(tags=["admin"])
_metrics_bearer = HTTPBearer(
    auto_error=False, description="METRICS_TOKEN, or an administrator's token"
)


@router.get("/cache/stats", operation_id="admin_cache_stats")
async def get_cache_stats(_admin: AdminPrincipal, request: Request) -> dict[str, Any]:
    """Hits, misses and hit ratio per key family, evictions, errors, breaker state, memory."""
    return await get_cache(request).snapshot()


@router.get("/db/pool", operation_id="admin_db_pool")
async def get_db_pool(_admin: AdminPrincipal, request: Request) -> dict[str, Any]:
    """Pool size, checked out, overflow, waiters, timeouts, retries and usage %."""
    return get_database(request).pool_status()


@metrics_router.get(
    "/metrics",
    operation_id="metrics_get",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"},
        **error_responses(NotAuthenticated, Forbidden),
    },
)
async def get_metrics(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_metrics_bearer)],
) -> Response:
    """Prometheus exposition: HTTP, cache, connection-pool and SQL statement figures.

    Requires the bearer token METRICS_TOKEN (for scrapers) or an administrator's token."""
    expected: str | None = request.app.state.settings.metrics_token
    presented = credentials.credentials if credentials is not None else ""
    if not (expected and secrets.compare_digest(presented.encode(), expected.encode())):
        principal = await current_principal(request, credentials)
        if not principal.is_admin:
            raise Forbidden("METRICS_TOKEN or an administrator's token required")
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
