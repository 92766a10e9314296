"""Result pages that read the indexes built after completion, at the service (no HTTP).

    python -m bench.result_indexes --url postgresql+psycopg://postgres@127.0.0.1:55432/postgres \
        --matches 1000000

Seeds a database ``tally_bench_result_indexes`` as bench.web_pages does (a completed job, its
records with the unmatched ones at the end of each file, then the background indexing step) and
prints the median of 7 calls of the ResultService reads behind the unmatched tabs and text search.
The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench._common import scratch_database
from bench.web_pages import seed
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.pagination import PageParams
from tally.projects.auth import ProjectAccess
from tally.results.schemas import MatchQuery, RecordQuery, RecordSort, RecordTab
from tally.results.service import ResultService
from tally.users.auth import Principal

DB_NAME = "tally_bench_result_indexes"


async def time_reads(url: str, unmatched_reference: str) -> None:
    database = Database(Settings(TALLY_ENV="test"), url=url)
    access = ProjectAccess(1, "owner", Principal(1, "bench@example.test", "admin", ""))
    first, deep = PageParams(page=1, per_page=50), PageParams(page=500, per_page=50)
    reads: dict[str, Callable[[ResultService], Awaitable[Any]]] = {
        "unmatched left, page 1": lambda s: s.list_records(access, 1, RecordQuery(), first),
        "unmatched left, page 500": lambda s: s.list_records(access, 1, RecordQuery(), deep),
        "unmatched right, largest amounts": lambda s: s.list_records(
            access,
            1,
            RecordQuery(tab=RecordTab.UNMATCHED_RIGHT, sort=RecordSort.AMOUNT_DESC),
            first,
        ),
        f"unmatched left, q={unmatched_reference}": lambda s: s.list_records(
            access, 1, RecordQuery(q=unmatched_reference), first
        ),
        "matched, q=INV-123456": lambda s: s.list_matches(
            access, 1, MatchQuery(q="INV-123456"), first
        ),
    }
    print("\n| read (ResultService, median of 7) | ms |\n|---|---:|")
    try:
        async with database.sessionmaker() as session:
            service = ResultService(session)
            for name, read in reads.items():
                await read(service)
                await session.rollback()
                samples = []
                for _ in range(7):
                    started = time.perf_counter()
                    await read(service)
                    samples.append((time.perf_counter() - started) * 1000)
                    await session.rollback()
                print(f"| {name} | {statistics.median(samples):.1f} |")
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="an admin URL of the PostgreSQL server")
    parser.add_argument("--matches", type=int, default=1_000_000)
    args = parser.parse_args()
    with scratch_database(args.url, DB_NAME) as url:
        seed(url, args.matches)  # ... and the indexing step
        # The seed's unmatched left records are the last 5 % of the file.
        last = args.matches + args.matches // 20 - 1
        asyncio.run(time_reads(url, f"INV-{last}"))


if __name__ == "__main__":
    main()
