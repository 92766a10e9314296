"""Run one queued reconciliation job in a process of its own (a worker's view) and report JSON.

python -m bench.jobs.run_job DATABASE_URL JOB_ID

Times what the job's task (`tally.jobs.tasks.reconcile`) makes a user wait for: the job itself
(load, match, write results, stats), with its matching in a worker thread as the task queue runs
it, then `index_results` (the search text and unmatched rows the results pages read). The task's
last step, telling the project's webhooks, sends nothing here (no webhook is configured).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench._common import peak_rss_mb
from tally.config import Settings
from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database, run_in_transaction
from tally.models import ReconciliationJob
from tally.results.indexing import index_results


async def main() -> None:
    url, job_id = sys.argv[1], int(sys.argv[2])
    database = Database(Settings(TALLY_ENV="production", DATABASE_URL=url))
    executor = ThreadPoolExecutor(max_workers=1)  # the queue's pool: one thread per running task

    async def in_thread(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        return await asyncio.get_running_loop().run_in_executor(
            executor, lambda: func(*args, **kwargs)
        )

    try:
        started = time.perf_counter()
        status = await run_reconciliation(database, job_id, run_in_thread=in_thread)
        job_s = time.perf_counter() - started
        indexed = await index_results(database, job_id)
        task_s = time.perf_counter() - started
        job = await run_in_transaction(database, lambda s: s.get(ReconciliationJob, job_id))
    finally:
        await database.dispose()
        executor.shutdown()
    summary = (job.summary or {}) if job else {}
    engine = summary.get("engine", {})
    print(
        json.dumps(
            {
                "status": str(status),
                "seconds": job_s,
                "index_results_s": task_s - job_s,
                "task_s": task_s,
                "indexed": indexed,
                "phases": summary.get("phases"),
                "engine_timings": engine.get("timings"),
                "counts": engine.get("counts"),
                "rules": engine.get("rules"),
                "blocks_searched": engine.get("blocks_searched"),
                "blocks_over_budget": engine.get("blocks_over_budget"),
                "group_candidates_truncated": engine.get("group_candidates_truncated"),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "error": job.error if job else None,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
