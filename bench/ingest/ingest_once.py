"""Ingest one file through Tally's own code path, in a process of its own, and report as JSON.

    python -m bench.ingest.ingest_once DATABASE_URL DATA_DIR PROJECT_ID FILE [--old-orm]

The default path is the one the background `ingest` task runs (create_source, then
run_ingestion), in a process that imports what that task needs (the peak RSS of the commands
users run, `tally ingest`, `tally worker` and `tally serve`, is bench/rss/run.py's).
`--old-orm` is the predecessor's approach for comparison: Python's csv module, Decimal conversion,
and ORM objects flushed in batches of 1000 rows.
"""

from __future__ import annotations

import asyncio
import csv
import json
import resource
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench._common import peak_rss_mb, rss_mb
from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.models import DataSource, DataSourceStatus, Record
from tally.money import to_units
from tally.sources.commands import create_source_from_file
from tally.sources.ingestion import run_ingestion
from tally.sources.reading import UploadOptions


async def tally_path(
    database: Database, settings: Settings, project_id: int, file: Path
) -> dict[str, object]:
    async def create(session):  # type: ignore[no-untyped-def]
        source = await create_source_from_file(
            session, settings, project_id, file, name=file.name, options=UploadOptions()
        )
        return source.id

    started = time.perf_counter()
    source_id = await run_in_transaction(database, create)
    status = await run_ingestion(database, settings, source_id)
    elapsed = time.perf_counter() - started
    source = await run_in_transaction(database, lambda s: s.get(DataSource, source_id))
    assert status == DataSourceStatus.READY, source.error if source else status
    return {"source_id": source_id, "rows": source.row_count if source else 0, "seconds": elapsed}


async def old_orm_path(database: Database, project_id: int, file: Path) -> dict[str, object]:
    started = time.perf_counter()

    async def load(session):  # type: ignore[no-untyped-def]
        source = DataSource(project_id=project_id, name="old", file_name=file.name, status="ready")
        session.add(source)
        await session.flush()
        rows = 0
        with file.open(newline="", encoding="utf-8") as stream:
            for number, row in enumerate(csv.DictReader(stream), start=1):
                session.add(
                    Record(
                        data_source_id=source.id,
                        row_number=number,
                        reference=row["reference"],
                        booking_date=date.fromisoformat(row["date"]),
                        amount=to_units(Decimal(row["amount"])),
                        currency=row["currency"],
                        description=row["description"],
                        counterparty=row["counterparty"],
                        row_hash=0,
                    )
                )
                rows += 1
                if rows % 1000 == 0:
                    await session.flush()
                    session.expunge_all()
        await session.flush()
        return source.id, rows

    source_id, rows = await run_in_transaction(database, load)
    return {"source_id": source_id, "rows": rows, "seconds": time.perf_counter() - started}


async def main() -> None:
    url, data_dir, project, file = sys.argv[1:5]
    settings = Settings(TALLY_ENV="production", TALLY_DATA_DIR=data_dir, DATABASE_URL=url)
    idle_rss = rss_mb()  # before any work: what the imports cost
    database = Database(settings)
    try:
        if "--old-orm" in sys.argv:
            result = await old_orm_path(database, int(project), Path(file))
        else:
            result = await tally_path(database, settings, int(project), Path(file))
    finally:
        await database.dispose()
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["idle_rss_mb"] = round(idle_rss, 1)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
