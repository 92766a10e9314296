"""On PostgreSQL, at a realistic size, each hot query of the results is served by the index meant
for it, and reads only its own job's partition.

One dataset for the module, in a database of its own: two sources of ~50,000 records each loaded
through the bulk path ingestion uses (COPY), reconciled by a real job run through the API (engine,
partitioned result write, search and unmatched indexes, open items); another tenant's job whose
partitions sit beside it and whose rows outnumber the test's own in every shared table, then
ANALYZE. Every statement a request sends is EXPLAINed with the planner's real costs: the plan
names the expected index, scans no large table sequentially, and touches no other job's partition
(a statement without the job's id would reach them all). Project stats are checked the same way
among 10,000 tenants in tests/api/test_query_plans.py. Not here: the CSV export, which reads a
whole tab through COPY (outside SQLAlchemy's statement events; reading the job's partition through
is a fair plan for it).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event, func, select, text

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tally.models import (
    JobMode,
    JobScopeRecord,
    JobStatus,
    Match,
    MatchStatus,
    ProjectRole,
    ReconciliationJob,
    Record,
    ScopeKind,
)
from tally.reconciliations.repository import ReconciliationRepository
from tally.results.search_index import SearchIndexRepository
from tests.conftest import _worker, create_postgres_database
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.results import RULES
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for

PAIRS = 25_000  # groups of 2 rows per side: ~50,000 records per source
# Tables that grow with the data; reading any of them whole is the plan the test rules out.
LARGE = ("match", "match_record", "record", "record_search", "unmatched_record", "open_item")
pytestmark = pytest.mark.postgres_only


def _rows(pairs: int) -> tuple[list[Row], list[Row]]:
    """Bank and ledger rows with every kind of result in realistic shares: reference matches,
    amount-and-date matches, discrepancies, suggestions, ambiguous ties, unmatched rows on both
    sides and duplicates. Amounts are distinct per group, as a real statement's mostly are."""
    bank: list[Row] = []
    ledger: list[Row] = []
    start = date(2025, 1, 1)
    for n in range(pairs):
        day = start + timedelta(days=n % 360)
        amount = f"{10 + n * 0.37:.2f}"
        other = f"{10 + n * 0.37 + 5:.2f}"
        kind = n % 20
        if kind < 12:  # by reference, both rows of the group
            for k in (0, 1):
                bank.append(Row(f"INV-{n}-{k}", day.isoformat(), amount, f"Payment {n}", "Acme"))
                ledger.append(
                    Row(
                        f"INV-{n}-{k}", (day - timedelta(days=1)).isoformat(), amount, "Inv", "Acme"
                    )
                )
        elif kind < 14:  # reference equal, 5.00 apart: discrepancies
            for k in (0, 1):
                bank.append(Row(f"INV-{n}-{k}", day.isoformat(), amount, f"Payment {n}", "Glob"))
                ledger.append(Row(f"INV-{n}-{k}", day.isoformat(), other, "Invoice", "Glob"))
        elif kind == 14:  # two identical card payments on each side: ambiguous alternatives
            for k in (0, 1):
                bank.append(Row(None, day.isoformat(), amount, "Card", "Shop"))
                ledger.append(Row(None, day.isoformat(), amount, f"Card {k}", "Shop"))
        elif kind == 15:  # no reference, three days apart: suggestions
            for k in (0, 1):
                amt = f"{10 + n * 0.37 + k * 0.01:.2f}"
                bank.append(Row(None, day.isoformat(), amt, "Transfer", "Initech"))
                later = (day + timedelta(days=3)).isoformat()
                ledger.append(Row(None, later, amt, "Transfer", "Initech Ltd"))
        elif kind in (16, 17):  # unmatched on one side each
            for k in (0, 1):
                if kind == 16:
                    bank.append(Row(f"FEE-{n}-{k}", day.isoformat(), amount, "Fee", "Bank"))
                else:
                    ledger.append(Row(f"OPEN-{n}-{k}", day.isoformat(), amount, "Open", "Hooli"))
        else:  # a duplicated bank row, matched once
            bank.extend([Row(f"DUP-{n}", day.isoformat(), amount, "Twice", "Dup")] * 2)
            ledger.append(Row(f"DUP-{n}", day.isoformat(), amount, "Once", "Dup"))
    return bank, ledger


