"""`tally apikey`, run as a user would: a real subprocess against SQLite (keys on both backends:
tests/apikeys/test_endpoints.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run_tally, set_up_cli_project

pytestmark = pytest.mark.slow


def test_create_list_rotate_and_revoke(tmp_path: Path) -> None:
    env, project = set_up_cli_project(tmp_path, "")
    user = ("--user", "ops@example.test")

    made = run_tally(
        "apikey", "create", *user, "--name", "nightly", "--role", "editor",
        "--project", project, env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("tly_") and "shown once" in made.stderr

    listed = run_tally("apikey", "list", *user, "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    (key,) = json.loads(listed.stdout)
    assert (key["name"], key["role"], str(key["project_id"])) == ("nightly", "editor", project)
    assert key["prefix"] == secret[:12] and secret not in listed.stdout

    rotated = run_tally("apikey", "rotate", str(key["id"]), *user, "--json", env=env)
    assert rotated.returncode == 0, rotated.stderr
    assert json.loads(rotated.stdout)["secret"] != secret
    revoked = run_tally("apikey", "revoke", str(key["id"]), *user, env=env)
    assert revoked.returncode == 0, revoked.stderr
    keys = json.loads(run_tally("apikey", "list", *user, "--json", env=env).stdout)
    assert [k["revoked_at"] is not None for k in keys] == [False, True]

    above = run_tally(
        "apikey", "create", *user, "--name", "x", "--role", "owner", "--project", "999999",
        env=env,
    )  # fmt: skip
    assert above.returncode == 3 and "ProjectNotFound" in above.stderr  # not found
