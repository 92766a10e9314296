"""The indexes an incremental job's results pages read (tally.results.indexing): the search text of
the rows appended since the last job, and the job's unmatched records: exactly the scope's
records no match holds, read through the scope (an index range and keys), never the sources."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from httpx import AsyncClient
from sqlalchemy import event, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import MatchRecord, ReconciliationJob, Record, RecordSearch, UnmatchedRecord
from tally.results.indexing import index_results
from tally.results.scope import job_scope
from tests.helpers.reconciliations import BANK, LEDGER, Ledgers, append_rows, run_job, two_sources
from tests.helpers.records import Row

# Day 2: invoice 4 is paid, invoice 5 appears on both sides, a wire nobody booked yet and an
# invoice the bank has not paid yet.
BANK_APPEND = [
    Row("INV-4", "2026-01-05", "500.00", "Payment INV-4", "Hooli"),
    Row("INV-5", "2026-01-06", "42.00", "Payment INV-5", "Umbrella"),
    Row("WIRE-77", "2026-01-07", "1338.29", "Wire from Zorglub", "Zorglub"),
]
LEDGER_APPEND = [
    Row("INV-5", "2026-01-05", "42.00", "Invoice 5", "Umbrella"),
    Row("INV-6", "2026-01-08", "61.00", "Invoice 6 Vandelay", "Vandelay"),
]


async def _indexed(client: AsyncClient, db: Database, world: Ledgers, job_id: int) -> None:
    """The job's task indexes its results after completion; run it here too (a no-op when the
    task did) and wait for the mark, so the pages read the indexes."""
    await index_results(db, job_id)
    deadline = time.monotonic() + 30
    while True:
        response = await client.get(f"{world.url}/jobs/{job_id}", headers=world.editor.headers)
        if response.json()["results_indexed_at"] is not None:
            return
        assert time.monotonic() < deadline, f"job {job_id} never indexed"
        await asyncio.sleep(0.05)


async def _references(client: AsyncClient, world: Ledgers, path: str) -> list[str]:
    response = await client.get(f"{world.url}{path}", headers=world.editor.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return sorted(
        r["reference"]
        for item in body["items"]
        for r in (item["left"] + item["right"] if "left" in item else [item])
    )


@contextmanager
def _statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    captured: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", capture)


async def test_an_incremental_jobs_search_and_unmatched_rows_are_exactly_its_own(
    client: AsyncClient, db: Database, session: AsyncSession
) -> None:
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    await _indexed(client, db, world, first["id"])
    await append_rows(session, world.bank, BANK_APPEND)
    await append_rows(session, world.ledger, LEDGER_APPEND)
    with _statements(db) as captured:
        second = await run_job(client, world, "incremental")
        assert second["status"] == "completed", second["error"]
        await _indexed(client, db, world, second["id"])
    job = f"/jobs/{second['id']}"

    # Every record of both sources is searchable once, the appended ones included.
    records = set(
        await session.scalars(
            select(Record.id).where(Record.data_source_id.in_((world.bank.id, world.ledger.id)))
        )
    )
    searchable = list(
        await session.scalars(
            select(RecordSearch.record_id).where(
                RecordSearch.data_source_id.in_((world.bank.id, world.ledger.id))
            )
        )
    )
    assert sorted(searchable) == sorted(records) and len(records) == 13
    # The unmatched rows are the job's scope less what its matches hold: the carried bank fee,
    # the appended wire and invoice 6; not the settled INV-1/INV-2 nor the appended INV-5s.
    assert await _references(client, world, f"{job}/records?tab=unmatched_left") == [
        "FEE",
        "WIRE-77",
    ]
    assert await _references(client, world, f"{job}/records?tab=unmatched_right") == ["INV-6"]
    stored = await session.scalar(
        select(ReconciliationJob).where(ReconciliationJob.id == second["id"])
    )
    assert stored is not None
    claimed = exists().where(
        MatchRecord.job_id == stored.id, MatchRecord.record_id == Record.id, MatchRecord.claims
    )
    scope = job_scope(stored)
    assert scope is not None
    # The same rows as the scope's condition checked on every record (what the scans answer).
    expected = set(
        await session.execute(
            select(Record.id, Record.row_number).where(
                Record.data_source_id.in_((world.bank.id, world.ledger.id)), ~claimed, scope
            )
        )
    )
    listed = set(
        await session.execute(
            select(UnmatchedRecord.record_id, UnmatchedRecord.row_number).where(
                UnmatchedRecord.job_id == stored.id
            )
        )
    )
    assert listed == expected and len(listed) == 3

    # Search finds the appended rows' text, in the unmatched tabs and in the matches.
    assert await _references(client, world, f"{job}/records?tab=unmatched_left&q=zorglub") == [
        "WIRE-77"
    ]
    assert await _references(client, world, f"{job}/records?tab=unmatched_right&q=vandelay") == [
        "INV-6"
    ]
    assert await _references(client, world, f"{job}/matches?tab=matched&q=inv-5") == [
        "INV-5",
        "INV-5",
    ]
    # A settled record's text is searchable but it is no unmatched record of this job.
    assert await _references(client, world, f"{job}/records?tab=unmatched_left&q=inv-1") == []
    assert await _references(client, world, f"/jobs/{first['id']}/matches?tab=matched&q=inv-1")

    if db.engine.dialect.name == "sqlite":  # PostgreSQL's plans: tests/results/test_plans_at_scale
        await _check_sqlite_plans(db, captured)


async def _check_sqlite_plans(db: Database, captured: list[tuple[str, Any]]) -> None:
    """The indexing's INSERTs read ``record`` by a range of row numbers or by key only, never a
    whole source (which an index on data_source_id alone would be)."""
    inserts = [
        (statement, parameters)
        for statement, parameters in captured
        if statement.startswith(("INSERT INTO record_search", "INSERT INTO unmatched_record"))
    ]
    assert len(inserts) >= 3  # search text of two sources, the appended rows, the carried ones
    async with db.engine.connect() as connection:
        for statement, parameters in inserts:
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = [str(row[-1]) for row in rows]
            reads = [step for step in plan if step.split(" ")[1:2] == ["record"]]
            assert reads, (statement, plan)
            for step in reads:
                assert step.startswith("SEARCH record USING") and (
                    "row_number>?" in step or "PRIMARY KEY" in step
                ), (statement, plan)
