"""`tally inbox create` and `tally watch --once` as a cron job runs them: a statement dropped into a
folder is appended once and reconciled; a broken one fails the run. On SQLite (the PostgreSQL paths
under the command: tests/intake/test_poller.py, tests/sources/test_append.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run_tally, set_up_cli_project

DEMO = Path(__file__).resolve().parents[2] / "src" / "tally" / "demo"
pytestmark = pytest.mark.slow


def test_watch_once_takes_each_statement_once(tmp_path: Path) -> None:
    env, project = set_up_cli_project(tmp_path / "data", "")
    bank_lines = (DEMO / "bank_statement.csv").read_text(encoding="utf-8").splitlines()
    first, later = tmp_path / "first.csv", "\n".join([bank_lines[0], *bank_lines[150:]]) + "\n"
    first.write_text("\n".join(bank_lines[:150]) + "\n", encoding="utf-8")
    for file, name in ((first, "bank"), (DEMO / "ledger.csv", "ledger")):
        loaded = run_tally("ingest", str(file), "--project", project, "--name", name, env=env)
        assert loaded.returncode == 0, loaded.stderr
    sources = json.loads(
        run_tally("source", "list", "--project", project, "--json", env=env).stdout
    )
    ids = {s["name"]: str(s["id"]) for s in sources}
    drop = tmp_path / "drop"
    drop.mkdir()
    made = run_tally(
        "inbox", "create", str(drop), "--project", project, "--source", ids["bank"],
        "--counterpart", ids["ledger"], "--pattern", "*.csv", "--json", env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["url"] == str(drop)

    (drop / "day2.csv").write_text(later, encoding="utf-8")
    watched = run_tally("watch", "--once", "--json", env=env)
    assert watched.returncode == 0, watched.stderr
    (arrival,) = [json.loads(line) for line in watched.stdout.splitlines()]
    assert (arrival["status"], arrival["rows_added"]) == ("processed", len(bank_lines) - 150)
    job = json.loads(
        run_tally(
            "job", "show", str(arrival["job_id"]), "--project", project, "--json", env=env
        ).stdout
    )
    assert job["status"] == "completed"
    assert job["summary"]["left"]["records"] == len(bank_lines) - 1
    assert sorted(p.name for p in (drop / "processed").iterdir()) == ["day2.csv"]

    (drop / "day2.csv").write_text(later, encoding="utf-8")  # dropped again
    (drop / "broken.csv").write_text("Referenz;Betrag\nX;zehn\n", encoding="utf-8")
    again = run_tally("watch", "--once", "--json", env=env)
    assert again.returncode == 1  # a file failed
    outcomes = {a["name"]: a["status"] for a in map(json.loads, again.stdout.splitlines())}
    assert outcomes == {"day2.csv": "duplicate", "broken.csv": "failed"}
    assert (drop / "failed" / "broken.csv.reason.json").exists()
    bank = json.loads(
        run_tally("source", "show", ids["bank"], "--project", project, "--json", env=env).stdout
    )
    assert bank["row_count"] == len(bank_lines) - 1
    jobs = json.loads(run_tally("job", "list", "--project", project, "--json", env=env).stdout)
    assert len(jobs) == 1