# The rest of a shared server, as the other tenant's job: most rows of every table belong to
# someone else. Written directly (ids far above the test's own), as only their number matters.
_OTHER_TENANTS = (
    "INSERT INTO record (id, data_source_id, row_number, reference, amount, row_hash)"
    " SELECT 100000000 + n, :source, 1000 + n, 'T-' || n, n, n FROM generate_series(1, 200000) n",
    "INSERT INTO record_duplicate (job_id, record_id, side, group_id)"
    " SELECT :job, 100000000 + n, 'left', 100000000 + n - n % 2 FROM generate_series(1, 50000) n",
    "INSERT INTO unmatched_record (job_id, record_id, side, row_number, amount, booking_date)"
    " SELECT :job, 100000000 + n, CASE WHEN n % 2 = 0 THEN 'left' ELSE 'right' END, n, n,"
    " date '2025-01-01' + n % 300 FROM generate_series(1, 100000) n",
    "INSERT INTO open_item (reconciliation_id, record_id, side, first_seen_at, first_job_id)"
    " SELECT :reconciliation, 100000000 + n, CASE WHEN n % 2 = 0 THEN 'left' ELSE 'right' END,"
    " now() - n * interval '1 minute', :job FROM generate_series(1, 100000) n",
)


@dataclass
class World:
    client: AsyncClient
    database: Database
    editor: AuthedUser
    project_id: int
    job_id: int
    reconciliation_id: int
    left_id: int
    right_id: int
    unmatched_left_id: int  # a bank fee nothing matched

    def url(self, path: str = "") -> str:
        return f"/api/v1/projects/{self.project_id}/jobs/{self.job_id}{path}"

    async def get(self, path: str) -> Any:
        response = await self.client.get(path, headers=self.editor.headers)
        assert response.status_code == 200, (path, response.text)
        return response.json() if "json" in response.headers["content-type"] else response.text

    @contextmanager
    def statements(self) -> Iterator[list[tuple[str, Any]]]:
        """The SQL statements sent inside the block, with their parameters."""
        captured: list[tuple[str, Any]] = []

        def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            captured.append((statement, parameters))

        engine = self.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", capture)
        try:
            yield captured
        finally:
            event.remove(engine, "before_cursor_execute", capture)

    async def plan(self, statement: str, parameters: Any) -> str:
        async with self.database.engine.connect() as connection:
            result = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            return "\n".join(row[0] for row in result)


async def _run_job(
    client: AsyncClient, editor: AuthedUser, project_id: int, left: int, right: int
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/projects/{project_id}/jobs",
        json={"left_source_id": left, "right_source_id": right, "rules": RULES},
        headers=editor.headers,
    )
    assert response.status_code == 202, response.text
    return await wait_for(
        client,
        f"/api/v1/projects/{project_id}/jobs/{response.json()['id']}",
        editor.headers,
        until={"completed", "failed", "cancelled"},
        timeout=600,
    )


async def _wait_until_indexed(database: Database, job_id: int) -> None:
    """The job's task indexes its results (search text, unmatched rows) right after it
    completes; the hot reads use those indexes."""
    deadline = time.monotonic() + 600
    while True:
        async with database.sessionmaker() as session:
            indexed = await session.scalar(
                select(ReconciliationJob.results_indexed_at).where(ReconciliationJob.id == job_id)
            )
        if indexed is not None:
            return
        assert time.monotonic() < deadline, f"job {job_id} results never indexed"
        await asyncio.sleep(0.1)


