"""Deleting a big source never holds SQLite's write lock for the whole delete: the source leaves
every list and lookup at once, its records go in short transactions while other writers get
through between them, and a deletion cut short is finished by the next run (start-up recovery).
PostgreSQL deletes the records in the request's transaction (MVCC: no other writer waits).

"Between two steps" is a fact of ordering: the other writer runs inside ``after_step``, while the
deletion cannot go on, not a race against the clock.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database
from tally.models import DataSource, Project
from tally.projects.auth import owner_access
from tally.sources.ingestion import DELETE_STEP_ROWS, purge_source
from tally.sources.repository import DataSourceRepository
from tally.sources.service import DataSourceService
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser, create_user

ROWS = 3 * DELETE_STEP_ROWS + 7  # four steps


@dataclass
class _World:
    owner: AuthedUser
    other_tenant: AuthedUser
    project: Project
    source: DataSource

    def url(self, path: str = "") -> str:
        return f"/api/v1/projects/{self.project.id}/data-sources{path}"


async def _big_source(session: AsyncSession) -> _World:
    owner = await create_user(session)
    other_tenant = await create_user(session)
    project = await create_project(session, owner=owner)
    rows = [Row(f"INV-{i:06d}", "2026-01-05", f"{i % 900}.{i % 100:02d}") for i in range(ROWS)]
    source = await create_source_with_rows(session, project=project, name="big", rows=rows)
    await session.commit()
    return _World(owner, other_tenant, project, source)


async def _delete_source(session: AsyncSession, world: _World, settings: Settings) -> bool:
    """What DELETE .../data-sources/{id} does in its transaction; True: records left to purge."""
    access = await owner_access(session, world.project.id)
    pending = await DataSourceService(session, settings).delete_source(access, world.source.id)
    await session.commit()
    return pending


async def _row_exists(session: AsyncSession, source_id: int) -> bool:
    found = await session.scalar(select(func.count()).where(DataSource.id == source_id))
    await session.commit()
    return bool(found)


async def _hidden(client: AsyncClient, world: _World) -> None:
    """The source is gone for every reader: no lookup, no list entry."""
    got = await client.get(world.url(f"/{world.source.id}"), headers=world.owner.headers)
    assert got.status_code == 404, got.text
    listed = await client.get(world.url(), headers=world.owner.headers)
    assert [s["id"] for s in listed.json()["items"]] == []


async def test_a_big_source_is_hidden_at_once_and_writers_get_through_while_its_records_go(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
) -> None:
    world = await _big_source(session)
    repository = DataSourceRepository(session)
    pending = await _delete_source(session, world, test_settings)
    await _hidden(client, world)
    if not db.is_sqlite:  # one transaction, already committed: nothing is left
        assert not pending
        assert await repository.count_records(world.source.id) == 0
        assert not await _row_exists(session, world.source.id)
        return
    assert pending
    assert await repository.count_records(world.source.id) == ROWS
    await session.commit()

    left_after_steps: list[int] = []

    async def another_tenant_writes() -> None:
        left = await repository.count_records(world.source.id)
        await session.commit()
        left_after_steps.append(left)
        if len(left_after_steps) > 1:
            return
        # Half-deleted: still hidden, and the write lock is free for everyone else.
        await _hidden(client, world)
        login = await client.post(
            "/api/v1/auth/login",
            json={"email": world.other_tenant.email, "password": DEFAULT_PASSWORD},
        )
        assert login.status_code == 200, login.text
        created = await client.post(
            "/api/v1/projects", json={"name": "Another tenant"}, headers=world.other_tenant.headers
        )
        assert created.status_code == 201, created.text

    assert await purge_source(db, test_settings, world.source.id, after_step=another_tenant_writes)
    # Every step but the last left rows behind, each fewer than the one before.
    assert left_after_steps[0] == ROWS - DELETE_STEP_ROWS
    assert left_after_steps == sorted(left_after_steps, reverse=True)
    assert len(left_after_steps) >= 4
    assert await repository.count_records(world.source.id) == 0
    assert not await _row_exists(session, world.source.id)
    # Twice is harmless: nothing is left to delete.
    assert not await purge_source(db, test_settings, world.source.id)


class _Crash(Exception):
    pass


async def test_a_deletion_cut_short_stays_hidden_and_the_rerun_finishes_it(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
) -> None:
    if not db.is_sqlite:
        pytest.skip("PostgreSQL deletes a source's records in the request's one transaction")
    world = await _big_source(session)
    assert await _delete_source(session, world, test_settings)

    async def crash() -> None:
        raise _Crash

    with pytest.raises(_Crash):  # the process dies after the first step
        await purge_source(db, test_settings, world.source.id, after_step=crash)
    repository = DataSourceRepository(session)
    assert await repository.count_records(world.source.id) == ROWS - DELETE_STEP_ROWS
    await _hidden(client, world)
    # Start-up recovery enqueues the purge of every source left `deleting`.
    assert await repository.deleting_ids() == [world.source.id]
    await session.commit()

    assert await purge_source(db, test_settings, world.source.id)
    assert await repository.count_records(world.source.id) == 0
    assert not await _row_exists(session, world.source.id)
    assert await repository.deleting_ids() == []


async def test_the_api_delete_hides_the_source_and_the_background_purge_removes_it(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
) -> None:
    world = await _big_source(session)
    deleted = await client.delete(world.url(f"/{world.source.id}"), headers=world.owner.headers)
    assert deleted.status_code == 204, deleted.text
    await _hidden(client, world)
    repository = DataSourceRepository(session)
    # The embedded worker purges it (SQLite) or the request already did (PostgreSQL).
    for _ in range(600):
        if not await _row_exists(session, world.source.id):
            break
        await session.commit()
        await asyncio.sleep(0.1)
    assert not await _row_exists(session, world.source.id)
    assert await repository.count_records(world.source.id) == 0
