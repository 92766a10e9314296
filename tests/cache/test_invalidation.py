"""Every existing write path invalidates what it changed, after commit and only after commit."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate, keys
from tally.kit.db import Database, StatementCounter, run_in_transaction
from tally.models import ProjectRole, UserRole
from tests.cache.conftest import AppFactory, cache_of
from tests.helpers.invitations import join_by_invitation
from tests.helpers.projects import create_project
from tests.helpers.results import LEDGER, reconciled_job
from tests.helpers.users import DEFAULT_PASSWORD, create_user


async def _names(client: AsyncClient, headers: dict[str, str]) -> list[str]:
    response = await client.get("/api/v1/projects", headers=headers)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def test_project_create_update_delete(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    _, client = cached
    owner = await create_user(session)
    member = await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(
        session, owner=owner, name="first", members={member: ProjectRole.VIEWER}
    )
    url = f"/api/v1/projects/{project.id}"
    for headers in (owner.headers, member.headers, admin.headers):
        assert await _names(client, headers) == ["first"]
        assert (await client.get(url, headers=headers)).json()["name"] == "first"

    created = await client.post("/api/v1/projects", json={"name": "second"}, headers=owner.headers)
    assert created.status_code == 201
    assert await _names(client, owner.headers) == ["second", "first"]
    assert await _names(client, admin.headers) == ["second", "first"]
    assert await _names(client, member.headers) == ["first"]

    assert (
        await client.patch(url, json={"name": "renamed"}, headers=owner.headers)
    ).status_code == 200
    for headers in (owner.headers, member.headers, admin.headers):
        assert (await client.get(url, headers=headers)).json()["name"] == "renamed"
        assert "renamed" in await _names(client, headers)

    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    for headers in (owner.headers, member.headers, admin.headers):
        assert (await client.get(url, headers=headers)).status_code == 404
        assert (await client.get(f"{url}/stats", headers=headers)).status_code == 404
        assert "renamed" not in await _names(client, headers)


async def test_a_project_edit_costs_one_statement_and_its_readers_none(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession, db: Database
) -> None:
    """The benchmark's write: the edit is one UPDATE ... RETURNING (authorization is cached), whose
    result the cache stores, so the project's page and every projects page listing it are read
    afterwards without a statement (no member's projects page had to be invalidated)."""
    _, client = cached
    owner = await create_user(session)
    member = await create_user(session)
    edited = await create_project(
        session, owner=owner, name="edited", members={member: ProjectRole.VIEWER}
    )
    await create_project(
        session, owner=owner, name="untouched", members={member: ProjectRole.EDITOR}
    )
    url = f"/api/v1/projects/{edited.id}"
    for headers in (owner.headers, member.headers):
        assert await _names(client, headers) == ["untouched", "edited"]
        assert (await client.get(url, headers=headers)).status_code == 200

    with StatementCounter(db.engine) as write:
        response = await client.patch(url, json={"description": "new"}, headers=owner.headers)
    assert response.status_code == 200, response.text
    assert response.json()["description"] == "new"
    assert write.count == 1

    with StatementCounter(db.engine) as reads:
        for headers in (owner.headers, member.headers):
            listed = (await client.get("/api/v1/projects", headers=headers)).json()["items"]
            assert [item["description"] for item in listed] == ["", "new"]
            assert (await client.get(url, headers=headers)).json()["description"] == "new"
    assert reads.count == 0


async def test_members_added_removed_and_role_changed(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    _, client = cached
    owner = await create_user(session)
    colleague = await create_user(session)
    project = await create_project(session, owner=owner, name="shared")
    url = f"/api/v1/projects/{project.id}"
    members = f"{url}/members"

    assert (await client.get(url, headers=colleague.headers)).status_code == 404  # negative path
    assert await _names(client, colleague.headers) == []
    await join_by_invitation(
        client, owner=owner, project_id=project.id, member=colleague, role="viewer"
    )
    assert (await client.get(url, headers=colleague.headers)).status_code == 200
    assert await _names(client, colleague.headers) == ["shared"]
    assert (
        await client.patch(url, json={"name": "x"}, headers=colleague.headers)
    ).status_code == 403

    promoted = await client.post(
        members, json={"email": colleague.email, "role": "editor"}, headers=owner.headers
    )
    assert promoted.status_code == 200
    assert (
        await client.patch(url, json={"name": "by colleague"}, headers=colleague.headers)
    ).status_code == 200

    assert (
        await client.delete(f"{members}/{colleague.id}", headers=owner.headers)
    ).status_code == 204
    assert (await client.get(url, headers=colleague.headers)).status_code == 404
    assert await _names(client, colleague.headers) == []


async def test_users_created_deactivated_promoted_and_logged_out(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    _, client = cached
    admin = await create_user(session, role=UserRole.ADMIN)
    member = await create_user(session)
    await create_project(session, owner=admin, name="admin's")
    page = "/api/v1/users?per_page=200"

    before = (await client.get(page, headers=admin.headers)).json()["total"]
    created = await client.post(
        "/api/v1/users",
        json={"email": "new@example.test", "password": "long enough"},
        headers=admin.headers,
    )
    assert created.status_code == 201
    after = (await client.get(page, headers=admin.headers)).json()
    assert after["total"] == before + 1
    assert "new@example.test" in {user["email"] for user in after["items"]}

    # Role change: the (cached) principal's role, and so the projects list's scope, follow.
    assert await _names(client, member.headers) == []
    assert (await client.get(page, headers=member.headers)).status_code == 403
    promote = await client.patch(
        f"/api/v1/users/{member.id}", json={"role": "admin"}, headers=admin.headers
    )
    assert promote.status_code == 200
    assert await _names(client, member.headers) == ["admin's"]
    assert (await client.get(page, headers=member.headers)).status_code == 200

    deactivated = await client.patch(
        f"/api/v1/users/{member.id}", json={"is_active": False}, headers=admin.headers
    )
    assert deactivated.status_code == 200
    assert (await client.get("/api/v1/projects", headers=member.headers)).status_code == 401
    users = (await client.get(page, headers=admin.headers)).json()["items"]
    assert {user["id"]: user["is_active"] for user in users}[member.id] is False

    login = await client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": DEFAULT_PASSWORD}
    )
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get("/api/v1/projects", headers=token)).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=token)).status_code == 204
    assert (await client.get("/api/v1/projects", headers=token)).status_code == 401
    assert (await client.get("/api/v1/projects", headers=admin.headers)).status_code == 200


