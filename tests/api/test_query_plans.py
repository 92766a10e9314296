"""On PostgreSQL, the hot reads are served by indexes: EXPLAIN every statement they send.

With sequential scans priced out (`enable_seqscan = off`), PostgreSQL still picks a Seq Scan only
when no index can serve the query, so a plan without one proves an index exists for it.
"""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import UserRole
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user

HOT_READS = [
    "/api/v1/projects",
    "/api/v1/projects/{project_id}",
    "/api/v1/projects/{project_id}/jobs",
    "/api/v1/projects/{project_id}/data-sources",
    "/api/v1/projects/{project_id}/stats",
    "/api/v1/users",
]


@pytest.mark.postgres_only
@pytest.mark.parametrize("as_admin", [False, True], ids=["member", "admin"])
async def test_hot_reads_use_indexes(
    backend: str, client: AsyncClient, session: AsyncSession, db: Database, as_admin: bool
) -> None:
    if backend != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    caller = await create_user(session, role=UserRole.ADMIN if as_admin else UserRole.MEMBER)
    project = await create_project(session, owner=caller)
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    await create_job(session, project=project, left=left, right=right)

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        for path in HOT_READS:
            if path == "/api/v1/users" and not as_admin:
                continue
            response = await client.get(path.format(project_id=project.id), headers=caller.headers)
            assert response.status_code == 200, response.text
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)

    assert captured
    async with db.engine.connect() as connection:
        await connection.execute(text("SET enable_seqscan = off"))
        for statement, parameters in captured:
            result = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plan = "\n".join(row[0] for row in result)
            assert "Seq Scan" not in plan, f"{statement}\n--- plan ---\n{plan}"
