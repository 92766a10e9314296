"""`alembic upgrade head` builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from tally.kit.db import Database
from tally.models import Base


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    ignored = {"procrastinate"}  # the task queue's own schema, applied from its package
    return [
        diff
        for diff in compare_metadata(context, Base.metadata)
        if not any(name in str(diff) for name in ignored)
    ]


async def test_migrations_match_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
