"""`tally worker` and `tally serve` refuse task set-ups that cannot work, before starting anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tally.cli import app
from tally.config import Settings, get_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TALLY_TASK_BACKEND", raising=False)
    monkeypatch.setenv("TALLY_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_worker_needs_postgresql(env: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(app, ["worker"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output


def test_serve_refuses_several_processes_with_the_embedded_backend(env: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "embedded task backend" in result.output


@pytest.mark.parametrize(
    ("environment", "url", "backend"),
    [
        ("production", None, "embedded"),  # SQLite
        ("production", "postgresql://db/tally", "procrastinate"),
        ("test", "postgresql://db/tally", "embedded"),
    ],
)
def test_default_task_backend(environment: str, url: str | None, backend: str) -> None:
    settings = Settings(TALLY_ENV=environment, DATABASE_URL=url)
    assert settings.effective_task_backend == backend


def test_stall_window_must_cover_two_heartbeats() -> None:
    with pytest.raises(ValueError, match="at least twice"):
        Settings(TALLY_TASK_HEARTBEAT_SECONDS=10, TALLY_TASK_STALLED_AFTER_SECONDS=15)
