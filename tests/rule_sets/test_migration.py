"""Revision 0008 moves each project's default rules into its version 1, active, and back."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tally.kit.migrate import alembic_config, upgrade_database
from tests.conftest import _worker, create_postgres_database

_RULES = {"rules": [{"name": "ref", "conditions": [{"type": "equals", "field": "reference"}]}]}


def _url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
    return create_postgres_database(f"tally_test_{_worker()}_rule_sets")


async def test_default_rules_become_the_active_version_and_back(
    backend: str, tmp_path: Path
) -> None:
    url = _url(backend, tmp_path)
    await upgrade_database(url, "0007_import_profiles")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    'INSERT INTO "user" (id, email, password_hash, role, is_active, created_at) '
                    "VALUES (7, 'o@example.test', 'x', 'member', true, CURRENT_TIMESTAMP)"
                )
            )
            for project_id, rules in ((1, json.dumps(_RULES)), (2, None)):
                await connection.execute(
                    text(
                        "INSERT INTO project (id, name, description, owner_id, default_rules, "
                        "created_at, updated_at) VALUES (:id, 'p', '', 7, :rules, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"id": project_id, "rules": rules},
                )
        await upgrade_database(url, "0008_rule_sets")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text(
                        "SELECT project_id, number, status, rules, author_id FROM rule_set_version"
                    )
                )
            ).all()
        assert [(r[0], r[1], r[2], r[4]) for r in rows] == [(1, 1, "active", 7)]
        stored = rows[0][3]
        assert (json.loads(stored) if isinstance(stored, str) else stored) == _RULES

        await _downgrade(url, "0007_import_profiles")
        async with engine.connect() as connection:
            back = (
                await connection.execute(text("SELECT id, default_rules FROM project ORDER BY id"))
            ).all()
        restored = [(i, json.loads(r) if isinstance(r, str) else r) for i, r in back]
        assert restored == [(1, _RULES), (2, None)]
    finally:
        await engine.dispose()


async def _downgrade(url: str, revision: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:

            def run(sync_connection: Connection) -> None:
                config = alembic_config(url)
                config.attributes["connection"] = sync_connection
                command.downgrade(config, revision)

            await connection.run_sync(run)
    finally:
        await engine.dispose()
