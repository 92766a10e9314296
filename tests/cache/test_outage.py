"""Redis refused, killed mid-run, or hung: every request is still answered (from the database),
within a bounded latency; the breaker closes by itself; nothing stale survives the outage."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache.redis_tier import RedisUnavailable
from tally.models import Project, UserRole
from tests.cache.conftest import AppFactory, cache_of
from tests.helpers.jobs import create_job
from tests.helpers.processes import free_port
from tests.helpers.projects import create_project
from tests.helpers.redis_server import RedisServer
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser, create_user

pytestmark = pytest.mark.slow

# Tight, as in production: a 50 ms budget per call; quick recovery probes for the test's sake.
OUTAGE_SETTINGS: dict[str, Any] = {
    "CACHE_REDIS_TIMEOUT": 0.05,
    "CACHE_BREAKER_COOLDOWN": 0.2,
    "CACHE_HEARTBEAT": 0.05,
}
# Worst case for one request while Redis fails: the calls that run out their 50 ms budget until
# the breaker opens (3, about 200 ms with the database read when idle), with room for a busy CI
# machine. Once the breaker is open, requests send Redis nothing at all (counted, not timed).
REQUEST_BOUND_S = 1.0

READS = (
    "/api/v1/projects",
    "/api/v1/projects/{id}",
    "/api/v1/projects/{id}/jobs",
    "/api/v1/projects/{id}/data-sources",
    "/api/v1/projects/{id}/stats",
    "/api/v1/users",
)


async def _world(session: AsyncSession) -> tuple[AuthedUser, Project]:
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=admin, name="v0")
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    await create_job(session, project=project, left=left, right=right)
    return admin, project


async def _read_all(client: AsyncClient, user: AuthedUser, project: Project) -> list[float]:
    """The six reads; every one must succeed. Returns their latencies."""
    latencies = []
    for path in READS:
        started = time.perf_counter()
        response = await client.get(path.format(id=project.id), headers=user.headers)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.text)
    return latencies


async def _name(client: AsyncClient, user: AuthedUser, project: Project) -> str:
    response = await client.get(f"/api/v1/projects/{project.id}", headers=user.headers)
    assert response.status_code == 200, response.text
    name: str = response.json()["name"]
    return name


async def _rename(client: AsyncClient, user: AuthedUser, project: Project, name: str) -> None:
    url = f"/api/v1/projects/{project.id}"
    response = await client.patch(url, json={"name": name}, headers=user.headers)
    assert response.status_code == 200, response.text


async def _wait_until(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def _assert_no_redis_call_while_open(
    client: AsyncClient, user: AuthedUser, project: Project, app: Any
) -> None:
    cache = cache_of(app)
    assert not cache.breaker.is_closed
    calls = cache.stats.redis_calls
    latencies = await _read_all(client, user, project)
    assert cache.stats.redis_calls == calls, "a request called Redis through an open breaker"
    assert max(latencies) < REQUEST_BOUND_S, latencies


@pytest.fixture
async def blackhole() -> AsyncIterator[str]:
    """A TCP server that accepts connections and never answers (a hung Redis, from the start)."""
    held: list[asyncio.StreamWriter] = []

    async def swallow(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    for writer in held:
        writer.close()
    server.close()


@pytest.mark.parametrize("target", ["refused", "blackhole"])
async def test_unreachable_redis_serves_everything_from_the_database(
    make_app: AppFactory, session: AsyncSession, target: str, blackhole: str
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0" if target == "refused" else blackhole
    admin, project = await _world(session)
    async with make_app("redis", REDIS_URL=url, **OUTAGE_SETTINGS) as (app, client):
        cache = cache_of(app)
        latencies = []
        for round_ in range(5):
            latencies += await _read_all(client, admin, project)
            await _rename(client, admin, project, f"v{round_ + 1}")
            assert await _name(client, admin, project) == f"v{round_ + 1}"  # read-your-writes
        assert max(latencies) < REQUEST_BOUND_S, max(latencies)
        assert not cache.breaker.is_closed
        bypassed = cache.stats.totals()["bypassed"]
        assert isinstance(bypassed, int) and bypassed > 0
        await _assert_no_redis_call_while_open(client, admin, project, app)


async def test_redis_killed_mid_run_then_restarted(
    make_app: AppFactory, session: AsyncSession, private_redis: RedisServer
) -> None:
    admin, project = await _world(session)
    settings = {"REDIS_URL": private_redis.url, **OUTAGE_SETTINGS}
    async with (
        make_app("redis", **settings) as (app, client),
        make_app("redis", **settings) as (_, other),
    ):
        cache = cache_of(app)
        await _read_all(client, admin, project)
        await _read_all(other, admin, project)
        names = itertools.count(1)
        latest = ["v0"]
        failures: list[str] = []
        latencies: list[float] = []
        stop = asyncio.Event()

        async def reader(target: AsyncClient) -> None:
            while not stop.is_set():
                try:
                    latencies.extend(await _read_all(target, admin, project))
                except AssertionError as error:
                    failures.append(str(error))
                # In-process hits never wait for I/O, and the test client has no socket: without
                # this, two readers would keep the event loop (and this test) to themselves.
                await asyncio.sleep(0)

        async def writer() -> None:
            while not stop.is_set():
                name = f"v{next(names)}"
                await _rename(client, admin, project, name)
                latest[0] = name
                if await _name(client, admin, project) != name:
                    failures.append(f"read-your-writes broken at {name}")
                await asyncio.sleep(0.01)

        load = [asyncio.ensure_future(task) for task in (reader(client), reader(other), writer())]
        await asyncio.sleep(0.5)
        private_redis.kill()
        await asyncio.sleep(1.0)
        private_redis.start()  # same port, empty
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.gather(*load)

        assert failures == []
        assert max(latencies) < REQUEST_BOUND_S, max(latencies)
        assert cache.stats.errors, "the kill went unnoticed: did the run use Redis at all?"

        await _wait_until(lambda: cache.breaker.is_closed)
        hits_before = cache.stats.totals()["hits"]
        for target in (client, other):
            assert await _name(target, admin, project) == latest[0]
            assert await _name(target, admin, project) == latest[0]
        hits_after = cache.stats.totals()["hits"]
        assert isinstance(hits_before, int) and isinstance(hits_after, int)
        assert hits_after > hits_before, "the cache did not resume after Redis came back"


async def test_redis_hung_then_resumed_resurrects_nothing(
    make_app: AppFactory, session: AsyncSession, private_redis: RedisServer
) -> None:
    admin, project = await _world(session)
    settings = {"REDIS_URL": private_redis.url, **OUTAGE_SETTINGS}
    async with (
        make_app("redis", **settings) as (app, client),
        make_app("redis", **settings) as (other_app, other),
    ):
        cache = cache_of(app)
        for target in (client, other):  # v0 in Redis and in both in-process tiers
            assert await _name(target, admin, project) == "v0"
            assert await _name(target, admin, project) == "v0"

        private_redis.pause()
        try:
            latencies = await _read_all(client, admin, project)
            assert max(latencies) < REQUEST_BOUND_S, latencies
            await _wait_until(lambda: not cache.breaker.is_closed)
            await _assert_no_redis_call_while_open(client, admin, project, app)

            # A write whose invalidation cannot reach Redis, which still holds v0.
            await _rename(client, admin, project, "v1")
            assert await _name(client, admin, project) == "v1"
            assert cache.stats.invalidation_failures >= 1
        finally:
            private_redis.resume()

        # The other process may have noticed the outage too; its own recovery bumps the epoch
        # again, which empties every tier once more, so "cached again" is only defined after both.
        other_cache = cache_of(other_app)
        await _wait_until(lambda: cache.breaker.is_closed and other_cache.breaker.is_closed)
        assert cache.stats.epoch_bumps == 1
        for target in (client, other):
            for _ in range(3):
                assert await _name(target, admin, project) == "v1"
        hits = cache.stats.families["project"].hits
        await _name(client, admin, project)
        assert cache.stats.families["project"].hits == hits + 1  # cached again


async def test_recovery_waits_for_the_epoch_bump_before_trusting_redis(
    make_app: AppFactory, private_redis: RedisServer, session: AsyncSession
) -> None:
    """While Redis is back but the epoch bump has not happened, the breaker stays open."""
    admin, project = await _world(session)
    settings = {"REDIS_URL": private_redis.url, **OUTAGE_SETTINGS, "CACHE_BREAKER_COOLDOWN": 0.5}
    async with make_app("redis", **settings) as (app, client):
        cache: Any = cache_of(app)
        assert await _name(client, admin, project) == "v0"
        private_redis.pause()
        try:
            await _rename(client, admin, project, "v1")  # undelivered: trips the breaker
            assert not cache.breaker.is_closed
        finally:
            private_redis.resume()
        # Until the probe has bumped the epoch, reads bypass Redis (which still says v0).
        while not cache.breaker.is_closed:
            assert await _name(client, admin, project) == "v1"
            await asyncio.sleep(0.01)
        assert cache.stats.epoch_bumps == 1
        assert await _name(client, admin, project) == "v1"


async def test_an_undelivered_invalidation_is_never_served_from_the_local_tier(
    make_app: AppFactory, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads fine, bumps failing (e.g. timeouts under load): the subscription is still live, so
    the in-process tier keeps serving, but never what the failed write changed."""
    admin, project = await _world(session)
    async with make_app("redis", CACHE_BREAKER_COOLDOWN=0.2) as (app, client):
        cache = cache_of(app)
        assert cache.redis is not None
        await _read_all(client, admin, project)
        assert await _name(client, admin, project) == "v0"  # in the in-process tier now
        hits = cache.stats.families["project"].hits_local

        async def timed_out(_namespaces: tuple[str, ...]) -> int:
            raise RedisUnavailable("bump: TimeoutError")

        bump = cache.redis.bump
        monkeypatch.setattr(cache.redis, "bump", timed_out)
        await _rename(client, admin, project, "v1")
        assert not cache.breaker.is_closed and cache.listener is not None and cache.listener.fresh
        assert await _name(client, admin, project) == "v1"
        # Keys the write did not touch still come from the in-process tier.
        stats_hits = cache.stats.families["stats"].hits_local
        response = await client.get(f"/api/v1/projects/{project.id}/stats", headers=admin.headers)
        assert response.status_code == 200
        assert cache.stats.families["stats"].hits_local == stats_hits + 1

        monkeypatch.setattr(cache.redis, "bump", bump)
        await _wait_until(lambda: cache.breaker.is_closed)
        assert cache.stats.epoch_bumps == 1
        for _ in range(2):
            assert await _name(client, admin, project) == "v1"
        assert cache.stats.families["project"].hits_local > hits
