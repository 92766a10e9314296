"""The command line, run as a user would: real subprocesses against SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import create_postgres_database

DEMO = Path(__file__).resolve().parents[2] / "src" / "tally" / "demo"
pytestmark = pytest.mark.slow


def _tally(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tally.cli", *args],
        env={**os.environ, "TALLY_LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_demo_sets_up_a_reconciled_project_once(tmp_path: Path) -> None:
    env = {"TALLY_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    first = _tally("demo", "--no-serve", env=env)
    assert first.returncode == 0, first.stderr
    assert "demo@tally.example" in first.stderr
    again = _tally("demo", "--no-serve", env=env)
    assert again.returncode == 0, again.stderr

    with sqlite3.connect(tmp_path / "tally.db") as db:
        assert db.execute("SELECT count(*) FROM project").fetchone() == (1,)
        assert db.execute("SELECT status, row_count FROM data_source ORDER BY id").fetchall() == [
            ("ready", 176),
            ("ready", 180),
        ]
        ((status, summary),) = db.execute(
            "SELECT status, summary FROM reconciliation_job"
        ).fetchall()
        assert status == "completed"
        totals = json.loads(summary)
        assert totals["left"]["matched"] >= 150
        assert db.execute("SELECT count(*) FROM match WHERE status = 'suggested'").fetchone()[0] > 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_user_ingest_and_reconcile_commands(tmp_path: Path, backend: str) -> None:
    url = "" if backend == "sqlite" else create_postgres_database("tally_test_cli")
    env = {"TALLY_DATA_DIR": str(tmp_path), "DATABASE_URL": url, "TALLY_TASK_BACKEND": "embedded"}
    if backend == "postgresql":
        assert _tally("db", "upgrade", env=env).returncode == 0
    created = _tally("user", "create", "ops@example.test", "--password", "long enough pw", env=env)
    assert created.returncode == 0, created.stderr

    # A project to load into, made through the API's service layer by a tiny script.
    script = (
        "import asyncio\n"
        "from tally.config import get_settings\n"
        "from tally.kit.migrate import open_database\n"
        "from tally.kit.db import run_in_transaction\n"
        "from tally.projects.service import ProjectService\n"
        "from tally.projects.schemas import ProjectCreate\n"
        "from tally.users.auth import Principal\n"
        "async def main():\n"
        "    db = await open_database(get_settings())\n"
        "    p = await run_in_transaction(db, lambda s: ProjectService(s).create_project("
        "Principal(1, 'ops@example.test', 'member', ''), ProjectCreate(name='cli')))\n"
        "    print(p.id)\n"
        "    await db.dispose()\n"
        "asyncio.run(main())\n"
    )
    made = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    project = made.stdout.strip().splitlines()[-1]

    bank = _tally(
        "ingest", str(DEMO / "bank_statement.csv"), "--project", project, "--name", "bank", env=env
    )
    assert bank.returncode == 0, bank.stderr
    assert "ready: 176 records" in bank.stderr
    ledger = _tally("ingest", str(DEMO / "ledger.csv"), "--project", project, env=env)
    assert ledger.returncode == 0, ledger.stderr

    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Amount\n2026-01-01,ten\n")
    refused = _tally("ingest", str(bad), "--project", project, env=env)
    assert refused.returncode != 0
    assert "Amount" in refused.stderr

    rules = tmp_path / "rules.json"
    rules.write_text((DEMO / "rules.json").read_text())
    reconciled = _tally(
        "reconcile",
        "--project",
        project,
        "--left",
        "1",
        "--right",
        "2",
        "--rules",
        str(rules),
        "--wait",
        env=env,
    )
    assert reconciled.returncode == 0, reconciled.stderr
    assert "completed" in reconciled.stderr
