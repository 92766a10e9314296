"""Operations: cache and pool figures for administrators, Prometheus metrics for scrapers."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tally.admin.metrics import Metrics
from tally.cache import get_cache
from tally.kit.db import get_database
from tally.kit.errors import Forbidden, NotAuthenticated, error_responses
from tally.users.auth import AdminPrincipal

# Behind the token check (mounted with the secured routers, at /admin), administrators only.
router = APIRouter(prefix="/admin", tags=["admin"], responses=error_responses(Forbidden))

# Public (see tally.app for why); METRICS_TOKEN, when set, is required as a bearer token.
metrics_router = APIRouter(tags=["admin"])


@router.get("/cache/stats")
async def get_cache_stats(_admin: AdminPrincipal, request: Request) -> dict[str, Any]:
    """Hits, misses and hit ratio per key family, evictions, errors, breaker state, memory."""
    return await get_cache(request).snapshot()


@router.get("/db/pool")
async def get_db_pool(_admin: AdminPrincipal, request: Request) -> dict[str, Any]:
    """Pool size, checked out, overflow, waiters, timeouts, retries and usage %."""
    return get_database(request).pool_status()


@metrics_router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"},
        **error_responses(NotAuthenticated),
    },
)
async def get_metrics(request: Request) -> Response:
    """Prometheus exposition: HTTP, cache, connection-pool and SQL statement figures."""
    expected: str | None = request.app.state.settings.metrics_token
    if expected is not None:
        header = request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            presented.encode(), expected.encode()
        ):
            raise NotAuthenticated("METRICS_TOKEN required")
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
