"""`tally ingest --append-to`: a dry run counts, a real run adds only the new rows. On SQLite (the
append on both backends: tests/sources/test_append.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run_tally, set_up_cli_project

pytestmark = pytest.mark.slow


def test_append_from_the_command_line(tmp_path: Path) -> None:
    env, project = set_up_cli_project(tmp_path, "")
    january = tmp_path / "january.csv"
    january.write_text("Date,Reference,Amount\n2026-01-02,INV-1,100.00\n2026-01-03,INV-2,-5.50\n")
    more = tmp_path / "more.csv"
    more.write_text("Date,Reference,Amount\n2026-01-03,INV-2,-5.50\n2026-01-04,INV-3,7.25\n")

    loaded = run_tally("ingest", str(january), "--project", project, env=env)
    assert loaded.returncode == 0, loaded.stderr
    append = ("--project", project, "--append-to", "1")
    dry = run_tally("ingest", str(more), *append, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "1 new, 1 already imported" in dry.stderr and "nothing was changed" in dry.stderr
    real = run_tally("ingest", str(more), *append, env=env)
    assert real.returncode == 0, real.stderr
    assert "1 new rows, 1 already imported" in real.stderr
    again = run_tally("ingest", str(more), *append, env=env)
    assert "0 new rows, 2 already imported" in again.stderr
