"""Cursor pages of the cached lists: each page is its own entry under the list's namespaces, so a
change forgets every page at once, and a page is only reached after authorization (warm or not,
fast path or endpoint)."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import JobStatus, UserRole
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser, create_user


async def _ids(client: AsyncClient, url: str, user: AuthedUser) -> tuple[list[int], bool]:
    response = await client.get(url, headers=user.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return [item["id"] for item in body["items"]], body["has_more"]


async def test_cursor_pages_of_jobs_and_sources_follow_changes_and_stay_in_their_project(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    _, client = cached
    alice, bob = await create_user(session), await create_user(session)
    mine = await create_project(session, owner=alice, name="mine")
    theirs = await create_project(session, owner=bob, name="theirs")
    left = await create_data_source(session, project=mine, name="a")
    right = await create_data_source(session, project=mine, name="b")
    spare = await create_data_source(session, project=mine, name="c")
    old = await create_job(session, project=mine, left=left, right=right)
    new = await create_job(session, project=mine, left=left, right=right, status=JobStatus.QUEUED)
    other = await create_data_source(session, project=theirs, name="x")
    base = f"/api/v1/projects/{mine.id}"

    for _ in range(2):  # cold, then warm (the second read is a hit: fast path or endpoint)
        assert await _ids(client, f"{base}/jobs?limit=1", alice) == ([new.id], True)
        after_new = f"{base}/jobs?limit=1&starting_after={new.id}"
        assert await _ids(client, after_new, alice) == ([old.id], False)
        assert await _ids(client, f"{base}/data-sources?limit=2", alice) == (
            [left.id, right.id],
            True,
        )
        after_right = f"{base}/data-sources?starting_after={right.id}"
        assert await _ids(client, after_right, alice) == ([spare.id], False)
        before_spare = f"{base}/data-sources?ending_before={spare.id}&limit=1"
        assert await _ids(client, before_spare, alice) == ([right.id], True)
        # Another tenant asking for the same warm pages learns nothing, not even that they exist.
        for url in (after_new, after_right, f"{base}/jobs"):
            refused = await client.get(url, headers=bob.headers)
            assert refused.status_code == 404 and refused.json()["error"] == "ProjectNotFound"
        theirs_url = f"/api/v1/projects/{theirs.id}/data-sources?starting_after=1"
        assert await _ids(client, theirs_url, bob) == ([other.id], False)

    # A change forgets every cursor page of the list.
    cancelled = await client.post(f"{base}/jobs/{new.id}/cancel", headers=alice.headers)
    assert cancelled.status_code == 200, cancelled.text
    page = await client.get(f"{base}/jobs?limit=1", headers=alice.headers)
    assert page.json()["items"][0]["status"] == "cancelled"
    deleted = await client.delete(f"{base}/data-sources/{spare.id}", headers=alice.headers)
    assert deleted.status_code == 204, deleted.text
    assert await _ids(client, f"{base}/data-sources?starting_after={right.id}", alice) == (
        [],
        False,
    )


async def test_cursor_pages_of_projects_and_users_follow_changes_and_callers(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    _, client = cached
    alice, bob = await create_user(session), await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    first = await create_project(session, owner=alice, name="first")
    second = await create_project(session, owner=alice, name="second")
    bobs = await create_project(session, owner=bob, name="bob's")
    url = f"/api/v1/projects?limit=1&starting_after={second.id}"
    for _ in range(2):
        assert await _ids(client, "/api/v1/projects?limit=1", alice) == ([second.id], True)
        assert await _ids(client, url, alice) == ([first.id], False)
        assert await _ids(client, "/api/v1/projects?limit=1", bob) == ([bobs.id], False)
        assert await _ids(client, url, bob) == ([], False)
    renamed = await client.patch(
        f"/api/v1/projects/{first.id}", json={"name": "renamed"}, headers=alice.headers
    )
    assert renamed.status_code == 200
    page = await client.get(url, headers=alice.headers)
    assert [p["name"] for p in page.json()["items"]] == ["renamed"]
    created = await client.post("/api/v1/projects", json={"name": "third"}, headers=alice.headers)
    assert created.status_code == 201
    assert await _ids(client, "/api/v1/projects?limit=1", alice) == ([created.json()["id"]], True)
    assert await _ids(client, "/api/v1/projects?limit=1", bob) == ([bobs.id], False)

    users = f"/api/v1/users?limit=200&starting_after={admin.id}"
    assert await _ids(client, users, admin) == ([], False)
    assert (await client.get(users, headers=alice.headers)).status_code == 403
    newcomer = await client.post(
        "/api/v1/users",
        json={"email": "newcomer@example.test", "password": "a long enough password 1"},
        headers=admin.headers,
    )
    assert newcomer.status_code == 201, newcomer.text
    assert await _ids(client, users, admin) == ([newcomer.json()["id"]], False)
