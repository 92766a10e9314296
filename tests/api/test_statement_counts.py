"""The six core reads cost a small constant number of SQL statements, whatever the page size.

Uncached (ENABLE_CACHE=false, and every cache miss) the bound below holds; a cache hit, including
the caller's token and project membership, costs no statement at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database, StatementCounter
from tally.models import Project, UserRole
from tests.helpers.apps import running_app, settings_with
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser, create_user

# token lookup + project access check + the data itself (items and a total where paginated)
MAX_STATEMENTS = {
    "get_projects": 3,
    "get_project": 3,
    "get_reconciliation_jobs": 3,
    "get_project_data_sources": 3,
    "get_project_stats": 4,
    "get_users": 3,
}

Grow = Callable[[AsyncSession, AuthedUser, Project, int], Awaitable[None]]


async def _grow_projects(session: AsyncSession, owner: AuthedUser, _p: Project, n: int) -> None:
    for i in range(n):
        await create_project(session, owner=owner, name=f"p{i}")


async def _grow_sources(session: AsyncSession, _o: AuthedUser, project: Project, n: int) -> None:
    for i in range(n):
        await create_data_source(session, project=project, name=f"s{i}", row_count=i)


async def _grow_jobs(session: AsyncSession, _o: AuthedUser, project: Project, n: int) -> None:
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    for _ in range(n):
        await create_job(session, project=project, left=left, right=right)


async def _grow_users(session: AsyncSession, _o: AuthedUser, _p: Project, n: int) -> None:
    for _ in range(n):
        await create_user(session)


READS: dict[str, tuple[str, Grow]] = {
    "get_projects": ("/api/v1/projects?per_page=100", _grow_projects),
    "get_project": ("/api/v1/projects/{project_id}", _grow_sources),
    "get_reconciliation_jobs": ("/api/v1/projects/{project_id}/jobs", _grow_jobs),
    "get_project_data_sources": ("/api/v1/projects/{project_id}/data-sources", _grow_sources),
    "get_project_stats": ("/api/v1/projects/{project_id}/stats", _grow_sources),
    "get_users": ("/api/v1/users?per_page=100", _grow_users),
}


@pytest.fixture
async def uncached_client(db: Database, test_settings: Settings) -> AsyncIterator[AsyncClient]:
    async with running_app(db, settings_with(test_settings, ENABLE_CACHE=False)) as (_, http):
        yield http


@pytest.mark.parametrize("read", sorted(READS))
async def test_read_costs_constant_statements(
    read: str, uncached_client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    client = uncached_client
    path, grow = READS[read]
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=admin)
    url = path.format(project_id=project.id)

    async def cost() -> int:
        with StatementCounter(db.engine) as counter:
            response = await client.get(url, headers=admin.headers)
        assert response.status_code == 200, response.text
        return counter.count

    await grow(session, admin, project, 2)
    small = await cost()
    await grow(session, admin, project, 30)
    large = await cost()

    assert small == large, f"{read}: {small} statements for a few items, {large} for many"
    assert large <= MAX_STATEMENTS[read]


@pytest.mark.parametrize("read", sorted(READS))
async def test_cold_read_stays_in_bounds_and_a_warm_read_costs_nothing(
    read: str, client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    path, grow = READS[read]
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=admin)
    await grow(session, admin, project, 30)
    url = path.format(project_id=project.id)

    costs = []
    for _ in range(3):
        with StatementCounter(db.engine) as counter:
            response = await client.get(url, headers=admin.headers)
        assert response.status_code == 200, response.text
        costs.append(counter.count)
    cold, *warm = costs
    assert cold <= MAX_STATEMENTS[read]
    assert warm == [0, 0], f"{read}: a cache hit still cost {warm} statements"
