"""Run one queued job in a process of its own with a partitioning mode, and report JSON.

python -m bench.partition.run_job DATABASE_URL JOB_ID MODE PART_RECORDS

MODE is the job's ``partitioning`` (off | on); with ``on`` the job is cut into parts of about
PART_RECORDS records matched by ONE worker thread: what the overhead of partitioning is measured on.
MODE ``off@queue`` / ``on@queue`` runs the job as a task queue runs it, on an embedded queue of
ONE worker: its task, then (``on``) its parts as tasks of their own and the merge (tally.jobs.fanout),
then the results' indexing.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench._common import peak_rss_mb
from tally.config import Settings
from tally.jobs.partitioning import PartitionOptions
from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database, run_in_transaction
from tally.models import ReconciliationJob


async def main() -> None:
    url, job_id, part_records = sys.argv[1], int(sys.argv[2]), int(sys.argv[4])
    mode, _, runner = sys.argv[3].partition("@")
    database = Database(Settings(TALLY_ENV="production", DATABASE_URL=url))
    executor = ThreadPoolExecutor(max_workers=1)

    async def in_thread(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        return await asyncio.get_running_loop().run_in_executor(
            executor, lambda: func(*args, **kwargs)
        )

    async def set_mode(session):  # type: ignore[no-untyped-def]
        job = await session.get(ReconciliationJob, job_id)
        job.partitioning = mode
        job.partitions = None

    try:
        await run_in_transaction(database, set_mode)
        options = PartitionOptions(min_records=1, part_records=part_records, workers=1)
        started, cpu = time.perf_counter(), time.process_time()
        if runner == "queue":
            status = await _run_on_queue(database, job_id, part_records)
        else:
            status = await run_reconciliation(
                database, job_id, run_in_thread=in_thread, partition_options=options
            )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        job = await run_in_transaction(database, lambda s: s.get(ReconciliationJob, job_id))
    finally:
        await database.dispose()
        executor.shutdown()
    summary = (job.summary or {}) if job else {}
    print(
        json.dumps(
            {
                "status": str(status),
                "mode": sys.argv[3],
                "parts": (job.partitions or {}).get("parts", 1) if job else None,
                "seconds": seconds,
                # This process's CPU (every thread), PostgreSQL's not: on a shared, overloaded
                # machine the steadier measure of the work the job itself does.
                "cpu_s": cpu,
                "phases": summary.get("phases"),
                "matches": (summary.get("engine") or {}).get("counts", {}).get("matches"),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


async def _run_on_queue(database: Database, job_id: int, part_records: int) -> str:
    """The job's reconcile task on an embedded queue of one worker: its parts and merge run as
    tasks of their own; returns the job's final status."""
    import tally.jobs.tasks  # noqa: F401  (registers the job tasks)
    from tally.kit.tasks import EmbeddedQueue

    settings = Settings(
        TALLY_ENV="production",
        DATABASE_URL=database.url,
        TALLY_PARTITION_MIN_RECORDS=1,
        TALLY_PARTITION_RECORDS=part_records,
    )
    queue = EmbeddedQueue(settings=settings, database=database, concurrency=1)
    await queue.start()  # its start-up recovery queues the job's task (the job is queued)
    try:
        await queue.join()
    finally:
        await queue.stop()
    job = await run_in_transaction(database, lambda s: s.get(ReconciliationJob, job_id))
    return str(job.status if job else None)


if __name__ == "__main__":
    asyncio.run(main())
