"""The command line as a user runs it: `python -m tally.cli` in a subprocess.

Each subprocess costs ~1.5 s of imports, so the CLI tests prove the command line (arguments, exit
codes, output) once, on SQLite, and run on PostgreSQL only what goes through backend-specific
paths (tests/cli/test_scripting.py::test_sources_and_jobs: COPY ingest, partitioned result write,
COPY export, source delete). The services under every command run on both backends in their
feature's tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_tally(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tally.cli", *args],
        env={**os.environ, "TALLY_LOG_LEVEL": "WARNING", **env},
        stdin=subprocess.DEVNULL,  # as from a script: a confirmation prompt is refused, not awaited
        capture_output=True,
        text=True,
        timeout=180,
    )


def set_up_cli_project(data_dir: Path, database_url: str) -> tuple[dict[str, str], str]:
    """A migrated database (SQLite in ``data_dir`` when ``database_url`` is empty) whose user
    ops@example.test, made by `tally user create`, owns a project 'cli' (`tally project create`). Returns the environment to
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
    made = run_tally("project", "create", "cli", "--owner", "ops@example.test", "--json", env=env)
    assert made.returncode == 0, made.stderr
    return env, str(json.loads(made.stdout)["id"])
