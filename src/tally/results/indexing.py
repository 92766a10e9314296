"""The indexes a completed job's results pages read, built in the background after completion.

Neither belongs on the write path: a trigram index on ``record`` would slow every ingestion's
COPY, and listing unmatched records as the job writes its results would lengthen the job. So the
job's task, once the job is ``completed``, copies its sources' text into ``record_search`` and its
unmatched records into ``unmatched_record``, then sets ``results_indexed_at``. Until then the
pages answer from the scans (same rows, same order), and the results page says a search scans.
"""

from __future__ import annotations

import time
from functools import partial

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_jobs
from tally.jobs.repository import JobRepository
from tally.kit.db import Database, run_in_transaction
from tally.models import JobStatus
from tally.results.review_repository import ReviewRepository
from tally.results.search_index import SearchIndexRepository

log = structlog.get_logger("tally.results")


async def index_results(database: Database, job_id: int) -> bool:
    """Build the search text and unmatched rows of a completed job; returns whether it did.

    Safe to run twice or beside a review: the unmatched rows are written under the job's row lock
    (which review changes take too) and only while the job is completed and not yet indexed.
    """
    started = time.perf_counter()
    job = await run_in_transaction(database, lambda s: JobRepository(s).get(job_id))
    if job is None or job.status != JobStatus.COMPLETED or job.results_indexed_at is not None:
        return False
    for source_id in dict.fromkeys((job.left_source_id, job.right_source_id)):
        await run_in_transaction(database, partial(_index_text, source_id=source_id))
    search_s = time.perf_counter() - started

    async def list_unmatched(session: AsyncSession) -> bool:
        locked = await ReviewRepository(session).lock_job(job.project_id, job_id)
        if (
            locked is None
            or locked.status != JobStatus.COMPLETED
            or locked.results_indexed_at is not None
        ):
            return False
        search_index = SearchIndexRepository(session)
        await search_index.insert_unmatched(locked)
        await search_index.mark_results_indexed(locked)
        invalidate_jobs(session, locked.project_id)
        return True

    indexed = await run_in_transaction(database, list_unmatched)
    log.info(
        "results.indexed",
        job_id=job_id,
        indexed=indexed,
        search_s=round(search_s, 3),
        seconds=round(time.perf_counter() - started, 3),
    )
    return indexed


async def _index_text(session: AsyncSession, *, source_id: int) -> None:
    await SearchIndexRepository(session).insert_search_text(source_id)
