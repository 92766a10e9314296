"""The pool retries transient faults with back-off, warns when busy, and tags its connections."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import capture_logs

from tally.config import Settings
from tally.kit.db import Database, RetryingQueuePool, request_wait_budget
from tests.helpers.apps import running_app
from tests.helpers.processes import free_port
from tests.helpers.users import AuthedUser, create_user


def _settings(**overrides: object) -> Settings:
    return Settings(TALLY_ENV="test", **overrides)  # type: ignore[arg-type]


async def test_pool_timeout_is_retried_three_times_then_raised(database_url: str) -> None:
    database = Database(
        _settings(DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=0.05), url=database_url
    )
    try:
        async with database.engine.connect():
            started = time.monotonic()
            with pytest.raises(exc.TimeoutError):
                async with database.engine.connect():
                    pass
            elapsed = time.monotonic() - started
        counters = database.pool.counters
        assert (counters.timeouts, counters.retries) == (4, 3)
        # 4 waits of 50 ms plus back-off of about 10 + 20 + 40 ms.
        assert elapsed >= 0.2 + 0.07 * 0.8
    finally:
        await database.dispose()


async def test_a_request_waits_for_a_connection_no_longer_than_the_budget_at_production_defaults(
    database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    """Without the budget, a production pool (30 s time-out, 3 retries) keeps a request about
    2 minutes before its 503. Only the pool is made small, so the test can exhaust it."""
    user: AuthedUser = await create_user(session)
    settings = Settings(
        TALLY_ENV="production",
        TALLY_DATA_DIR=tmp_path,
        TALLY_TASK_BACKEND="embedded",
        ENABLE_CACHE=False,  # the principal is read from the database, through the pool
        DB_POOL_SIZE=1,
        DB_MAX_OVERFLOW=0,
        # Production polls inboxes from start-up; that background checkout would wait (and time
        # out) on the held connection too, and the counters below are the request's alone.
        TALLY_INTAKE_TICK_SECONDS=0,
    )
    assert (settings.db_pool_timeout, settings.db_pool_max_wait) == (30.0, 3.0)
    database = Database(settings, url=database_url)
    try:
        async with (
            running_app(database, settings) as (_app, http),
            database.engine.connect() as held,  # the pool's only connection
        ):
            await held.execute(text("SELECT 1"))
            started = time.monotonic()
            response = await http.get("/api/v1/projects", headers=user.headers)
            waited = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "1"
        assert response.json()["error"] == "ServiceUnavailable"
        counters = database.pool.counters
        # One wait, cut from 30 s to the 3 s budget; no retry after the budget is spent.
        assert (counters.timeouts, counters.retries, counters.unavailable) == (1, 0, 1)
        assert waited < settings.db_pool_timeout  # a generous bound: the budget is 10 times less
    finally:
        await database.dispose()


async def test_a_requests_checkouts_share_one_wait_budget_at_production_defaults(
    database_url: str, tmp_path: Path
) -> None:
    """A request may check out more than once (the cache loads the caller and their membership in
    sessions of their own, then the request's session): DB_POOL_MAX_WAIT bounds their waits
    together, not each of them. Ordering, not timing: the first checkout spends the request's
    budget waiting for the held connection, so the second does not wait at all; a task started
    by the request that checks out after the request ended waits on its own terms."""
    settings = Settings(
        TALLY_ENV="production", TALLY_DATA_DIR=tmp_path, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0
    )
    database = Database(settings, url=database_url)
    waits: list[float] = []
    pool = database.pool
    real_get = RetryingQueuePool._get_before

    def recording(self: RetryingQueuePool, deadline: float) -> Any:
        waits.append(deadline - time.monotonic())
        return real_get(self, deadline)

    request_over = asyncio.Event()

    async def started_by_the_request() -> None:
        await request_over.wait()
        async with database.engine.connect():
            pass

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(RetryingQueuePool, "_get_before", recording)
            async with database.engine.connect() as held:  # the pool's only connection
                await held.execute(text("SELECT 1"))
                with request_wait_budget(settings.db_pool_max_wait):
                    later = asyncio.create_task(started_by_the_request())
                    for _ in range(2):
                        with pytest.raises(exc.TimeoutError):
                            async with database.engine.connect():
                                pass
                # A task the request started, checking out after it ended, has its own wait.
                request_over.set()
                with pytest.raises(exc.TimeoutError):
                    await later
        budget_spent, after_the_request = waits[2], waits[3]
        assert waits[1] > 0 and budget_spent <= 0 and after_the_request > 0, waits
        assert pool.counters.retries == 0
    finally:
        await database.dispose()


async def test_connection_refused_is_retried_then_raised() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    database = Database(_settings(), url=url)
    try:
        with pytest.raises(exc.OperationalError):
            async with database.engine.connect():
                pass
        counters = database.pool.counters
        assert (counters.connect_errors, counters.retries) == (4, 3)
    finally:
        await database.dispose()


async def test_warns_once_above_80_percent_use(database_url: str) -> None:
    database = Database(_settings(DB_POOL_SIZE=5, DB_MAX_OVERFLOW=0), url=database_url)
    connections = []
    try:
        with capture_logs() as logs:
            for _ in range(5):
                connections.append(await database.engine.connect())
                await connections[-1].execute(text("SELECT 1"))
        warnings = [entry for entry in logs if entry["event"] == "db.pool_high_usage"]
        assert len(warnings) == 1  # 5/5 = 100 % > 80 %; 4/5 = 80 % is not above it
        assert warnings[0]["usage_pct"] == 100.0
        status = database.pool_status()
        assert (status["checked_out"], status["usage_pct"]) == (5, 100.0)
    finally:
        for connection in connections:
            await connection.close()
        await database.dispose()


async def test_postgres_connections_carry_the_application_name(
    backend: str, database_url: str
) -> None:
    if backend != "postgresql":
        pytest.skip("application_name is a PostgreSQL setting")
    database = Database(_settings(), url=database_url)
    try:
        async with database.engine.connect() as connection:
            name = await connection.scalar(text("SELECT current_setting('application_name')"))
        assert name == "tally"
    finally:
        await database.dispose()
