"""CSV export of a job with N matches on PostgreSQL: Tally's export (COPY TO STDOUT, shaped with
Arrow) against a bare COPY of the same statements (the hardware's limit), and the keyset-page path
it replaced (the path SQLite still takes).

    python -m bench.export.bench_export [--matches 1000000] [--repeat 5] [--page-matches 100000]

Needs TALLY_TEST_DATABASE_URL (PostgreSQL; `scripts/bench export` starts one). Creates (and drops)
a database ``tally_bench_export``, seeds a completed job with SQL (bench.results_pages: 2 records a
match, 5 % unmatched on each side), and streams the whole export (every tab) as the API's
StreamingResponse does. Writes bench/export/REPORT.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import psycopg

from bench._common import plain_url, scratch_database
from bench.results_pages import _seed_sql
from tally.config import Settings
from tally.kit.bulk import copy_out_blocks
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tally.kit.threads import iterate_in_thread
from tally.models import ReconciliationJob
from tally.results import export
from tally.results.partitions import RESULTS_SCHEMA
from tally.results.repository import ResultRepository

HERE = Path(__file__).resolve().parent
DB_NAME = "tally_bench_export"


def _seed(url: str, matches: int) -> None:
    statements = _seed_sql(matches, matches // 20)
    partitions = [
        f"CREATE TABLE {RESULTS_SCHEMA}.{table}_1 PARTITION OF {table} FOR VALUES IN (1)"
        for table in ("match", "match_record")
    ]
    at = next(i for i, s in enumerate(statements) if "INSERT INTO match " in s)
    with psycopg.connect(plain_url(url)) as connection:
        for statement in [*statements[:at], *partitions, *statements[at:]]:
            connection.execute(statement)
        connection.commit()


async def _drain(chunks: AsyncIterator[bytes]) -> tuple[float, int]:
    started = time.perf_counter()
    size = 0
    async for chunk in chunks:
        size += len(chunk)
    return time.perf_counter() - started, size


async def _bare_copy(database: Database, job: ReconciliationJob) -> AsyncIterator[bytes]:
    """The same statements through COPY, unshaped: what the server and the wire do alone."""
    async with database.sessionmaker() as session:
        connection = await session.connection()
        queries = export._copy_queries(
            ResultRepository(session),
            connection.dialect,
            job,
            export.ALL_TABS,
            export.ExportFilter(),
        )
        for query in queries:
            blocks = copy_out_blocks(connection, query, block_rows=export.COPY_BLOCK_ROWS)
            async for block in iterate_in_thread(blocks):
                yield block


async def _runs(
    label: str, make: Callable[[], AsyncIterator[bytes]], repeat: int
) -> dict[str, float | str]:
    seconds, sizes = [], []
    for _ in range(repeat):
        elapsed, size = await _drain(make())
        seconds.append(elapsed)
        sizes.append(size)
    mb = sizes[0] / 1e6
    result: dict[str, float | str] = {
        "label": label,
        "mb": round(mb, 1),
        "min_s": round(min(seconds), 2),
        "median_s": round(statistics.median(seconds), 2),
        "max_s": round(max(seconds), 2),
        "mb_s": round(mb / statistics.median(seconds), 1),
    }
    print(result, flush=True)
    return result


async def _measure(url: str, repeat: int, page_repeat: int) -> list[dict[str, float | str]]:
    database = Database(Settings(TALLY_ENV="production"), url=url)
    try:
        async with database.sessionmaker() as session:
            job = await session.get(ReconciliationJob, 1)
        assert job is not None
        filters = export.ExportFilter()
        results = [
            await _runs(
                "Tally CSV export (COPY + Arrow)",
                lambda: export.copy_csv_chunks(database, job, export.ALL_TABS, filters),
                repeat,
            ),
            await _runs(
                "bare COPY of the same statements", lambda: _bare_copy(database, job), repeat
            ),
        ]
        if page_repeat:
            results.append(
                await _runs(
                    "keyset pages (before; SQLite's path)",
                    lambda: export.page_csv_chunks(database, job, export.ALL_TABS, filters),
                    page_repeat,
                )
            )
        return results
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matches", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page-repeat", type=int, default=1, help="runs of the old path (0: none)")
    parser.add_argument("--report", type=Path, default=HERE / "REPORT.md")
    args = parser.parse_args()
    admin = os.environ["TALLY_TEST_DATABASE_URL"]
    with scratch_database(admin, DB_NAME) as url:
        asyncio.run(upgrade_database(url))
        started = time.perf_counter()
        _seed(url, args.matches)
        print(
            f"seeded {args.matches:,} matches in {time.perf_counter() - started:.1f} s", flush=True
        )
        results = asyncio.run(_measure(url, args.repeat, args.page_repeat))
    load = os.getloadavg()
    with psycopg.connect(plain_url(admin)) as connection:
        settings: dict[str, str] = dict(
            connection.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('fsync', 'synchronous_commit', 'full_page_writes')"
            ).fetchall()
        )
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# CSV export on PostgreSQL",
        "",
        f"`python -m bench.export.bench_export --matches {args.matches} --repeat {args.repeat} "
        f"--page-repeat {args.page_repeat}` ({when}; load average {load[0]:.1f} / {load[1]:.1f} "
        f"(1 / 5 min) at the end on a machine shared with other work; server settings "
        f"{', '.join(f'{k}={v}' for k, v in sorted(settings.items()))}).",
        "",
        f"A completed job of {args.matches:,} matches (2 records each) and 5 % unmatched records "
        "on each side, every tab exported, as the API streams it. min / median / max of the runs.",
        "",
        "| path | MB | min s | median s | max s | MB/s (median) |",
        "|---|---|---|---|---|---|",
        *(
            f"| {r['label']} | {r['mb']} | {r['min_s']} | {r['median_s']} | {r['max_s']} | "
            f"{r['mb_s']} |"
            for r in results
        ),
        "",
        f"Ratio Tally / bare COPY (medians): "
        f"{float(results[0]['median_s']) / float(results[1]['median_s']):.2f}.",
        "",
    ]
    args.report.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
