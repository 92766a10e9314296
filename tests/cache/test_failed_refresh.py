"""A miss that joins an early refresh whose load fails still gets an answer: its own load's value
(or that load's error, a 503), never nothing to serve (which the HTTP layer turns into a 500)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import keys
from tests.cache.conftest import AppFactory, cache_of


async def test_a_miss_joining_a_failed_refresh_loads_for_itself(make_app: AppFactory) -> None:
    async with make_app("local") as (app, _):
        cache = cache_of(app)
        key = keys.project(987_654)
        release = asyncio.Event()

        async def first(session: AsyncSession) -> bytes:
            return b'{"v": 1}'

        async def failing(session: AsyncSession) -> bytes:
            await release.wait()
            raise ConnectionError("database went away during the refresh")

        async def second(session: AsyncSession) -> bytes:
            return b'{"v": 2}'

        stored = await cache.fetch(key, first)
        assert stored is not None
        stored.refresh_at = 0.0  # due for an early refresh at the next hit
        served = await cache.fetch(key, failing)  # a hit: the refresh runs behind it
        assert served is not None and served.body == b'{"v": 1}'
        assert cache.local is not None
        cache.local.clear()  # the entry is gone while the refresh is still loading
        joined = asyncio.ensure_future(cache.fetch(key, second))
        await asyncio.sleep(0)
        release.set()
        answer = await asyncio.wait_for(joined, 10)
        assert answer is not None and answer.body == b'{"v": 2}'
