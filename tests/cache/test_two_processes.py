"""Two real `tally serve` processes sharing one Redis, each with its in-process tier on.

A write through either server is seen by the very next read through the other (no cross-process
stale read), including revoked tokens and removed access; a cold key is loaded once in total.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import ProjectRole, UserRole
from tests.cache.conftest import shared_redis_url
from tests.helpers.processes import TallyServer
from tests.helpers.projects import create_project
from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser, create_user

pytestmark = pytest.mark.slow

ROUNDS = 25


@pytest.fixture
def servers(
    database_url: str, db: Database, key_prefix: str, tmp_path: Path
) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": shared_redis_url(),
        "CACHE_KEY_PREFIX": key_prefix,
        "CACHE_REDIS_TIMEOUT": "0.5",  # a busy CI box: this test is about coherence
        "TALLY_ENV": "test",
    }
    with ThreadPoolExecutor(2) as pool:  # start-up is mostly imports: overlap the two
        started = list(
            pool.map(lambda name: TallyServer(env, tmp_path / f"server-{name}.log"), "ab")
        )
    clients = [httpx.Client(base_url=server.base_url, timeout=10) for server in started]
    try:
        yield clients[0], clients[1]
    finally:
        for client in clients:
            client.close()
        for server in started:
            server.stop()


def _stats(client: httpx.Client, admin: AuthedUser) -> dict[str, dict[str, int]]:
    response = client.get("/admin/cache/stats", headers=admin.headers)
    assert response.status_code == 200, response.text
    families: dict[str, dict[str, int]] = response.json()["families"]
    return families


async def test_cold_key_once_then_no_cross_process_stale_read(
    servers: tuple[httpx.Client, httpx.Client], session: AsyncSession
) -> None:
    """One pair of servers for both checks: each start costs seconds of imports."""
    a, b = servers
    admin = await create_user(session, role=UserRole.ADMIN)
    await _cold_key_is_loaded_once_across_processes(servers, session, admin)
    owner = await create_user(session)
    member = await create_user(session)
    project = await create_project(
        session, owner=owner, name="v-", members={member: ProjectRole.EDITOR}
    )
    url = f"/api/v1/projects/{project.id}"
    assert _stats(a, admin)["principal"]  # both servers run, with Redis and the in-process tier

    name = "v-"
    for round_ in range(ROUNDS):
        writer, reader = (a, b) if round_ % 2 == 0 else (b, a)
        for client in (a, b):  # both processes hold the current value in their in-process tier
            for user in (owner, member):
                assert client.get(url, headers=user.headers).json()["name"] == name
        name = f"v{round_}"
        assert writer.patch(url, json={"name": name}, headers=owner.headers).status_code == 200
        assert reader.get(url, headers=member.headers).json()["name"] == name
        listed = reader.get("/api/v1/projects", headers=member.headers).json()["items"]
        assert [item["name"] for item in listed] == [name]

    for client in (a, b):
        project_stats = _stats(client, admin)["project"]
        assert project_stats["hits_local"] >= ROUNDS, project_stats  # the tier was really used

    # ETags agree between the processes.
    assert (
        a.get(url, headers=owner.headers).headers["etag"]
        == b.get(url, headers=owner.headers).headers["etag"]
    )

    # Access removed through one process is gone in the other at once.
    assert b.get(url, headers=member.headers).status_code == 200
    assert a.delete(f"{url}/members/{member.id}", headers=owner.headers).status_code == 204
    assert b.get(url, headers=member.headers).status_code == 404

    # A token revoked through one process no longer authenticates in the other.
    login = b.post("/api/v1/auth/login", json={"email": owner.email, "password": DEFAULT_PASSWORD})
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert a.get("/api/v1/projects", headers=token).status_code == 200
    assert b.get("/api/v1/projects", headers=token).status_code == 200
    assert b.post("/api/v1/auth/logout", headers=token).status_code == 204
    assert a.get("/api/v1/projects", headers=token).status_code == 401

    # A user deactivated through one process is locked out of the other at once.
    assert a.get("/api/v1/projects", headers=owner.headers).status_code == 200
    deactivate = b.patch(
        f"/api/v1/users/{owner.id}", json={"is_active": False}, headers=admin.headers
    )
    assert deactivate.status_code == 200
    assert a.get("/api/v1/projects", headers=owner.headers).status_code == 401


async def _cold_key_is_loaded_once_across_processes(
    servers: tuple[httpx.Client, httpx.Client], session: AsyncSession, admin: AuthedUser
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}/stats"
    bases = [str(client.base_url) for client in servers]

    async def burst(base: str) -> list[int]:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
            responses = await asyncio.gather(
                *(http.get(url, headers=owner.headers) for _ in range(100))
            )
        return [response.status_code for response in responses]

    statuses = await asyncio.gather(*(burst(base) for base in bases))
    assert {status for batch in statuses for status in batch} == {200}
    loads = [_stats(client, admin).get("stats", {}).get("loads", 0) for client in servers]
    assert sum(loads) == 1, loads
