"""Commands open the embedded database without Alembic when its schema is current, and migrate (or
refuse) through Alembic as before when it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tally.config import Settings
from tally.kit.migrate import (
    alembic_config,
    head_revision,
    open_database,
    stored_revisions,
    upgrade_database,
)


def _settings(data_dir: Path) -> Settings:
    return Settings(TALLY_DATA_DIR=data_dir, DATABASE_URL=None)


def _url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / 'tally.db'}"


async def _revisions(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        return await stored_revisions(engine)
    finally:
        await engine.dispose()


def test_head_read_from_the_files_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()


async def test_a_current_schema_opens_without_importing_alembic(tmp_path: Path) -> None:
    await upgrade_database(_url(tmp_path))
    program = (
        "import asyncio, sys\n"
        "from tally.config import Settings\n"
        "from tally.kit.migrate import open_database\n"
        "async def main():\n"
        f"    database = await open_database(Settings(TALLY_DATA_DIR={str(tmp_path)!r}))\n"
        "    await database.dispose()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )
    assert result.stdout.strip() == "[]"


async def test_a_new_database_is_migrated_to_head(tmp_path: Path) -> None:
    database = await open_database(_settings(tmp_path))
    await database.dispose()
    assert await _revisions(_url(tmp_path)) == {head_revision()}


async def test_a_schema_behind_is_upgraded(tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_revision(script.get_current_head())
    previous = head.down_revision
    assert isinstance(previous, str)
    await upgrade_database(_url(tmp_path), previous)
    assert await _revisions(_url(tmp_path)) == {previous}
    database = await open_database(_settings(tmp_path))
    await database.dispose()
    assert await _revisions(_url(tmp_path)) == {head.revision}


async def test_a_schema_ahead_of_this_code_is_refused(tmp_path: Path) -> None:
    await upgrade_database(_url(tmp_path))
    engine = create_async_engine(_url(tmp_path))
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    await engine.dispose()
    with pytest.raises(CommandError, match="9999_future"):
        await open_database(_settings(tmp_path))
