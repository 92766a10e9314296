"""Every answer names its request; polled reads carry ETags; a stale If-Match is refused."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from typing import Any

import structlog
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from uvicorn.logging import AccessFormatter

from tally.kit.db import Database, StatementCounter
from tally.kit.logging import configure_logging, server_log_config
from tally.kit.request_id import RequestIdMiddleware, current_request_id
from tally.models import JobStatus, UserRole
from tests.helpers.jobs import create_job_in_new_project
from tests.helpers.projects import create_project
from tests.helpers.results import reconciled_job
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user


async def test_a_request_id_is_echoed_or_made_and_quoted_in_errors(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    given = await client.get("/api/v1/projects", headers={**owner.headers, "X-Request-ID": "ab-1"})
    assert given.headers["X-Request-ID"] == "ab-1"
    made = await client.get("/api/v1/projects", headers=owner.headers)
    assert len(made.headers["X-Request-ID"]) == 32
    # An id unsafe to echo (spaces, a header injection attempt) is replaced, not repeated.
    unsafe = await client.get(
        "/api/v1/projects", headers={**owner.headers, "X-Request-ID": "a b<script>"}
    )
    assert unsafe.headers["X-Request-ID"] != "a b<script>"

    for response in (
        await client.get("/api/v1/projects/999999", headers={"X-Request-ID": "err-1"}),  # 401
        await client.get(
            "/api/v1/projects/999999", headers={**owner.headers, "X-Request-ID": "err-2"}
        ),  # 404
        await client.post(
            "/api/v1/projects", json={"name": ""}, headers={**owner.headers, "X-Request-ID": "e3"}
        ),  # 422
    ):
        body = response.json()
        assert response.status_code >= 400
        assert body["request_id"] == response.headers["X-Request-ID"]
        assert body["request_id"] in ("err-1", "err-2", "e3")
    health = await client.get("/healthz")
    assert "X-Request-ID" in health.headers


async def test_log_lines_of_a_request_carry_its_id() -> None:
    """The id is bound to structlog's context for the request (configure_logging merges that
    context into every line), and unbound after it."""
    seen: list[dict[str, object]] = []

    async def endpoint(request: Request) -> PlainTextResponse:
        seen.append(dict(structlog.contextvars.get_contextvars()))
        return PlainTextResponse("ok")

    app = RequestIdMiddleware(Starlette(routes=[Route("/", endpoint)]))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        response = await http.get("/", headers={"X-Request-ID": "log-me"})
    assert response.headers["X-Request-ID"] == "log-me"
    assert seen == [{"request_id": "log-me"}]
    assert "request_id" not in structlog.contextvars.get_contextvars()
    assert "merge_contextvars" in repr(_configured_processors())


def test_the_servers_access_lines_carry_the_request_id() -> None:
    """uvicorn's access line of a request (plain logging, not structlog) ends with its id, as
    `tally serve` configures it."""
    config = server_log_config()
    handler = logging.StreamHandler(stream := io.StringIO())
    fmt = config["formatters"]["access"]["fmt"]
    handler.setFormatter(AccessFormatter(fmt, use_colors=False))
    handler.addFilter(config["filters"]["request_id"]["()"]())
    access = logging.getLogger("tally.test.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    token = current_request_id.set("seen-in-access")
    try:
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/health", "1.1", 200)
    finally:
        current_request_id.reset(token)
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/", "1.1", 200)
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith('"GET /health HTTP/1.1" 200 OK request_id=seen-in-access'), lines
    assert lines[1].endswith("request_id=-"), lines


def _configured_processors() -> list[object]:
    configure_logging("INFO")
    try:
        return list(structlog.get_config()["processors"])
    finally:
        structlog.reset_defaults()


async def test_a_polled_job_is_not_modified_until_it_changes(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    first = await client.get(world.url(), headers=world.owner.headers)
    etag = first.headers["ETag"]
    same = await client.get(world.url(), headers={**world.owner.headers, "If-None-Match": etag})
    assert same.status_code == 304 and same.content == b""
    assert (await client.post(world.url("/archive"), headers=world.editor.headers)).is_success
    changed = await client.get(world.url(), headers={**world.owner.headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


async def test_a_polled_matches_page_is_not_modified_until_a_review(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    url = world.url("/matches?tab=review")
    first = await client.get(url, headers=world.owner.headers)
    etag = first.headers["ETag"]
    poll = {**world.owner.headers, "If-None-Match": etag}
    assert (await client.get(url, headers=poll)).status_code == 304
    match_id = next(m["id"] for m in first.json()["items"] if m["status"] == "suggested")
    confirmed = await client.post(
        world.url(f"/matches/{match_id}/confirm"), json={}, headers=world.editor.headers
    )
    assert confirmed.status_code == 200
    assert (await client.get(url, headers=poll)).status_code == 200


async def test_a_current_matches_poll_reads_no_match(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    """The matches ETag derives from the job's version: a 304 costs the statements that find the
    caller and the job, never the page's matches and records."""
    world = await reconciled_job(session, db)
    url = world.url("/matches?tab=matched&per_page=200")
    first = await client.get(url, headers=world.owner.headers)
    with StatementCounter(db.engine) as full:
        assert (await client.get(url, headers=world.owner.headers)).status_code == 200
    poll = {**world.owner.headers, "If-None-Match": first.headers["ETag"]}
    with StatementCounter(db.engine) as conditional:
        assert (await client.get(url, headers=poll)).status_code == 304
    with StatementCounter(db.engine) as job_only:
        assert (await client.get(world.url(), headers=world.owner.headers)).status_code == 200
    assert conditional.count == job_only.count < full.count


