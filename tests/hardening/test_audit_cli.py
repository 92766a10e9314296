"""`tally audit verify` as a user runs it: exit 0 on an intact chain, 1 naming the broken link."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tally.config import Settings
from tally.kit.db import Database
from tally.models import AuditEvent
from tests.helpers.cli import run_tally, set_up_cli_project

pytestmark = pytest.mark.slow


async def test_audit_verify_command(tmp_path: Path) -> None:
    env, project_id = set_up_cli_project(tmp_path, "")
    database = Database(Settings(TALLY_ENV="test", TALLY_DATA_DIR=tmp_path))
    async with database.sessionmaker() as session:
        session.add_all(
            AuditEvent(project_id=int(project_id), action="match.confirmed", target=f"match:{n}")
            for n in range(3)
        )
        await session.commit()
    await database.dispose()

    intact = run_tally("audit", "verify", "--project", project_id, env=env)
    assert intact.returncode == 0, intact.stderr
    assert f"project {project_id}: ok, 3 events, head 3:" in intact.stdout
    head = intact.stdout.split("head ", 1)[1].strip()
    assert (
        run_tally("audit", "verify", "--project", project_id, "--head", head, env=env).returncode
        == 0
    )

    with sqlite3.connect(tmp_path / "tally.db") as db:
        db.execute("UPDATE audit_event SET target = 'match:99' WHERE seq = 2")
    broken = run_tally("audit", "verify", env=env)
    assert broken.returncode == 1
    assert f"project {project_id}: BROKEN at event 2" in broken.stdout
    assert "target was changed" in broken.stdout
