"""`tally --help` and every `tally X --help` load only the command line, never the web app, the ORM,
pydantic or polars (their import is what made every command take 3 s to start; bench/cli measures
the time). Checked by the modules a fresh interpreter holds, not by a clock."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "pydantic", "fastapi", "starlette", "polars", "uvicorn", "tally.models")
# Every group and command a user can ask for help on (tests the registration in tally/cli.py too).
HELP_COMMANDS = [
    [],
    ["serve"],
    ["worker"],
    ["demo"],
    ["ingest"],
    ["reconcile"],
    ["watch"],
    ["inbox"],
    ["inbox", "create"],
    ["db"],
    ["db", "upgrade"],
    ["user"],
    ["user", "create"],
    ["user", "list"],
    ["project"],
    ["project", "create"],
    ["project", "members"],
    ["source"],
    ["source", "delete"],
    ["job"],
    ["job", "export"],
]

_PROBE = """
import json, sys
sys.argv[0] = "tally"
from tally.cli import run
try:
    run()
except SystemExit as done:
    code = done.code
heavy = sorted({m for m in sys.modules for h in HEAVY if m == h or m.startswith(h + ".")})
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _loaded_by(args: list[str]) -> dict[str, object]:
    probe = f"HEAVY = {HEAVY!r}\n{_PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", probe, *args, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("args", HELP_COMMANDS, ids=lambda a: " ".join(a) or "tally")
def test_help_loads_no_heavy_module(args: list[str]) -> None:
    assert _loaded_by(args) == {"code": 0, "heavy": []}
