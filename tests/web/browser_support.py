"""A real `tally serve` for the browser tests, seeded through the database it migrated."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tally import models
from tally.config import Settings
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tally.models import UserRole
from tally.rule_sets.service import BUILT_IN_NOTE
from tests.helpers.processes import TallyServer
from tests.helpers.projects import create_project
from tests.helpers.records import create_source_with_rows
from tests.helpers.results import BANK, LEDGER
from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser, create_user

T = TypeVar("T")
PASSWORD = DEFAULT_PASSWORD


def chromium_path() -> str | None:
    """Debian's Chromium (scripts/test installs it), or the browser TALLY_TEST_CHROMIUM names."""
    path = os.environ.get("TALLY_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).is_file() else None


def require_browser() -> None:
    """Skip the calling test module, with the reason, where Chromium or Playwright is missing; in
    CI (the runner sets CI=true) fail instead: there a missing browser is a broken set-up, and a
    skipped browser suite would pass without having opened a page."""
    missing = []
    if chromium_path() is None:
        missing.append("Chromium (apt-get install chromium, or set TALLY_TEST_CHROMIUM)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright (bash scripts/setup-venv dev)")
    if not missing:
        return
    reason = "the browser tests need " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run them", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@dataclass(frozen=True)
class Seeded:
    admin: AuthedUser
    alice: AuthedUser  # owns the project with two ready sources
    mallory: AuthedUser  # a member of nothing
    project_id: int


async def _seed(url: str, data_dir: Path) -> Seeded:
    database = Database(Settings(TALLY_ENV="test", TALLY_DATA_DIR=data_dir), url=url)
    try:
        async with database.sessionmaker() as session:
            admin = await create_user(session, email="admin@example.test", role=UserRole.ADMIN)
            alice = await create_user(session, email="alice@example.test")
            mallory = await create_user(session, email="mallory@example.test")
            project = await create_project(session, owner=alice, name="Bank vs ledger, January")
            await create_source_with_rows(
                session, project=project, name="Bank statement", rows=list(BANK.values())
            )
            await create_source_with_rows(
                session, project=project, name="General ledger", rows=list(LEDGER.values())
            )
            # The built-in rules as the active version 1: the pages are checked against those
            # rules' known results (tests/helpers/results.py), not against rules a project's first
            # job would infer from its data (tests/rule_sets/test_inference.py covers those).
            session.add(
                models.RuleSetVersion(
                    project_id=project.id,
                    number=1,
                    status=models.RuleSetVersionStatus.ACTIVE,
                    rules=DEFAULT_RULE_SET.model_dump(mode="json"),
                    note=BUILT_IN_NOTE,
                    activated_at=datetime.now(UTC),
                )
            )
            await session.commit()
            return Seeded(admin, alice, mallory, project.id)
    finally:
        await database.dispose()


def run_async(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even while Playwright's sync API holds the
    thread's event loop: in a thread of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def start_server(directory: Path, database_url: str | None = None) -> tuple[TallyServer, Seeded]:
    """Start `tally serve` (SQLite under ``directory`` unless a URL is given) and seed it."""
    directory.mkdir(parents=True, exist_ok=True)
    env = {
        "TALLY_ENV": "test",
        "TALLY_DATA_DIR": str(directory),
        "TALLY_TASK_BACKEND": "embedded",
        "ENABLE_CACHE": "true",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
        run_async(upgrade_database(database_url))  # only the embedded SQLite migrates itself
    server = TallyServer(env, directory / "server.log")
    url = database_url or f"sqlite+aiosqlite:///{directory / 'tally.db'}"
    deadline = time.monotonic() + 10
    while True:  # the embedded server migrates on start; /healthz can answer just before
        try:
            return server, run_async(_seed(url, directory))
        except Exception:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.2)
