"""Cache test fixtures: the app in each cache mode, against the shared test Redis or a private one.

Each test gets its own key prefix (and so its own invalidation channel) on the shared Redis, so
tests and xdist workers never see each other's entries.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tally.cache import Cache
from tally.config import Settings
from tally.kit.db import Database
from tests.helpers.apps import running_app, settings_with
from tests.helpers.redis_server import RedisServer

# In-process tier alone (no REDIS_URL); Redis with the coherent in-process tier; Redis alone.
MODES = ("local", "redis", "redis-only")


def shared_redis_url() -> str:
    url = os.environ.get("TALLY_TEST_REDIS_URL")
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("TALLY_TEST_REDIS_URL is not set: run the suite through scripts/test")
        pytest.skip("Redis tests need TALLY_TEST_REDIS_URL (scripts/test sets it)")
    return url


@pytest.fixture
def key_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture(params=MODES)
def cache_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


AppFactory = Callable[..., AbstractAsyncContextManager[tuple[FastAPI, AsyncClient]]]


@pytest.fixture
def make_app(db: Database, test_settings: Settings, key_prefix: str) -> AppFactory:
    """``async with make_app(mode, **settings) as (app, client)``: one server process's worth."""

    def factory(
        mode: str = "local", **overrides: Any
    ) -> AbstractAsyncContextManager[tuple[FastAPI, AsyncClient]]:
        values: dict[str, Any] = {"CACHE_KEY_PREFIX": key_prefix}
        if mode in ("redis", "redis-only"):
            # Generous: these tests are about correctness on a busy CI machine, not outages.
            values |= {"REDIS_URL": shared_redis_url(), "CACHE_REDIS_TIMEOUT": 1.0}
        if mode == "redis-only":
            values["CACHE_LOCAL_MAX_BYTES"] = 0
        return running_app(db, settings_with(test_settings, **{**values, **overrides}))

    return factory


@pytest.fixture
async def cached(
    make_app: AppFactory, cache_mode: str
) -> AsyncIterator[tuple[FastAPI, AsyncClient]]:
    async with make_app(cache_mode) as running:
        yield running


def cache_of(app: FastAPI) -> Cache:
    cache: Cache = app.state.cache
    return cache


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer(Path(tempfile.mkdtemp(prefix="tally-redis-")))
    server.start()
    yield server
    server.stop()
