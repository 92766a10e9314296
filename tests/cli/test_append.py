"""`tally ingest --append-to`: a dry run counts, a real run adds only the new rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_commands import _tally
from tests.conftest import create_postgres_database

pytestmark = pytest.mark.slow

_PROJECT_SCRIPT = """
import asyncio
from tally.config import get_settings
from tally.kit.migrate import open_database
from tally.kit.db import run_in_transaction
from tally.projects.service import ProjectService
from tally.projects.schemas import ProjectCreate
from tally.users.auth import Principal
async def main():
    db = await open_database(get_settings())
    principal = Principal(1, 'ops@example.test', 'member', '')
    p = await run_in_transaction(
        db, lambda s: ProjectService(s).create_project(principal, ProjectCreate(name='cli'))
    )
    print(p.id)
    await db.dispose()
asyncio.run(main())
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_append_from_the_command_line(tmp_path: Path, backend: str) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = "" if backend == "sqlite" else create_postgres_database(f"tally_test_cli_append_{worker}")
    env = {"TALLY_DATA_DIR": str(tmp_path), "DATABASE_URL": url, "TALLY_TASK_BACKEND": "embedded"}
    if backend == "postgresql":
        assert _tally("db", "upgrade", env=env).returncode == 0
    created = _tally("user", "create", "ops@example.test", "--password", "long enough pw", env=env)
    assert created.returncode == 0, created.stderr
    made = subprocess.run(
        [sys.executable, "-c", _PROJECT_SCRIPT],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    project = made.stdout.strip().splitlines()[-1]
    january = tmp_path / "january.csv"
    january.write_text("Date,Reference,Amount\n2026-01-02,INV-1,100.00\n2026-01-03,INV-2,-5.50\n")
    more = tmp_path / "more.csv"
    more.write_text("Date,Reference,Amount\n2026-01-03,INV-2,-5.50\n2026-01-04,INV-3,7.25\n")

    loaded = _tally("ingest", str(january), "--project", project, env=env)
    assert loaded.returncode == 0, loaded.stderr
    append = ("--project", project, "--append-to", "1")
    dry = _tally("ingest", str(more), *append, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "1 new, 1 already imported" in dry.stderr and "nothing was changed" in dry.stderr
    real = _tally("ingest", str(more), *append, env=env)
    assert real.returncode == 0, real.stderr
    assert "1 new rows, 1 already imported" in real.stderr
    again = _tally("ingest", str(more), *append, env=env)
    assert "0 new rows, 2 already imported" in again.stderr
