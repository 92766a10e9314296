"""The command line as a script drives it: every read with --json parsed, every failure with the exit
code of its kind (bad input 2, not found 3, conflict 4). Sources and jobs run on SQLite and
PostgreSQL (COPY ingest, partitioned result write, COPY export differ); users and projects, plain
ORM reads and writes tested on both backends in tests/users and tests/projects, on SQLite."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import create_postgres_database
from tests.helpers.cli import run_tally, set_up_cli_project

DEMO = Path(__file__).resolve().parents[2] / "src" / "tally" / "demo"
pytestmark = pytest.mark.slow


def _json(*args: str, env: dict[str, str]) -> Any:
    done = run_tally(*args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _exit_code(*args: str, env: dict[str, str]) -> int:
    return run_tally(*args, env=env).returncode


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_env(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[dict[str, str], str]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    backend = request.param
    url = "" if backend == "sqlite" else create_postgres_database(f"tally_test_script_{worker}")
    return set_up_cli_project(tmp_path, url)


@pytest.mark.parametrize("cli_env", ["sqlite"], indirect=True)
def test_projects_users_and_members(cli_env: tuple[dict[str, str], str]) -> None:
    env, project = cli_env
    users = _json("user", "list", env=env)
    assert [u["email"] for u in users] == ["ops@example.test"]
    reviewer = _json("user", "create", "rev@example.test", "--password", "another long pw", env=env)
    assert reviewer["role"] == "member"
    assert _exit_code("user", "create", "REV@example.test", "--password", "x" * 9, env=env) == 4
    assert _exit_code("user", "create", "not-an-email", "--password", "x" * 9, env=env) == 2

    second = _json("project", "create", "Payouts", "--owner", "rev@example.test", env=env)
    assert _exit_code("project", "create", "X", "--owner", "nobody@example.test", env=env) == 3
    listed = _json("project", "list", env=env)
    assert {p["id"] for p in listed} == {int(project), second["id"]}
    mine = _json("project", "list", "--member", "rev@example.test", env=env)
    assert [p["name"] for p in mine] == ["Payouts"]

    shown = _json("project", "show", project, env=env)
    assert shown["name"] == "cli"
    assert shown["stats"]["record_count"] == 0
    assert _exit_code("project", "show", "999", env=env) == 3

    members = _json("project", "members", project, "--add", "rev@example.test", env=env)
    assert {(m["email"], m["role"]) for m in members} == {
        ("ops@example.test", "owner"),
        ("rev@example.test", "viewer"),
    }
    assert _json("project", "list", "--member", "rev@example.test", env=env)[-1]["id"] == int(
        project
    )
    assert _exit_code("project", "members", project, "--remove", "ops@example.test", env=env) == 4
    assert _exit_code("project", "members", project, "--add", "a@b.c", "--role", "x", env=env) == 2
    left = _json("project", "members", project, "--remove", "rev@example.test", env=env)
    assert [m["email"] for m in left] == ["ops@example.test"]

    off = _json("user", "deactivate", "rev@example.test", env=env)
    assert off["is_active"] is False
    assert _json("user", "deactivate", "rev@example.test", "--reactivate", env=env)["is_active"]
    reset = run_tally(
        "user", "reset-password", "rev@example.test", "--password", "a brand new pw", env=env
    )
    assert reset.returncode == 0, reset.stderr
    assert (
        _exit_code("user", "reset-password", "x@example.test", "--password", "p" * 9, env=env) == 3
    )


def test_sources_and_jobs(cli_env: tuple[dict[str, str], str], tmp_path: Path) -> None:
    env, project = cli_env
    for name, file in (("bank", "bank_statement.csv"), ("ledger", "ledger.csv")):
        loaded = run_tally(
            "ingest", str(DEMO / file), "--project", project, "--name", name, env=env
        )
        assert loaded.returncode == 0, loaded.stderr
        assert f"ready: {176 if name == 'bank' else 180} records" in loaded.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Amount\n2026-01-01,ten\n")
    refused = run_tally("ingest", str(bad), "--project", project, env=env)
    assert refused.returncode == 2
    assert "Amount" in refused.stderr
    assert "'ten'" in refused.stderr  # the real cause: the column's values are not amounts
    assert len(refused.stderr.splitlines()) <= 12  # a short message, not the whole preview

    sources = _json("source", "list", "--project", project, env=env)
    ready = {s["name"]: s for s in sources if s["status"] == "ready"}
    assert {name: s["row_count"] for name, s in ready.items()} == {"bank": 176, "ledger": 180}
    bank, ledger = ready["bank"]["id"], ready["ledger"]["id"]
    shown = _json("source", "show", str(bank), "--project", project, env=env)
    assert shown["name"] == "bank"
    assert shown["appends"] == []
    assert _exit_code("source", "show", "999", "--project", project, env=env) == 3

    rules = DEMO / "rules.json"
    reconcile = ("reconcile", "--project", project, "--left", str(bank), "--right", str(ledger))
    done = run_tally(*reconcile, "--rules", str(rules), "--wait", env=env)
    assert done.returncode == 0, done.stderr
    assert "completed" in done.stderr
    assert "matched amount" in done.stdout
    assert not any(f"{n}0000" in done.stdout for n in range(10))  # decimals, not scaled units
    assert _exit_code(*reconcile[:-2], "--right", str(bank), env=env) == 2  # same source twice

    (job,) = _json("job", "list", "--project", project, env=env)
    assert job["status"] == "completed"
    left = job["summary"]["left"]
    assert left["records"] == 176
    assert Decimal(left["matched_amount"]) > 0  # a decimal string, not integer units
    assert "." in left["matched_amount"]
    job_id = str(job["id"])
    assert _json("job", "show", job_id, "--project", project, env=env)["id"] == job["id"]
    assert _exit_code("job", "show", "999", "--project", project, env=env) == 3
    assert _exit_code("job", "cancel", job_id, "--project", project, env=env) == 4
    assert _exit_code("job", "retry", job_id, "--project", project, env=env) == 4

    csv_file, xlsx_file = tmp_path / "out.csv", tmp_path / "out.xlsx"
    for fmt, target in (("csv", csv_file), ("xlsx", xlsx_file)):
        exported = run_tally(
            "job", "export", job_id, "--project", project, "--format", fmt, "--output",
            str(target), env=env,
        )  # fmt: skip
        assert exported.returncode == 0, exported.stderr
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("tab,match_id,status")
    assert len(lines) - 1 == 176 + 180  # one row per record (no duplicates in the demo files)
    workbook = load_workbook(xlsx_file, read_only=True)
    assert "Quality" in workbook.sheetnames
    # The saved copies carry the audit chain head, and the chain still holds it.
    sheet_head = dict(workbook["Audit"].iter_rows(values_only=True))["audit chain head"]
    file_head = (tmp_path / "out.csv.audit-head").read_text().splitlines()[0]
    assert sheet_head == file_head and f"--head {file_head}" in exported.stderr
    verify = ("audit", "verify", "--project", project, "--head", file_head)
    assert _exit_code(*verify, env=env) == 0
    assert _exit_code("job", "export", "999", "--project", project, "-o", "x.csv", env=env) == 3

    queued = _json(*reconcile, "--rules", str(rules), env=env)
    assert queued["status"] == "queued"
    cancelled = _json("job", "cancel", str(queued["id"]), "--project", project, env=env)
    assert cancelled["status"] == "cancelled"
    again = _json("job", "retry", str(queued["id"]), "--project", project, env=env)
    assert again["status"] == "queued"

    assert _exit_code("source", "delete", str(ledger), "--project", project, env=env) != 0
    # A source a queued job reads is not deleted (a conflict) until the job is cancelled.
    in_use = run_tally("source", "delete", str(ledger), "--project", project, "--yes", env=env)
    assert in_use.returncode == 4 and "SourceInUse" in in_use.stderr
    assert _json("job", "cancel", str(again["id"]), "--project", project, env=env)["status"] == (
        "cancelled"
    )
    deleted = run_tally("source", "delete", str(ledger), "--project", project, "--yes", env=env)
    assert deleted.returncode == 0, deleted.stderr
    assert [s["id"] for s in _json("source", "list", "--project", project, env=env)] == [
        s["id"] for s in sources if s["id"] != ledger
    ]
