"""200 concurrent requests on a cold key run each loader once per process (and, with Redis's
lease, once across processes)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import Cache, keys
from tally.projects.repository import ProjectRepository
from tally.projects.service import ProjectService
from tally.users.service import UserService
from tests.cache.conftest import AppFactory, cache_of
from tests.helpers.projects import create_project
from tests.helpers.users import create_user

CONCURRENT = 200


def count_calls(
    monkeypatch: pytest.MonkeyPatch, calls: Counter[str], owner: type, name: str
) -> None:
    original: Callable[..., Awaitable[Any]] = getattr(owner, name)

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        await asyncio.sleep(0.05)  # a slow query: every other request arrives while it runs
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    calls: Counter[str] = Counter()
    count_calls(monkeypatch, calls, UserService, "token_owner")  # the principal
    count_calls(monkeypatch, calls, ProjectRepository, "access")  # the membership
    count_calls(monkeypatch, calls, ProjectService, "get_project")  # the response
    return calls


async def test_cold_key_loads_once_per_process(
    make_app: AppFactory, cache_mode: str, session: AsyncSession, loads: Counter[str]
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    # 200 requests served by one event loop keep it busy past the default test timeout of Redis
    # calls on a slow CI machine (every call then times out and falls back to the database): the
    # single flight, not the timeout, is what is measured here.
    async with make_app(cache_mode, CACHE_REDIS_TIMEOUT=10.0) as (app, client):
        url = f"/api/v1/projects/{project.id}"
        responses = await asyncio.gather(
            *(client.get(url, headers=owner.headers) for _ in range(CONCURRENT))
        )
        assert {response.status_code for response in responses} == {200}
        assert len({response.content for response in responses}) == 1
        assert loads == {"token_owner": 1, "access": 1, "get_project": 1}
        family = cache_of(app).stats.families["project"]
        assert (family.loads, family.misses) == (1, CONCURRENT)


async def test_cold_key_loads_once_across_processes_with_redis(
    make_app: AppFactory, session: AsyncSession, loads: Counter[str]
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}"
    async with make_app("redis") as (app_a, a), make_app("redis") as (app_b, b):
        responses = await asyncio.gather(
            *(
                client.get(url, headers=owner.headers)
                for client in (a, b)
                for _ in range(CONCURRENT // 2)
            )
        )
        assert {response.status_code for response in responses} == {200}
        # One process won each lease; the other waited for the value it stored.
        assert loads == {"token_owner": 1, "access": 1, "get_project": 1}
        waits = [cache_of(app).stats.families["project"].lease_waits for app in (app_a, app_b)]
        assert sorted(waits) == [0, 1]


async def test_a_lookup_answered_after_the_value_was_stored_does_not_load_again(
    make_app: AppFactory, cache_mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race behind a stampede on a busy machine: lookups that missed because the value was
    not stored yet, but whose answer is handled only after the load that stored it has ended,
    each start a flight of their own. They must find that value instead of loading again."""
    async with make_app(cache_mode) as (app, _):
        cache = cache_of(app)
        key = keys.project(424242)
        loads = 0

        async def load(_session: AsyncSession) -> bytes:
            nonlocal loads
            loads += 1
            return b'{"id": 424242}'

        stored = asyncio.Event()
        looked_up = 0
        lookup = Cache._lookup

        async def answered_late(self: Cache, key: keys.Key) -> Any:
            nonlocal looked_up
            found = await lookup(self, key)
            looked_up += 1
            await stored.wait()
            return found

        monkeypatch.setattr(Cache, "_lookup", answered_late)
        late = [asyncio.ensure_future(cache.fetch(key, load)) for _ in range(CONCURRENT)]
        while looked_up < CONCURRENT:  # every one of them has missed
            await asyncio.sleep(0.001)
        monkeypatch.setattr(Cache, "_lookup", lookup)
        assert (await cache.fetch(key, load)) is not None  # loads and stores the value
        stored.set()
        entries = await asyncio.gather(*late)
        assert {entry.body for entry in entries if entry is not None} == {b'{"id": 424242}'}
        assert loads == 1
