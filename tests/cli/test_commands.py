"""The command line, run as a user would: real subprocesses against SQLite (ingest and reconcile on
both backends: tests/cli/test_scripting.py::test_sources_and_jobs; inference on both backends:
tests/rule_sets/test_inference*.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.cli import run_tally, set_up_cli_project

DEMO = Path(__file__).resolve().parents[2] / "src" / "tally" / "demo"
pytestmark = pytest.mark.slow


def test_demo_sets_up_a_reconciled_project_once(tmp_path: Path) -> None:
    env = {"TALLY_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    first = run_tally("demo", "--no-serve", env=env)
    assert first.returncode == 0, first.stderr
    assert "demo@tally.example" in first.stderr
    again = run_tally("demo", "--no-serve", env=env)
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


def test_rules_infer_proposes_a_version_with_its_evidence(tmp_path: Path) -> None:
    env, project = set_up_cli_project(tmp_path, "")
    for name in ("bank_statement.csv", "ledger.csv"):
        loaded = run_tally("ingest", str(DEMO / name), "--project", project, env=env)
        assert loaded.returncode == 0, loaded.stderr

    shown = run_tally(
        "rules", "infer", "--project", project, "--left", "1", "--right", "2", env=env
    )
    assert shown.returncode == 0, shown.stderr
    assert "Rule-set version 1 (active)" in shown.stdout
    assert "Proposed from your data" in shown.stdout
    assert "estimated precision" in shown.stdout

    as_json = run_tally(
        "rules", "infer", "--project", project, "--left", "1", "--right", "2", "--json", env=env
    )
    proposed = json.loads(as_json.stdout)
    assert (proposed["version"], proposed["status"]) == (2, "draft")
    assert proposed["evidence"] and proposed["rule_set"]["rules"]

    refused = run_tally(
        "rules", "infer", "--project", project, "--left", "1", "--right", "1", env=env
    )
    assert refused.returncode == 2  # bad input: the same source on both sides
    assert "SourcesNotInferable" in refused.stderr

    # Above the inline limit the command runs the inference as a background run, with a bar.
    background = run_tally(
        "rules",
        "infer",
        "--project",
        project,
        "--left",
        "1",
        "--right",
        "2",
        "--activate",
        env={**env, "TALLY_INFER_INLINE_MAX_RECORDS": "0"},
    )
    assert background.returncode == 0, background.stderr
    assert "Inferring rules" in background.stderr  # the progress bar
    assert "Rule-set version 3 (active)" in background.stdout
    assert "estimated precision" in background.stdout
