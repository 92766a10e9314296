"""How long a child load holds SQLite's write lock per step, and waits for its turn.

    python -m bench.ingest.child_write_turns --rows 200000

Loads a generated CSV into a fresh SQLite database the way the embedded server does (the source's
`ingest` task, which runs the load in a child process whose write steps take turns at this
process's write gate) and prints the turn statistics the parent logs at the end
(`sources.child_write_turns`: hold and wait in ms, p50 / p99 / max), with the machine's load.
Nothing else writes meanwhile: the holds are the steps' own cost (WRITE_STEP_ROWS rows each, plus
the progress updates).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import structlog

from bench.ingest.bench_ingest import _seed
from bench.synthetic_csv import write_csv
from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks.embedded import EmbeddedQueue
from tally.sources.commands import create_source_from_file
from tally.sources.ingestion import WRITE_STEP_ROWS
from tally.sources.reading import UploadOptions
from tally.sources.service import INGEST_TASK
from tally.sources.tasks import ingest

DATA = Path(__file__).resolve().parent.parent / "data"


async def _measure(rows: int) -> dict[str, Any]:
    file = DATA / f"transactions-{rows}.csv"
    if not file.exists():
        write_csv(file, rows)
    work = Path(tempfile.mkdtemp(prefix="tally-child-turns-"))
    url = f"sqlite+aiosqlite:///{work / 'tally.db'}"
    project_id = await _seed(url, work)
    settings = Settings(TALLY_ENV="production", TALLY_DATA_DIR=work, TALLY_LOG_LEVEL="INFO")
    database = Database(settings, url=url)
    summary: dict[str, Any] = {}

    def capture(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
        if event.get("event") == "sources.child_write_turns":
            summary.update(event)
        return event

    structlog.configure(processors=[capture, structlog.processors.JSONRenderer()])
    try:

        async def create(session):  # type: ignore[no-untyped-def]
            source = await create_source_from_file(
                session, settings, project_id, file, name=file.name, options=UploadOptions()
            )
            return source.id

        source_id = await run_in_transaction(database, create)
        queue = EmbeddedQueue(settings=settings, database=database)
        started = time.perf_counter()
        await ingest(queue.context(INGEST_TASK, "bench", 1), source_id=source_id)
        seconds = time.perf_counter() - started
    finally:
        await database.dispose()
    return {
        "rows": rows,
        "write_step_rows": WRITE_STEP_ROWS,
        "seconds": round(seconds, 2),
        "turns": summary.get("turns"),
        "hold_ms": summary.get("hold_ms"),
        "wait_ms": summary.get("wait_ms"),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(_measure(args.rows))))


if __name__ == "__main__":
    main()
