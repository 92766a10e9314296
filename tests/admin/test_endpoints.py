"""/admin/cache/stats and /admin/db/pool (administrators only), /metrics, and the cache's logs."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import capture_logs

from tally.models import UserRole
from tests.cache.conftest import AppFactory
from tests.helpers.processes import free_port
from tests.helpers.projects import create_project
from tests.helpers.users import create_user


async def test_cache_stats_report_hits_misses_and_ratio_per_family(
    make_app: AppFactory, cache_mode: str, session: AsyncSession
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    member = await create_user(session)
    project = await create_project(session, owner=admin)
    async with make_app(cache_mode) as (_, client):
        for _ in range(4):
            assert (
                await client.get(f"/api/v1/projects/{project.id}", headers=admin.headers)
            ).status_code == 200
        assert (await client.get("/admin/cache/stats", headers=member.headers)).status_code == 403
        stats = (await client.get("/admin/cache/stats", headers=admin.headers)).json()

    assert stats["enabled"] is True
    assert (
        stats["mode"]
        == {"local": "local", "redis": "redis+local", "redis-only": "redis"}[cache_mode]
    )
    family = stats["families"]["project"]
    assert (family["hits"], family["misses"], family["loads"], family["hit_ratio"]) == (
        3,
        1,
        1,
        0.75,
    )
    assert stats["families"]["principal"]["hits"] >= 3
    local = stats["local"]
    if cache_mode == "redis-only":
        assert local is None
    else:
        assert local["entries"] >= 3 and local["bytes"] > 0 and local["evictions"] == 0
    if cache_mode != "local":
        assert stats["redis"]["breaker"]["state"] == "closed"
        assert stats["redis"]["memory"]["used_memory"] > 0
    if cache_mode == "redis":
        assert stats["redis"]["subscription"]["fresh"] is True


async def test_pool_status_is_admin_only(client: AsyncClient, session: AsyncSession) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    member = await create_user(session)
    assert (await client.get("/admin/db/pool", headers=member.headers)).status_code == 403
    assert (await client.get("/admin/db/pool")).status_code == 401
    pool = (await client.get("/admin/db/pool", headers=admin.headers)).json()
    for field in ("size", "checked_out", "overflow", "waiters", "timeouts", "retries", "usage_pct"):
        assert field in pool


async def test_metrics_expose_cache_pool_http_and_statement_figures(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=owner)
    for _ in range(3):
        await client.get(f"/api/v1/projects/{project.id}", headers=owner.headers)
    response = await client.get("/metrics", headers=admin.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for line in (
        'tally_cache_hits_total{family="project",tier="local"} 2.0',
        'tally_cache_misses_total{family="project"} 1.0',
        'tally_cache_load_seconds_bucket{family="project",le="+Inf"} 1.0',
        'tally_http_requests_total{method="GET",route="/api/v1/projects/{project_id}",status="200"} 3.0',
        'tally_http_request_duration_seconds_count{method="GET",route="/api/v1/projects/{project_id}"} 3.0',
        "tally_db_pool_checked_out ",
        'tally_db_statements_total{kind="read"} ',
        "tally_cache_breaker_open 0.0",
    ):
        assert line in text, line


async def test_metrics_token_when_configured(make_app: AppFactory) -> None:
    async with make_app("local", METRICS_TOKEN="scrape-secret") as (_, client):
        assert (await client.get("/metrics")).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert (await client.get("/metrics", headers=wrong)).status_code == 401
        right = {"Authorization": "Bearer scrape-secret"}
        assert (await client.get("/metrics", headers=right)).status_code == 200


async def test_cache_hit_miss_and_error_events_are_logged(
    make_app: AppFactory, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    refused = f"redis://127.0.0.1:{free_port()}/0"
    async with make_app("redis", REDIS_URL=refused, TALLY_LOG_LEVEL="DEBUG") as (_, client):
        with capture_logs() as logs:
            await client.get(f"/api/v1/projects/{project.id}", headers=owner.headers)
    events = {entry["event"] for entry in logs}
    assert "cache_error" in events
    async with make_app("local", TALLY_LOG_LEVEL="DEBUG") as (_, client):
        with capture_logs() as logs:
            for _ in range(2):
                await client.get(f"/api/v1/projects/{project.id}", headers=owner.headers)
    lookups = [
        (entry["event"], entry.get("key")) for entry in logs if entry["event"].startswith("cache_")
    ]
    assert ("cache_miss", f"project:{project.id}") in lookups
    assert ("cache_hit", f"project:{project.id}") in lookups


def test_route_labels_are_templates_with_their_prefix() -> None:
    from tally.admin.metrics import route_label

    class Route:
        def __init__(self, path: str) -> None:
            self.path = path

    cases = [
        (
            "/api/v1/projects/42/stats",
            "/projects/{project_id}/stats",
            "/api/v1/projects/{project_id}/stats",
        ),
        ("/api/v1/projects", "/projects", "/api/v1/projects"),
        ("/api/v1/projects/", "/projects", "/api/v1/projects"),
        ("/metrics", "/metrics", "/metrics"),
        ("/admin/cache/stats", "/admin/cache/stats", "/admin/cache/stats"),
    ]
    for raw, template, expected in cases:
        assert route_label({"path": raw, "route": Route(template)}) == expected
    assert route_label({"path": "/nowhere/123"}) == "unmatched"
