"""`tally reconcile --rules` with a rule set that does not validate says what is wrong, where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run_tally, set_up_cli_project


def test_invalid_rules_print_the_validation_message_not_a_traceback(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    bad_amount = {"type": "amount", "pct_tolerance": "250"}
    rules.write_text(json.dumps({"rules": [{"name": "r", "conditions": [bad_amount]}]}))
    env = {"TALLY_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    run = run_tally(
        "reconcile", "--project", "1", "--left", "1", "--right", "2", "--rules", str(rules), env=env
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "is not a valid rule set" in run.stderr
    assert "pct_tolerance" in run.stderr and "percentage in [0, 100)" in run.stderr

    rules.write_text('{"rules": [')
    broken = run_tally(
        "reconcile", "--project", "1", "--left", "1", "--right", "2", "--rules", str(rules), env=env
    )
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert "Invalid JSON" in broken.stderr


@pytest.mark.slow
def test_reconcile_wait_prints_the_warnings_and_decimal_amounts(tmp_path: Path) -> None:
    # A bank export of date, text and amount against a ledger with an invoice column, reconciled
    # with a rule keyed on a reference the bank file does not have.
    env, project = set_up_cli_project(tmp_path, "")
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "Date,Text,Amount\n"
        + "".join(f"2026-01-{d:02d},Transfer INV-{d} thanks,{100 + d}.50\n" for d in range(1, 21))
    )
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "Date,Invoice,Amount\n"
        + "".join(f"2026-01-{d:02d},INV-{d},{100 + d}.50\n" for d in range(1, 21))
    )
    for path in (bank, ledger):
        loaded = run_tally("ingest", str(path), "--project", project, env=env)
        assert loaded.returncode == 0, loaded.stderr
    rules = tmp_path / "rules.json"
    by_reference = {"type": "equals", "field": "reference"}
    rules.write_text(json.dumps({"rules": [{"name": "ref", "conditions": [by_reference]}]}))
    run = run_tally(
        "reconcile", "--project", project, "--left", "1", "--right", "2", "--wait",
        "--rules", str(rules), env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    # The summary is a table on stdout, amounts as decimals (not integer units); the warnings
    # follow it on stderr, one line each.
    assert "unmatched amount" in run.stdout
    (left,) = [line for line in run.stdout.splitlines() if " left " in line]
    assert "2220.00" in left.split()  # 20 records, 101.50 + ... + 120.50, none matched
    warnings = [line for line in run.stderr.splitlines() if line.startswith("Warning:")]
    assert any("empty in every record of the left source" in line for line in warnings)
    assert all("What to do:" in line for line in warnings)
