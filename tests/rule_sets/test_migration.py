"""Revision 0008 moves each project's default rules into its version 1, active, and back;
revision 0011 turns a suggestion's job into its per-job figures, and back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from tally.kit.migrate import alembic_config, upgrade_database
from tests.conftest import _worker, create_postgres_database

_RULES = {"rules": [{"name": "ref", "conditions": [{"type": "equals", "field": "reference"}]}]}


@asynccontextmanager
async def _migrated(
    backend: str, tmp_path: Path, revision: str
) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A fresh database upgraded to ``revision``: its URL and an engine on it."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
    else:
        url = create_postgres_database(f"tally_test_{_worker()}_rule_sets")
    await upgrade_database(url, revision)
    engine = create_async_engine(url)
    try:
        yield url, engine
    finally:
        await engine.dispose()


async def test_default_rules_become_the_active_version_and_back(
    backend: str, tmp_path: Path
) -> None:
    async with _migrated(backend, tmp_path, "0007_import_profiles") as (url, engine):
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


async def test_a_suggestions_job_becomes_its_per_job_figures_and_back(
    backend: str, tmp_path: Path
) -> None:
    """Revision 0011: ``job_id`` and the suggestion's figures become its one entry of ``jobs``."""
    async with _migrated(backend, tmp_path, "0010_result_write") as (url, engine):
        async with AsyncSession(engine, expire_on_commit=False) as session:
            job = await _job_at_0010(session)
            await session.execute(
                text(
                    "INSERT INTO rule_suggestion (project_id, job_id, status, rule, "
                    "derived_fields, description, pairs, support, found, predicted, confirmed, "
                    "rejected, conflicting, precision, created_at) VALUES (:project, :job, "
                    "'open', '{}', '[]', 'reference equal', 4, 4, 3, 5, 3, 1, 0, 0.75, "
                    "CURRENT_TIMESTAMP)"
                ),
                {"project": job.project_id, "job": job.id},
            )
            await session.commit()
        await upgrade_database(url, "0011_rule_suggestions")
        async with engine.connect() as connection:
            stored = (await connection.execute(text("SELECT jobs FROM rule_suggestion"))).scalar()
        figures = {"pairs": 4, "found": 3, "predicted": 5, "confirmed": 3, "rejected": 1}
        expected = [{"job_id": job.id, **figures, "conflicting": 0, "precision": 0.75}]
        assert (json.loads(stored) if isinstance(stored, str) else stored) == expected

        await _downgrade(url, "0010_result_write")
        async with engine.connect() as connection:
            back = (await connection.execute(text("SELECT job_id FROM rule_suggestion"))).all()
        assert back == [(job.id,)]


@dataclass(frozen=True)
class _Job:
    id: int
    project_id: int


async def _job_at_0010(session: AsyncSession) -> _Job:
    """A completed job written in SQL with the columns revision 0010 has: the models of the user,
    source and job tables have columns later revisions add."""
    now = "CURRENT_TIMESTAMP"
    await session.execute(
        text(
            'INSERT INTO "user" (id, email, password_hash, role, is_active, created_at) '
            f"VALUES (7, 'o@example.test', 'x', 'member', true, {now})"
        )
    )
    await session.execute(
        text(
            "INSERT INTO project (id, name, description, owner_id, created_at, updated_at) "
            f"VALUES (3, 'p', '', 7, {now}, {now})"
        )
    )
    for source_id in (11, 12):
        await session.execute(
            text(
                "INSERT INTO data_source (id, project_id, name, file_name, format, size_bytes, "
                "row_count, rows_done, skipped_count, status, created_at, updated_at) VALUES "
                f"(:id, 3, 's', 's.csv', 'csv', 0, 0, 0, 0, 'ready', {now}, {now})"
            ),
            {"id": source_id},
        )
    job_id = await session.scalar(
        text(
            "INSERT INTO reconciliation_job (project_id, left_source_id, right_source_id, rules, "
            "status, progress, cancel_requested, results_expired, attempts, created_at) VALUES "
            f"(3, 11, 12, '{{}}', 'completed', 1.0, false, false, 1, {now}) RETURNING id"
        )
    )
    await session.commit()
    return _Job(int(job_id or 0), 3)