@pytest.fixture(scope="module")
async def world(backend: str, test_settings: Settings) -> AsyncIterator[World]:
    if backend != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    url = create_postgres_database(f"tally_plans_{_worker()}")
    await upgrade_database(url)
    database = Database(test_settings, url=url)
    app = create_app(test_settings, database=database)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://tally.test") as client,
        database.sessionmaker() as session,
    ):
        owner = await create_user(session)
        editor = await create_user(session)
        project = await create_project(session, owner=owner, members={editor: ProjectRole.EDITOR})
        bank_rows, ledger_rows = _rows(PAIRS)
        bank = await create_source_with_rows(session, project=project, name="bank", rows=bank_rows)
        ledger = await create_source_with_rows(
            session, project=project, name="ledger", rows=ledger_rows
        )
        # Another tenant's small job: its partitions are the ones a statement must not reach.
        other = await create_project(session, owner=owner, name="other")
        few_bank, few_ledger = _rows(40)
        other_left = await create_source_with_rows(session, project=other, name="b", rows=few_bank)
        other_right = await create_source_with_rows(
            session, project=other, name="l", rows=few_ledger
        )
        other_job = await _run_job(client, owner, other.id, other_left.id, other_right.id)
        job = await _run_job(client, editor, project.id, bank.id, ledger.id)
        assert job["status"] == other_job["status"] == "completed", job
        for job_id in (other_job["id"], job["id"]):
            await _wait_until_indexed(database, job_id)
        async with database.engine.begin() as connection:
            parameters = {
                "source": other_left.id,
                "job": other_job["id"],
                "reconciliation": other_job["reconciliation_id"],
            }
            for statement in _OTHER_TENANTS:
                await connection.execute(text(statement), parameters)
            await connection.execute(text("ANALYZE"))
        yield World(
            client,
            database,
            editor,
            project.id,
            job["id"],
            job["reconciliation_id"],
            bank.id,
            ledger.id,
            await session.scalar(
                select(Record.id).where(
                    Record.data_source_id == bank.id, Record.reference == "FEE-16-0"
                )
            ),
        )
    await database.dispose()


# A job's partition of match or match_record as a plan names it ("on match_12 match_1": the
# partition, then its alias).
_PARTITION = re.compile(r"\bon (?:\w+\.)?match(?:_record)?_(\d+)\b")


def _large_scans(plan: str) -> list[str]:
    """Sequential scans of a large table or of any partition of one."""
    scans = []
    for line in plan.splitlines():
        found = re.search(r"Seq Scan on (?:\w+\.)?(\w+?)(?:_\d+)? ", line.replace('"', ""))
        if found and found.group(1) in LARGE:
            scans.append(line.strip())
    return scans


async def _check(world: World, captured: list[tuple[str, Any]], expected: set[str]) -> None:
    """EXPLAIN every statement: none scans a large table whole or reads another job's partition,
    and the expected indexes are used by some of them."""
    plans = []
    for statement, parameters in captured:
        if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            continue
        plan = await world.plan(statement, parameters)
        plans.append(f"{statement}\n--- plan ---\n{plan}")
        assert not _large_scans(plan), plans[-1]
        partitions = {int(job) for job in _PARTITION.findall(plan)}
        assert partitions <= {world.job_id}, f"other jobs' partitions are read:\n{plans[-1]}"
    used = "\n\n".join(plans)
    for index in expected:
        name = index.format(job=world.job_id, left=world.left_id, right=world.right_id)
        assert re.search(rf"(?:using|Bitmap Index Scan on) {re.escape(name)}\b", used), (
            f"{name} unused\n{used}"
        )


