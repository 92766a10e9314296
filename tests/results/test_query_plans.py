"""On PostgreSQL, every statement of the result reads, review actions and exports has an index to
use: with sequential scans priced out, a plan still showing a Seq Scan means none exists."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import event, text

from tally.kit.db import Database
from tally.models.record_search import search_partition
from tally.results.indexing import index_results
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


_LARGE_JOB = (
    "INSERT INTO match (id, job_id, rule, rule_index, score, status, category, amount_difference,"
    " amount, tab, origin, created_at) SELECT 1000000 + n, :job, 'filler', 0, 1, 'auto',"
    " 'matched', 0, n, 'matched', 'auto', now() FROM generate_series(1, 20000) AS n",
    "INSERT INTO match_record (job_id, match_id, record_id, side, claims)"
    " SELECT :job, 1000000 + n, -n, 'left', true FROM generate_series(1, 20000) AS n",
    "INSERT INTO record (id, data_source_id, row_number, reference, amount, row_hash)"
    " SELECT -n, CASE WHEN n <= 20000 THEN :left ELSE :right END, 1000 + n, 'REF-' || n, n, n"
    " FROM generate_series(1, 40000) AS n",
    "INSERT INTO record_search (record_id, data_source_id, reference, description, content)"
    " SELECT -n, :left, 'REF-' || n, 'Other payment ' || n, 'REF-' || n || chr(10) ||"
    " 'Other payment ' || n FROM generate_series(1, 20000) AS n",
    "INSERT INTO record_search (record_id, data_source_id, reference, description, content)"
    " SELECT -20000 - n, :right, 'LDG-' || n, 'Ledger entry ' || n, 'LDG-' || n || chr(10) ||"
    " 'Ledger entry ' || n FROM generate_series(1, 20000) AS n",
    "INSERT INTO unmatched_record (job_id, record_id, side, row_number, amount, booking_date)"
    " SELECT :job, -n, CASE WHEN n % 2 = 0 THEN 'left' ELSE 'right' END, n, n,"
    " date '2026-01-01' + n % 300 FROM generate_series(1, 20000) AS n",
    "SELECT gin_clean_pending_list(to_regclass(:partition || '_text_idx'))",
    "SELECT gin_clean_pending_list(to_regclass(:right_partition || '_text_idx'))",
    "ANALYZE record",
    "ANALYZE match",
    "ANALYZE match_record",
    "ANALYZE record_search",
    "ANALYZE unmatched_record",
)

# Read from the indexes built after completion (tally.results.indexing): the plan names them.
INDEXED_READS = {
    "/matches?tab=matched&q=inv-1": "_text_idx",  # a source partition's trigram index
    "/records?tab=unmatched_left&q=fee": "_text_idx",
    "/records?tab=unmatched_left": "ix_unmatched_record_job_id_side_row_number_record_id",
    "/records?tab=unmatched_left&sort=-id": "ix_unmatched_record_job_id_side_row_number_record_id",
    "/records?tab=unmatched_right&sort=amount&max_amount=100": (
        "ix_unmatched_record_job_id_side_amount_record_id"
    ),
    "/records?tab=unmatched_left&sort=-date": (
        "ix_unmatched_record_job_id_side_booking_date_record_id"
    ),
}


@pytest.mark.postgres_only
async def test_text_search_and_unmatched_tabs_use_their_indexes(
    backend: str, client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    if backend != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    assert await index_results(db, reconciled.job.id)
    async with db.engine.begin() as connection:
        left, right = reconciled.job.left_source_id, reconciled.job.right_source_id
        parameters = {
            "job": reconciled.job.id,
            "left": left,
            "right": right,
            "partition": search_partition(left),
            "right_partition": search_partition(right),
        }
        # Make the job a large one, as the plans at scale assume (bench/web_pages.py): 20,000
        # more matches, records and their search rows on both sides, and unmatched rows. On a handful of rows,
        # walking the tab itself is rightly the cheaper plan.
        for statement in _LARGE_JOB:
            await connection.execute(text(statement), parameters)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if " LIMIT " in statement and "FROM" in statement:
            captured.append((statement, parameters))  # the page's statement

    for path, index in INDEXED_READS.items():
        captured.clear()
        event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
        try:
            response = await client.get(reconciled.url(path), headers=reconciled.owner.headers)
            assert response.status_code == 200, (path, response.text)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
        (page, parameters), *_ = [
            c for c in captured if "record_search" in c[0] or "unmatched" in c[0]
        ]
        # The planner's real costs: at this size its choice of the index is a real one.
        async with db.engine.connect() as connection:
            result = await connection.exec_driver_sql(f"EXPLAIN {page}", parameters)
            plan = "\n".join(row[0] for row in result)
        # record_duplicate holds the job's few flagged duplicates (none of the large rows): reading
        # that small table whole is the planner's right choice; every large table must use an index.
        large_scans = [
            line
            for line in plan.splitlines()
            if "Seq Scan" in line and "record_duplicate" not in line
        ]
        assert index in plan and not large_scans, f"{path}\n{page}\n--- plan ---\n{plan}"
