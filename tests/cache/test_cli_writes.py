"""Commands that write outside the server (``tally ingest``) reach a running server's cache
through Redis at once: the server never serves what it cached before such a write."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tests.cache.conftest import AppFactory, cache_of, shared_redis_url
from tests.helpers.projects import create_project
from tests.helpers.users import create_user

pytestmark = pytest.mark.slow


async def test_tally_ingest_is_seen_by_a_running_server_at_once(
    make_app: AppFactory, db: Database, session: AsyncSession, key_prefix: str, tmp_path: Path
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}/data-sources"
    statement = tmp_path / "bank.csv"
    statement.write_text("date,amount,reference\n2026-01-02,10.50,A-1\n2026-01-03,-3.20,A-2\n")

    async with make_app("redis") as (app, client):
        for _ in range(2):  # loaded, then served from the cache
            response = await client.get(url, headers=owner.headers)
            assert response.status_code == 200, response.text
            assert response.json()["items"] == []
        assert cache_of(app).stats.families["data_sources"].hits == 1

        env = {
            **os.environ,
            "DATABASE_URL": db.url,
            "REDIS_URL": shared_redis_url(),
            "CACHE_KEY_PREFIX": key_prefix,  # the server's namespace on the shared Redis
            "TALLY_DATA_DIR": str(tmp_path / "data"),
            "TALLY_TASK_BACKEND": "embedded",
            "TALLY_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "tally.cli", "ingest", str(statement)]
        ingested = await asyncio.to_thread(
            subprocess.run,
            [*command, "--project", str(project.id), "--name", "bank"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ingested.returncode == 0, ingested.stderr

        listed = (await client.get(url, headers=owner.headers)).json()["items"]
        assert [(source["name"], source["row_count"]) for source in listed] == [("bank", 2)]