# Each hot read and the indexes its statements use: {job} is the job's id in the names of its
# partitions' indexes, {left} and {right} its sources' in their search partitions'.
JOB = "/api/v1/projects/{project}/jobs/{job}"
RECONCILIATION = "/api/v1/projects/{project}/reconciliations/{reconciliation}"
_PAGE_RECORDS = {"match_record_{job}_match_id_idx", "pk_record"}
_SEARCHED = {"record_search_{left}_text_idx", "record_search_{right}_text_idx"}
HOT_READS: dict[str, set[str]] = {
    JOB + "/matches?tab=matched": {"match_{job}_job_id_tab_id_idx", *_PAGE_RECORDS},
    JOB + "/matches?tab=review&sort=score": {"match_{job}_job_id_tab_id_idx", *_PAGE_RECORDS},
    JOB + "/matches?tab=review&sort=-amount&min_amount=10&max_amount=5000": {
        "match_{job}_job_id_tab_amount_id_idx",
        *_PAGE_RECORDS,
    },
    JOB + "/matches?tab=discrepancies&sort=date": {
        "match_{job}_job_id_tab_booking_date_id_idx",
        *_PAGE_RECORDS,
    },
    JOB + "/matches?tab=matched&q=inv-100-1": {
        *_SEARCHED,
        "match_record_{job}_job_id_record_id_idx",
        "match_{job}_pkey",
    },
    JOB + "/records?tab=unmatched_left": {
        "ix_unmatched_record_job_id_side_row_number_record_id",
        "pk_record",
    },
    JOB + "/records?tab=unmatched_right&sort=amount&max_amount=100": {
        "ix_unmatched_record_job_id_side_amount_record_id"
    },
    JOB + "/records?tab=unmatched_left&sort=-date": {
        "ix_unmatched_record_job_id_side_booking_date_record_id"
    },
    JOB + "/records?tab=unmatched_left&q=fee-1": {*_SEARCHED, "pk_unmatched_record"},
    JOB + "/records?tab=duplicates": {"ix_record_duplicate_job_id_group_id_record_id", "pk_record"},
    # A record's nearest candidates on the other side, by date and by amount.
    JOB + "/records/{record}/candidates": {
        "ix_record_data_source_id_booking_date",
        "ix_record_data_source_id_amount",
    },
    RECONCILIATION + "/open-items": {
        "ix_open_item_reconciliation_id_first_seen_at_record_id",
        "pk_record",
    },
    RECONCILIATION + "/open-items?side=left": {
        "ix_open_item_reconciliation_id_side_first_seen_at",
        "pk_record",
    },
}


@pytest.mark.parametrize("path", list(HOT_READS))
async def test_hot_reads_use_their_indexes(world: World, path: str) -> None:
    url = path.format(
        project=world.project_id,
        job=world.job_id,
        reconciliation=world.reconciliation_id,
        record=world.unmatched_left_id,
    )
    with world.statements() as captured:
        await world.get(url)
    await _check(world, captured, HOT_READS[path])


async def _match_id(world: World, status: MatchStatus) -> int:
    async with world.database.sessionmaker() as session:
        found = await session.scalar(
            select(Match.id)
            .where(Match.job_id == world.job_id, Match.status == status)
            .order_by(Match.id)
            .limit(1)
        )
    assert found is not None, status
    return int(found)


# The review changes and the indexes their statements use.
REVIEW_INDEXES: dict[str, set[str]] = {
    # The match and its links; the ambiguous siblings sharing its records (rejected with it);
    # other claims on the records; the records' open items.
    "confirm": {
        "match_{job}_pkey",
        "match_record_{job}_match_id_idx",
        "match_record_{job}_job_id_record_id_idx",
        "match_record_{job}_job_id_record_id_idx1",
        "pk_open_item",
    },
    "reject": {"match_{job}_pkey", "match_record_{job}_match_id_idx"},
    "matches": {"pk_record", "match_record_{job}_job_id_record_id_idx1", "pk_open_item"},
}


