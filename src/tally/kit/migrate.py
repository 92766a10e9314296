"""Run Alembic programmatically against any database URL (no alembic.ini needed).

Alembic is imported only when a schema is migrated: importing it and loading the migration scripts
took ~1.1 s of every command's start-up (bench/cli/REPORT.md) just to find the schema already
current. ``open_database`` compares the stored revision with the head read from the version
files' own ``revision`` lines first, and runs Alembic only when they differ.
"""

from __future__ import annotations

import asyncio
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tally.config import Settings
from tally.kit.db import Database

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(slug)s")
    return config


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration's id, read from the version files as text (no Alembic import): the one
    revision no other names as its ``down_revision``. None when that is not exactly one (a branch
    left unmerged, or a file this reading does not understand): Alembic then decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            ids = set(_QUOTED.findall(value))
            if name == "revision":
                if len(ids) != 1:
                    return None
                revisions |= ids
            else:
                parents |= ids
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def stored_revisions(engine: AsyncEngine) -> set[str]:
    """The revisions the database at ``engine`` records as applied (none for a new database)."""
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return {row[0] for row in rows}
    except (OperationalError, ProgrammingError):  # no alembic_version table: nothing applied
        return set()


async def schema_is_current(engine: AsyncEngine) -> bool:
    """Whether the schema at ``engine`` is at this code's head revision."""
    head = head_revision()
    return head is not None and await stored_revisions(engine) == {head}


async def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (idempotent)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, url, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, url: str, revision: str) -> None:
    from alembic import command

    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def upgrade_database_sync(url: str, revision: str = "head") -> None:
    asyncio.run(upgrade_database(url, revision))


async def open_database(settings: Settings) -> Database:
    """A Database for command-line work; the embedded SQLite default is created and migrated (by
    Alembic only when its schema is behind this code, or ahead of it: Alembic then refuses)."""
    database = Database(settings)
    if database.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if not await schema_is_current(database.engine):
            await upgrade_database(database.url)
    return database
