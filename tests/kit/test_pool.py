"""The pool retries transient faults with back-off, warns when busy, and tags its connections."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import exc, text
from structlog.testing import capture_logs

from tally.config import Settings
from tally.kit.db import Database
from tests.helpers.processes import free_port


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
