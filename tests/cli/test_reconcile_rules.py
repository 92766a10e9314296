"""`tally reconcile --rules` with a rule set that does not validate says what is wrong, where."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import run_tally


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
