from __future__ import annotations

import pytest

from tally.config import Settings, normalise_database_url


def test_production_pool_defaults() -> None:
    settings = Settings(TALLY_ENV="production")
    assert settings.pool_summary == {
        "pool_size": 20,
        "max_overflow": 10,
        "pool_timeout": 30.0,
        "pool_recycle": 1800,
        "pool_pre_ping": True,
    }


def test_development_defaults_are_smaller_and_env_overrides_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings(TALLY_ENV="development").db_pool_size == 5
    monkeypatch.setenv("DB_POOL_SIZE", "7")
    monkeypatch.setenv("DB_POOL_PRE_PING", "false")
    monkeypatch.setenv("TALLY_ENV", "production")
    settings = Settings()
    assert settings.db_pool_size == 7
    assert settings.db_pool_pre_ping is False
    assert settings.db_max_overflow == 10


def test_embedded_default_is_sqlite_under_the_data_dir(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(TALLY_DATA_DIR=tmp_path)
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'tally.db'}"
    assert settings.is_sqlite


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5/db", "postgresql+psycopg://u@h:5/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
    ],
)
def test_database_urls_get_async_drivers(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected
