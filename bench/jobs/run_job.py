"""Run one queued reconciliation job in a process of its own (a worker's view) and report JSON.

python -m bench.jobs.run_job DATABASE_URL JOB_ID
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from bench._common import peak_rss_mb
from tally.config import Settings
from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database, run_in_transaction
from tally.models import ReconciliationJob


async def main() -> None:
    url, job_id = sys.argv[1], int(sys.argv[2])
    database = Database(Settings(TALLY_ENV="production", DATABASE_URL=url))
    try:
        started = time.perf_counter()
        status = await run_reconciliation(database, job_id)
        elapsed = time.perf_counter() - started
        job = await run_in_transaction(database, lambda s: s.get(ReconciliationJob, job_id))
    finally:
        await database.dispose()
    summary = (job.summary or {}) if job else {}
    engine = summary.get("engine", {})
    print(
        json.dumps(
            {
                "status": str(status),
                "seconds": elapsed,
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