@pytest.mark.parametrize("mode", ["local", "redis", "redis-only"])
async def test_bumps_happen_after_commit_never_after_rollback(
    make_app: AppFactory, db: Database, mode: str
) -> None:
    async with make_app(mode) as (app, _):
        cache = cache_of(app)
        namespace = keys.project_ns(1)

        async def generation() -> int:
            if cache.redis is None:
                values = cache.coherence.known((namespace,))  # without Redis: the truth
            else:
                values = await cache.redis.generations((keys.EPOCH, namespace))
            assert values is not None
            return values[1]

        start = await generation()

        async def fail(session: AsyncSession) -> None:
            invalidate(session, namespace)
            raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError):
            await run_in_transaction(db, fail)
        assert await generation() == start

        seen_inside: list[int] = []

        async def succeed(session: AsyncSession) -> None:
            invalidate(session, namespace)
            seen_inside.append(await generation())

        await run_in_transaction(db, succeed)
        assert seen_inside == [start]  # not before the commit
        assert await generation() > start


async def test_an_edit_without_any_tier_to_store_in_is_a_plain_write(
    make_app: AppFactory, session: AsyncSession
) -> None:
    """No Redis and no in-process tier (CACHE_LOCAL_MAX_BYTES=0): nothing to write through to."""
    owner = await create_user(session)
    project = await create_project(session, owner=owner, name="before")
    url = f"/api/v1/projects/{project.id}"
    async with make_app("local", CACHE_LOCAL_MAX_BYTES=0) as (_, client):
        assert (await client.get(url, headers=owner.headers)).json()["name"] == "before"
        edited = await client.patch(url, json={"name": "after"}, headers=owner.headers)
        assert edited.status_code == 200, edited.text
        assert (await client.get(url, headers=owner.headers)).json()["name"] == "after"


async def test_deleting_a_source_forgets_its_jobs_and_their_stats(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession, db: Database
) -> None:
    """The source, the jobs that went with it and the stats they fed: none is served stale."""
    _, client = cached
    world = await reconciled_job(session, db)
    project = f"/api/v1/projects/{world.project.id}"
    left, right = world.job.left_source_id, world.job.right_source_id
    for headers in (world.owner.headers, world.viewer.headers):  # warm every cached read
        jobs = (await client.get(f"{project}/jobs", headers=headers)).json()["items"]
        assert [j["id"] for j in jobs] == [world.job.id]
        sources = (await client.get(f"{project}/data-sources", headers=headers)).json()["items"]
        assert [s["id"] for s in sources] == [left, right]
        stats = (await client.get(f"{project}/stats", headers=headers)).json()
        assert stats["last_job"]["id"] == world.job.id

    deleted = await client.delete(f"{project}/data-sources/{left}", headers=world.editor.headers)
    assert deleted.status_code == 204
    for headers in (world.owner.headers, world.viewer.headers):
        assert (await client.get(f"{project}/jobs", headers=headers)).json()["items"] == []
        sources = (await client.get(f"{project}/data-sources", headers=headers)).json()["items"]
        assert [s["id"] for s in sources] == [right]
        stats = (await client.get(f"{project}/stats", headers=headers)).json()
        assert stats["last_job"] is None
        assert stats["record_count"] == len(LEDGER)
        assert (stats["matched_count"], stats["unmatched_count"]) == (0, 0)


async def test_archiving_a_job_shows_in_its_cached_list(
    cached: tuple[FastAPI, AsyncClient], session: AsyncSession, db: Database
) -> None:
    _, client = cached
    world = await reconciled_job(session, db)
    jobs = f"/api/v1/projects/{world.project.id}/jobs"
    assert (await client.get(jobs, headers=world.viewer.headers)).json()["items"][0][
        "archived_at"
    ] is None
    assert (await client.post(world.url("/archive"), headers=world.editor.headers)).is_success
    listed = (await client.get(jobs, headers=world.viewer.headers)).json()["items"]
    assert listed[0]["archived_at"] is not None
