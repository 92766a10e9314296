"""The six cached reads over HTTP: stored bytes with an ETag, 304s, and no tenant crossing."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import ProjectRole, UserRole
from tests.cache.conftest import AppFactory, cache_of
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user

SIX_READS = [
    "/api/v1/projects",
    "/api/v1/projects/{project_id}",
    "/api/v1/projects/{project_id}/jobs",
    "/api/v1/projects/{project_id}/data-sources",
    "/api/v1/projects/{project_id}/stats",
    "/api/v1/users?page=1&per_page=20",
]


@pytest.mark.parametrize("path", SIX_READS)
async def test_hits_return_the_same_bytes_with_a_stable_etag_and_304(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession, path: str
) -> None:
    app, client = cached
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=admin)
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    await create_job(session, project=project, left=left, right=right)
    url = path.format(project_id=project.id)

    first = await client.get(url, headers=admin.headers)
    second = await client.get(url, headers=admin.headers)
    assert first.status_code == second.status_code == 200, first.text
    assert first.content == second.content
    etag = first.headers["etag"]
    assert etag.startswith('"') and second.headers["etag"] == etag
    assert first.headers["content-type"] == "application/json"
    assert "private" in first.headers["cache-control"]

    not_modified = await client.get(url, headers={**admin.headers, "If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b"" and not_modified.headers["etag"] == etag
    changed = await client.get(url, headers={**admin.headers, "If-None-Match": '"stale"'})
    assert changed.status_code == 200 and changed.content == first.content

    family_hits = cache_of(app).stats.totals()["hits"]
    assert isinstance(family_hits, int) and family_hits >= 2


async def test_with_the_cache_disabled_etags_and_304_still_work(
    make_app: AppFactory, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    async with make_app("local", ENABLE_CACHE=False) as (app, client):
        url = f"/api/v1/projects/{project.id}"
        first = await client.get(url, headers=owner.headers)
        again = await client.get(
            url, headers={**owner.headers, "If-None-Match": first.headers["etag"]}
        )
        assert (first.status_code, again.status_code) == (200, 304)
        assert cache_of(app).mode == "disabled"
        assert cache_of(app).stats.totals()["hits"] == 0


async def test_etags_agree_between_processes(make_app: AppFactory, session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    etags = set()
    for mode in (
        "local",
        "local",
        "redis",
        "redis-only",
    ):  # separate caches: nothing shared but the database
        async with make_app(mode) as (_, client):
            response = await client.get(
                f"/api/v1/projects/{project.id}/stats", headers=owner.headers
            )
            etags.add(response.headers["etag"])
    assert len(etags) == 1


async def test_one_callers_cached_page_is_never_anothers(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    _, client = cached
    alice = await create_user(session)
    bob = await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    mine = await create_project(session, owner=alice, name="alice's")
    theirs = await create_project(session, owner=bob, name="bob's")

    async def project_ids(user_headers: dict[str, str]) -> set[int]:
        response = await client.get("/api/v1/projects", headers=user_headers)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    for _ in range(2):  # cold, then warm
        assert await project_ids(alice.headers) == {mine.id}
        assert await project_ids(bob.headers) == {theirs.id}
        assert await project_ids(admin.headers) >= {mine.id, theirs.id}

    # A warm project entry is still behind authorization: bob gets nothing from alice's.
    assert (
        await client.get(f"/api/v1/projects/{mine.id}", headers=alice.headers)
    ).status_code == 200
    for path in ("", "/stats", "/jobs", "/data-sources"):
        url = f"/api/v1/projects/{mine.id}{path}"
        assert (await client.get(url, headers=alice.headers)).status_code == 200
        assert (await client.get(url, headers=bob.headers)).status_code == 404
    assert (await client.get("/api/v1/users", headers=alice.headers)).status_code == 403


async def test_member_roles_come_from_the_cache_and_still_gate_writes(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    _, client = cached
    owner = await create_user(session)
    viewer = await create_user(session)
    project = await create_project(session, owner=owner, members={viewer: ProjectRole.VIEWER})
    url = f"/api/v1/projects/{project.id}"
    assert (await client.get(url, headers=viewer.headers)).status_code == 200  # role now cached
    assert (await client.patch(url, json={"name": "x"}, headers=viewer.headers)).status_code == 403
    assert (await client.patch(url, json={"name": "y"}, headers=owner.headers)).status_code == 200
