"""The command line as a user runs it: `python -m tally.cli` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Made through the API's service layer by a tiny script: the command line has no `project create`.
_CREATE_PROJECT = """
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


def run_tally(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tally.cli", *args],
        env={**os.environ, "TALLY_LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def set_up_cli_project(data_dir: Path, database_url: str) -> tuple[dict[str, str], str]:
    """A migrated database (SQLite in ``data_dir`` when ``database_url`` is empty) whose user
    ops@example.test, made by `tally user create`, owns a project 'cli'. Returns the environment to
    run `tally` in and the project's id."""
    env = {
        "TALLY_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "TALLY_TASK_BACKEND": "embedded",
    }
    if database_url:
        assert run_tally("db", "upgrade", env=env).returncode == 0
    created = run_tally(
        "user", "create", "ops@example.test", "--password", "long enough pw", env=env
    )
    assert created.returncode == 0, created.stderr
    made = subprocess.run(
        [sys.executable, "-c", _CREATE_PROJECT],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    return env, made.stdout.strip().splitlines()[-1]