async def test_if_match_refuses_a_stale_project_edit(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner, name="before")
    url = f"/api/v1/projects/{project.id}"
    read = await client.get(url, headers=owner.headers)
    etag = read.headers["ETag"]
    edited = await client.patch(
        url, json={"name": "mine"}, headers={**owner.headers, "If-Match": etag}
    )
    assert edited.status_code == 200, edited.text
    new_etag = edited.headers["ETag"]
    assert new_etag != etag
    assert (await client.get(url, headers=owner.headers)).headers["ETag"] == new_etag
    stale = await client.patch(
        url, json={"name": "theirs"}, headers={**owner.headers, "If-Match": etag}
    )
    assert stale.status_code == 412 and stale.json()["error"] == "PreconditionFailed"
    assert (await client.get(url, headers=owner.headers)).json()["name"] == "mine"
    # Without If-Match the edit goes through, as before.
    plain = await client.patch(url, json={"name": "last"}, headers=owner.headers)
    assert plain.status_code == 200


async def test_an_unfinished_job_still_answers_its_poll(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    job = await create_job_in_new_project(session, owner=owner, status=JobStatus.RUNNING)
    url = f"/api/v1/projects/{job.project_id}/jobs/{job.id}"
    response = await client.get(url, headers=owner.headers)
    assert response.status_code == 200 and response.json()["status"] == "running"
    assert response.headers["ETag"]


async def _if_match_round(
    client: AsyncClient,
    url: str,
    headers: dict[str, str],
    first: dict[str, Any],
    second: dict[str, Any],
) -> None:
    """Read, write with the read's ETag (200, a new ETag), write again with the old one (412,
    nothing changed), write without If-Match (applies, as before)."""
    read = await client.get(url, headers=headers)
    assert read.status_code == 200, read.text
    etag = read.headers["ETag"]
    edited = await client.patch(url, json=first, headers={**headers, "If-Match": etag})
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] != etag
    assert (await client.get(url, headers=headers)).headers["ETag"] == edited.headers["ETag"]
    stale = await client.patch(url, json=second, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412 and stale.json()["error"] == "PreconditionFailed"
    assert (await client.get(url, headers=headers)).json() == edited.json()
    assert (await client.patch(url, json=second, headers=headers)).status_code == 200


async def test_if_match_refuses_stale_edits_on_every_patch(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    member = await create_user(session)
    await _if_match_round(
        client,
        f"/api/v1/users/{member.id}",
        admin.headers,
        {"role": "admin"},
        {"role": "member"},
    )

    project = await create_project(session, owner=member)
    base = f"/api/v1/projects/{project.id}"
    profile = {
        "name": "Bank CSV",
        "options": {"mapping": {"amount": "Amount", "booking_date": "Date"}},
        "header": ["Date", "Amount"],
    }
    created = await client.post(f"{base}/import-profiles", json=profile, headers=member.headers)
    assert created.status_code == 201, created.text
    await _if_match_round(
        client,
        f"{base}/import-profiles/{created.json()['id']}",
        member.headers,
        {"name": "Bank CSV 2"},
        {"name": "Bank CSV 3"},
    )

    bank = await create_data_source(session, project=project, name="bank")
    inbox = {"name": "drop", "url": "memory://drop", "data_source_id": bank.id}
    added = await client.post(f"{base}/inboxes", json=inbox, headers=member.headers)
    assert added.status_code == 201, added.text
    await _if_match_round(
        client,
        f"{base}/inboxes/{added.json()['id']}",
        member.headers,
        {"pattern": "*.csv"},
        {"pattern": "*.txt"},
    )


async def test_jobs_and_sources_list_what_changed_since(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    job = await create_job_in_new_project(session, owner=owner, status=JobStatus.QUEUED)
    base = f"/api/v1/projects/{job.project_id}"
    since = {"updated_since": datetime.now(UTC).isoformat()}
    jobs = await client.get(f"{base}/jobs", params=since, headers=owner.headers)
    sources = await client.get(f"{base}/data-sources", params=since, headers=owner.headers)
    assert jobs.json()["items"] == [] and sources.json()["items"] == []
    assert (await client.post(f"{base}/jobs/{job.id}/cancel", headers=owner.headers)).is_success
    jobs = await client.get(f"{base}/jobs", params=since, headers=owner.headers)
    assert [j["id"] for j in jobs.json()["items"]] == [job.id]
    assert jobs.json()["items"][0]["updated_at"] >= since["updated_since"][:19]
    created = {"created_since": since["updated_since"]}
    assert (await client.get(f"{base}/jobs", params=created, headers=owner.headers)).json()[
        "items"
    ] == []
    everything = await client.get(f"{base}/data-sources", headers=owner.headers)
    assert len(everything.json()["items"]) == 2
