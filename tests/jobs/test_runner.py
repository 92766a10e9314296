from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.jobs.runner import run_reconciliation
from tally.jobs.service import RECONCILE_TASK
from tally.jobs.tasks import reconcile, recover_unfinished_jobs
from tally.kit.db import Database
from tally.kit.tasks import TaskContext
from tally.kit.tasks.queue import TaskQueue
from tally.models import JobStatus, Match, MatchRecord, ProjectStats, ReconciliationJob
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.users import create_user

BANK = [
    Row("INV-1", "2026-01-02", "100.00", "Payment INV-1", "Acme"),
    Row("INV-2", "2026-01-03", "250.50", "Payment INV-2", "Globex"),
    Row("inv 3", "2026-01-05", "-75.25", "Refund", "Initech"),
    Row(None, "2026-01-06", "-9.99", "Bank fee", "Bank"),
]
LEDGER = [
    Row("INV-1", "2026-01-01", "100.00", "Invoice 1", "Acme"),
    Row("INV-2", "2026-01-02", "250.50", "Invoice 2", "Globex"),
    Row("INV3", "2026-01-04", "-75.25", "Credit note", "Initech"),
    Row("INV-4", "2026-01-04", "500.00", "Invoice 4", "Hooli"),
]


async def test_job_runs_to_completion_and_stores_results_and_stats(
    session: AsyncSession, db: Database
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank = await create_source_with_rows(session, project=project, name="bank", rows=BANK)
    ledger = await create_source_with_rows(session, project=project, name="ledger", rows=LEDGER)
    job = await create_job(
        session, project=project, left=bank, right=ledger, status=JobStatus.QUEUED
    )

    assert await run_reconciliation(db, job.id) == JobStatus.COMPLETED

    async with db.sessionmaker() as check:
        stored = await check.get(ReconciliationJob, job.id)
        assert stored is not None and stored.status == JobStatus.COMPLETED
        assert stored.progress == 1.0 and stored.attempts == 1
        matches = await check.scalar(
            select(func.count()).select_from(Match).where(Match.job_id == job.id)
        )
        links = await check.scalar(
            select(func.count()).select_from(MatchRecord).where(MatchRecord.job_id == job.id)
        )
        assert (matches, links) == (3, 6)
        stats = await check.get(ProjectStats, project.id)
        assert stats is not None
        assert (stats.matched_count, stats.unmatched_count) == (6, 2)
        assert stats.match_rate == 0.75
        assert stats.matched_amount == 425_7500  # 100.00 + 250.50 + 75.25, counted once
        assert stats.unmatched_amount == 509_9900  # the bank fee and invoice 4

        # The totals computed in memory at completion equal a recount of the stored rows.
        from tally.results.stats_repository import StatsRepository

        recount = await StatsRepository(check).job_totals(job.id, bank.id, ledger.id)
        summary = stored.summary or {}
        assert {k: summary[k] for k in ("left", "right", "matches")} == recount
        # Open items: the bank fee (2026-01-06, newest: age 0) and invoice 4 (2026-01-04: 2 days).
        assert summary["unmatched_by_age"][0] == {"label": "0-7 days", "count": 2}

    # Running it again does nothing: finished jobs are not claimed twice.
    assert await run_reconciliation(db, job.id) is None


async def test_deleting_a_source_or_project_leaves_no_orphan_rows(
    session: AsyncSession, db: Database, test_settings: Settings
) -> None:
    from sqlalchemy import text

    from tally.projects.auth import owner_access
    from tally.projects.service import ProjectService
    from tally.sources.ingestion import purge_source
    from tally.sources.service import DataSourceService

    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank = await create_source_with_rows(session, project=project, name="bank", rows=BANK)
    ledger = await create_source_with_rows(session, project=project, name="ledger", rows=LEDGER)
    job = await create_job(
        session, project=project, left=bank, right=ledger, status=JobStatus.QUEUED
    )
    assert await run_reconciliation(db, job.id) == JobStatus.COMPLETED

    async def count(table: str) -> int:
        async with db.sessionmaker() as check:
            return int(await check.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)

    assert await count("match_record") == 6
    async with db.sessionmaker() as work:
        access = await owner_access(work, project.id)
        purge_later = await DataSourceService(work).delete_source(access, bank.id)
        await work.commit()
    if purge_later:  # SQLite: the records go in steps after the request (PURGE_TASK)
        assert await purge_source(db, test_settings, bank.id)
    assert (
        await count("match"),
        await count("match_record"),
        await count("reconciliation_job"),
    ) == (0, 0, 0)
    assert await count("record") == len(LEDGER)

    async with db.sessionmaker() as work:
        await ProjectService(work).delete_project(await owner_access(work, project.id))
        await work.commit()
    assert (await count("record"), await count("data_source"), await count("project")) == (0, 0, 0)


async def test_recovery_indexes_a_completed_job_the_process_stopped_before_indexing(
    session: AsyncSession, db: Database, test_settings: Settings
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank = await create_source_with_rows(session, project=project, name="bank", rows=BANK)
    ledger = await create_source_with_rows(session, project=project, name="ledger", rows=LEDGER)
    job = await create_job(
        session, project=project, left=bank, right=ledger, status=JobStatus.QUEUED
    )
    assert await run_reconciliation(db, job.id) == JobStatus.COMPLETED  # then the process stops
    indexed = await create_job(session, project=project, left=bank, right=ledger)
    indexed.results_indexed_at = datetime.now(UTC)
    expired = await create_job(session, project=project, left=bank, right=ledger)
    expired.results_expired = True
    await session.commit()

    queued: list[dict[str, Any]] = []

    class RecordingQueue:
        async def enqueue(self, _session: AsyncSession, task: str, **arguments: Any) -> None:
            queued.append({"task": task, **arguments})

    queue = cast(TaskQueue, RecordingQueue())
    await recover_unfinished_jobs(session, queue)
    assert queued == [{"task": RECONCILE_TASK, "job_id": job.id}]

    # What the recovered task does: skips the finished run and indexes its results.
    with ThreadPoolExecutor(1) as executor:
        context = TaskContext(
            task=RECONCILE_TASK,
            task_id="recovered",
            attempt=1,
            database=db,
            settings=test_settings,
            queue=queue,
            executor=executor,
        )
        await reconcile(context, job_id=job.id)
    async with db.sessionmaker() as check:
        stored = await check.get(ReconciliationJob, job.id)
        assert stored is not None and stored.attempts == 1
        assert stored.results_indexed_at is not None
