"""On PostgreSQL, the hot reads are served by the indexes meant for them: EXPLAIN every statement
they send, among other tenants' rows in realistic numbers, and find the expected index by name.

The planner runs with its real costs over analysed tables, so the plan is the one production
would choose: on a handful of rows a sequential scan is rightly cheaper and proves nothing.
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

_PROJECT = "/api/v1/projects/{project_id}"
# Each hot read, in order, and the indexes its statements must use (member, admin). Authorization
# is read by the first request that needs it and cached: the token by the first, the caller's
# membership by the first read of the project.
HOT_READS: dict[str, tuple[set[str], set[str]]] = {
    "/api/v1/projects": (
        {
            "uq_api_token_token_hash",
            "pk_user",
            "ix_project_member_user_id_project_id",
            "pk_project",
        },
        {"uq_api_token_token_hash", "pk_user", "pk_project"},
    ),
    _PROJECT: ({"pk_project", "pk_project_member"},) * 2,
    f"{_PROJECT}/jobs": ({"ix_reconciliation_job_project_id_id"},) * 2,
    f"{_PROJECT}/data-sources": ({"ix_data_source_project_id_id"},) * 2,
    f"{_PROJECT}/stats": ({"pk_project_stats", "ix_reconciliation_job_project_id_id"},) * 2,
    "/api/v1/users": (set(), {"pk_user"}),
}
_SEEDED = (
    "user",
    "api_token",
    "project",
    "project_member",
    "project_stats",
    "data_source",
    "reconciliation_job",
)
# The admin's user list counts every user for its total: reading the whole table is the plan.
_WHOLE_TABLE = 'SELECT count(*) AS count_1 \nFROM "user"'

# Other tenants: 10,000 users, each with a login token and a project holding two sources and a
# job, one INSERT ... SELECT per table (ids far above the test's own rows).
_OTHER_TENANTS = (
    'INSERT INTO "user" (id, email, password_hash, role, is_active, created_at) SELECT'
    " 1000000 + n, 'tenant' || n || '@example.test', 'x', 'member', true, now()"
    " FROM generate_series(1, 10000) AS n",
    "INSERT INTO api_token (id, token_hash, user_id, name, created_at, expires_at) SELECT"
    " 1000000 + n, md5(n::text) || md5(n::text), 1000000 + n, 'login', now(),"
    " now() + interval '1 day' FROM generate_series(1, 10000) AS n",
    "INSERT INTO project (id, name, description, owner_id, created_at, updated_at) SELECT"
    " 1000000 + n, 'Tenant ' || n, '', 1000000 + n, now(), now() FROM generate_series(1, 10000) AS n",
    "INSERT INTO project_member (project_id, user_id, role, created_at) SELECT"
    " 1000000 + n, 1000000 + n, 'owner', now() FROM generate_series(1, 10000) AS n",
    "INSERT INTO data_source (id, project_id, name, file_name, format, size_bytes, row_count,"
    " rows_done, skipped_count, status, created_at, updated_at) SELECT 1000000 + n,"
    " 1000000 + (n + 1) / 2, 'source ' || n, 'f.csv', 'csv', 0, 0, 0, 0, 'ready', now(), now()"
    " FROM generate_series(1, 20000) AS n",
    "INSERT INTO reconciliation_job (id, project_id, number, left_source_id, right_source_id,"
    " rules, status, progress, cancel_requested, results_expired, attempts, created_at) SELECT"
    " 1000000 + n, 1000000 + n, 1, 999999 + 2 * n, 1000000 + 2 * n, '{}', 'completed', 1, false,"
    " false, 0, now() FROM generate_series(1, 10000) AS n",
    "INSERT INTO project_stats (project_id, last_job_id, matched_count, unmatched_count,"
    " matched_amount, unmatched_amount, match_rate, computed_at) SELECT 1000000 + n, 1000000 + n,"
    " 0, 0, 0, 0, 0, now() FROM generate_series(1, 10000) AS n",
)


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
    async with db.engine.begin() as connection:
        for statement in _OTHER_TENANTS:
            await connection.execute(text(statement))
        await connection.execute(text("ANALYZE"))

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    for path, (member_indexes, admin_indexes) in HOT_READS.items():
        if path == "/api/v1/users" and not as_admin:
            continue
        captured.clear()
        event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
        try:
            response = await client.get(path.format(project_id=project.id), headers=caller.headers)
            assert response.status_code == 200, response.text
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
        assert captured, path
        plans = []
        async with db.engine.connect() as connection:
            for statement, parameters in captured:
                result = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
                plan = "\n".join(row[0] for row in result)
                plans.append(plan)
                seq_scans = {t for t in _SEEDED if f"Seq Scan on {t} " in plan.replace('"', "")}
                if not statement.startswith(_WHOLE_TABLE):
                    assert not seq_scans, f"{path}\n{statement}\n--- plan ---\n{plan}"
        used = "\n".join(plans)
        for index in admin_indexes if as_admin else member_indexes:
            assert f" using {index} on " in used, f"{path}: {index} unused\n--- plans ---\n{used}"
