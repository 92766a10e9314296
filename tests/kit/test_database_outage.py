"""Against a real server: stopping PostgreSQL turns reads into fast 503s, and they recover by
themselves once PostgreSQL is back — no restart of Tally."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database_sync
from tally.models import UserRole
from tests.helpers.processes import PostgresCluster, TallyServer
from tests.helpers.users import create_user

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    # Outside pytest's private tmp dir: the postgres user must be able to reach it.
    cluster = PostgresCluster(Path(tempfile.mkdtemp(prefix="tally-pg-outage-")) / "cluster")
    cluster.start()
    yield cluster
    cluster.destroy()


async def _seed(url: str) -> str:
    database = Database(Settings(TALLY_ENV="test"), url=url)
    try:
        async with database.sessionmaker() as session:
            return (await create_user(session, role=UserRole.ADMIN)).token
    finally:
        await database.dispose()


def test_reads_fail_fast_with_503_and_recover(cluster: PostgresCluster, tmp_path: Path) -> None:
    upgrade_database_sync(cluster.url)
    token = asyncio.run(_seed(cluster.url))
    server = TallyServer(
        # The cache off: this is about the database layer; a warm cache would rightly answer 200.
        {"DATABASE_URL": cluster.url, "TALLY_ENV": "production", "ENABLE_CACHE": "false"},
        tmp_path / "server.log",
    )
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{server.base_url}/api/v1/projects"
    try:
        assert httpx.get(url, headers=headers).status_code == 200

        cluster.stop()
        for _ in range(3):
            started = time.monotonic()
            response = httpx.get(url, headers=headers, timeout=10)
            elapsed = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] == "1"
            assert response.json()["error"] == "ServiceUnavailable"
            assert elapsed < 1.0, f"503 took {elapsed:.2f} s"
        assert httpx.get(f"{server.base_url}/readyz").status_code == 503
        assert httpx.get(f"{server.base_url}/healthz").status_code == 200

        cluster.start()
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline:
            status = httpx.get(url, headers=headers).status_code
            if status == 200:
                break
            time.sleep(0.1)
        assert status == 200
        assert httpx.get(f"{server.base_url}/readyz").status_code == 200
    finally:
        server.stop()