async def test_review_changes_read_and_write_only_the_jobs_partition(world: World) -> None:
    """Confirming an ambiguous match (its siblings sharing a record are rejected), rejecting a
    suggestion and pairing two unmatched records by hand: each statement finds the job's rows
    through the job's partition and its indexes."""
    ambiguous = await _match_id(world, MatchStatus.AMBIGUOUS)
    suggested = await _match_id(world, MatchStatus.SUGGESTED)
    left = (await world.get(world.url("/records?tab=unmatched_left&q=fee-&per_page=1")))["items"]
    right = (await world.get(world.url("/records?tab=unmatched_right&q=open-&per_page=1")))["items"]
    writes: list[tuple[str, Any]] = [
        (f"/matches/{ambiguous}/confirm", None),
        (f"/matches/{suggested}/reject", None),
        ("/matches", {"left_record_ids": [left[0]["id"]], "right_record_ids": [right[0]["id"]]}),
    ]
    for path, body in writes:
        with world.statements() as captured:
            response = await world.client.post(
                world.url(path), json=body, headers=world.editor.headers
            )
            assert response.status_code in (200, 201), (path, response.text)
        await _check(world, captured, REVIEW_INDEXES[path.split("/")[-1]])


async def test_indexing_an_incremental_job_reads_its_scope_not_its_sources(world: World) -> None:
    """After an incremental job, its search text (the rows appended since the last build) and its
    unmatched records (its scope less what its matches hold) are written by statements that read
    ``record`` by a range of row numbers or by key: what they cost follows the scope, not the
    sources (a 1M-row source indexed again after a 10k-row append). The job is made here, in a
    transaction rolled back after: its open items are the world's job's; no row was appended
    since (the plans of their ranges are checked all the same)."""
    async with world.database.sessionmaker() as session:
        sources = (world.left_id, world.right_id)
        last_rows = [
            int(
                await session.scalar(
                    select(func.max(Record.row_number)).where(Record.data_source_id == source)
                )
                or 0
            )
            for source in sources
        ]
        job = ReconciliationJob(
            project_id=world.project_id,
            left_source_id=world.left_id,
            right_source_id=world.right_id,
            reconciliation_id=world.reconciliation_id,
            mode=JobMode.INCREMENTAL,
            rules=RULES,
            status=JobStatus.COMPLETED,
            left_from_row=last_rows[0],
            right_from_row=last_rows[1],
        )
        session.add(job)
        await session.flush()
        await ReconciliationRepository(session).snapshot_scope(
            job.id, world.reconciliation_id, ScopeKind.OPEN
        )
        carried = await session.scalar(
            select(func.count()).select_from(JobScopeRecord).where(JobScopeRecord.job_id == job.id)
        )
        assert carried is not None and carried > 1_000
        with world.statements() as captured:
            search_index = SearchIndexRepository(session)
            for source in sources:
                await search_index.insert_search_text(source)
            await search_index.insert_unmatched(job)
        await session.rollback()
    plans = []
    for statement, parameters in captured:
        if not statement.lstrip().upper().startswith(("SELECT", "INSERT")):
            continue
        plan = await world.plan(statement, parameters)
        plans.append(f"{statement[:2000]}\n--- plan ---\n{plan}")
        assert not _large_scans(plan), plans[-1]
        if not statement.lstrip().upper().startswith("INSERT"):
            continue
        # record is read by key, or by a range of a source's row numbers (through its index or
        # a bitmap of it), never by data_source_id alone (a whole source).
        on_record = set(re.findall(r"using (\w+) on record\b", plan))
        on_record |= set(re.findall(r"Bitmap Index Scan on (\w*record\w*)", plan))
        assert on_record, plans[-1]
        assert on_record <= {"pk_record", "ix_record_data_source_id_row_number"}, plans[-1]
        for line in plan.splitlines():
            if "Index Cond: ((data_source_id" in line:
                assert "row_number >" in line, plans[-1]
    used = "\n\n".join(plans)
    for index in ("pk_record", "ix_record_data_source_id_row_number"):
        assert re.search(rf"using {index}\b", used), f"{index} unused\n{used}"
