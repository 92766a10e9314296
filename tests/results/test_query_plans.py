"""On PostgreSQL, every statement of the result reads, review actions and exports has an index to
use: with sequential scans priced out, a plan still showing a Seq Scan means none exists."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import event, text

from tally.kit.db import Database
from tests.helpers.results import Reconciled

READS = [
    "/matches?tab=matched",
    "/matches?tab=review&sort=score",
    "/matches?tab=review&sort=-amount&min_amount=10&max_amount=100",
    "/matches?tab=review&sort=date&rule=amount_date",
    "/matches?tab=discrepancies&q=inv",
    "/records?tab=unmatched_left",
    "/records?tab=unmatched_right&sort=amount&max_amount=100",
    "/records?tab=unmatched_left&sort=-date&q=fee",
    "/records?tab=duplicates",
    "/audit",
    "/quality",
    "/export?format=csv",
]


@pytest.mark.postgres_only
async def test_result_statements_use_indexes(
    backend: str, client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    if backend != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    page = await client.get(reconciled.url("/matches?tab=review"), headers=reconciled.owner.headers)
    match_id = page.json()["items"][0]["id"]

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        for path in [*READS, f"/records/{reconciled.left['fee']}/candidates"]:
            response = await client.get(reconciled.url(path), headers=reconciled.owner.headers)
            assert response.status_code == 200, (path, response.text)
        for path, body in (
            (f"/matches/{match_id}/confirm", None),
            (
                "/matches",
                {
                    "left_record_ids": [reconciled.left["fee"]],
                    "right_record_ids": [reconciled.right["inv9"]],
                },
            ),
        ):
            response = await client.post(
                reconciled.url(path), json=body, headers=reconciled.owner.headers
            )
            assert response.status_code in (200, 201), (path, response.text)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)

    assert len(captured) > 30
    async with db.engine.connect() as connection:
        await connection.execute(text("SET enable_seqscan = off"))
        for statement, parameters in captured:
            if "api_token" in statement or "project_member" in statement:
                continue  # authorization: tests/api/test_query_plans.py covers it
            result = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plan = "\n".join(row[0] for row in result)
            assert "Seq Scan" not in plan, f"{statement}\n--- plan ---\n{plan}"
