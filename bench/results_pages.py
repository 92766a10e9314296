"""Results pages, review actions and exports on a job with a million matches (PostgreSQL).

    python -m bench.results_pages --url postgresql+psycopg://postgres@127.0.0.1:55432/postgres \
        --matches 1000000

Creates (and finally drops) a database ``tally_bench_results`` on that server, seeds a completed
job directly with SQL (2 x (matches + 5 %) records, the matches and their links), then times the
service calls the API and the web app make (median of 5, warm cache) and the bulk write of the
same number of matches with and without the results indexes of migration 0003_results.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import polars as pl
import psycopg
from tests.helpers.results import RULES

from bench._common import scratch_database
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tally.kit.pagination import PageParams
from tally.projects.auth import ProjectAccess
from tally.results.candidates import CandidateService
from tally.results.export import ExportFilter, csv_chunks
from tally.results.review_repository import ReviewRepository
from tally.results.schemas import (
    MatchQuery,
    MatchSort,
    RecordQuery,
    RecordSort,
    RecordTab,
    ResultTab,
)
from tally.results.service import ResultService
from tally.results.stats_repository import StatsRepository
from tally.results.summary import QualityService
from tally.results.writes import ResultWriter
from tally.users.auth import Principal

DB_NAME = "tally_bench_results"
NEW_INDEXES = (
    "ix_match_job_id_tab_id",
    "ix_match_job_id_tab_amount_id",
    "ix_match_job_id_tab_booking_date_id",
)


def _seed_sql(n: int, extra: int) -> list[str]:
    per_side = n + extra
    return [
        'INSERT INTO "user" (id, email, password_hash, role, is_active, created_at) '
        "VALUES (1, 'bench@example.test', 'x', 'admin', true, now())",
        "INSERT INTO project (id, name, description, owner_id, created_at, updated_at) "
        "VALUES (1, 'bench', '', 1, now(), now())",
        *(
            "INSERT INTO data_source (id, project_id, name, file_name, format, size_bytes, row_count,"
            " rows_done, skipped_count, status, created_at, updated_at) VALUES "
            f"({sid}, 1, 's{sid}', 's{sid}.csv', 'csv', 0, {per_side}, {per_side}, 0, 'ready', now(), now())"
            for sid in (1, 2)
        ),
        f"""INSERT INTO reconciliation_job (id, project_id, number, left_source_id, right_source_id,
            rules, status, progress, cancel_requested, results_expired, attempts, created_at)
            VALUES (1, 1, 1, 1, 2, '{_json(RULES)}', 'completed', 1, false, false, 1, now())""",
        # Left record i and right record per_side + i belong together for i <= n.
        *(
            f"""INSERT INTO record (id, data_source_id, row_number, reference, booking_date, amount,
                currency, description, counterparty, row_hash)
            SELECT {offset} + i, {sid}, i, 'INV-' || i, date '2025-01-01' + (i % 365)::int,
                   (1000 + (i * 7919) % 9000000) * 100, 'EUR', 'Payment ' || i || ' ref INV-' || i,
                   'Customer ' || (i % 5000), 0
            FROM generate_series(1::bigint, {per_side}) AS i"""
            for sid, offset in ((1, 0), (2, per_side))
        ),
        f"""INSERT INTO match (id, number, job_id, rule, rule_index, score, status, category,
                amount_difference, date_difference_days, evidence, created_at, amount, booking_date,
                tab, origin)
            SELECT i, i, 1, CASE WHEN i % 10 = 0 THEN 'amount_date' ELSE 'reference' END,
                   CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
                   CASE WHEN i % 100 < 95 THEN 0.98 ELSE 0.8 END,
                   CASE WHEN i % 100 < 95 THEN 'auto' ELSE 'suggested' END,
                   CASE WHEN i % 100 = 99 THEN 'discrepancy' ELSE 'matched' END,
                   0, 1,
                   '{{"kind":"pair","conditions":[{{"type":"equals","field":"reference","exact":true,"passed":true}},{{"type":"amount","difference":0,"tolerance":100,"passed":true}},{{"type":"date","days":1,"window":5,"passed":true}}],"tie":false}}',
                   now(), (1000 + (i * 7919) % 9000000) * 100, date '2025-01-01' + (i % 365)::int,
                   CASE WHEN i % 100 = 99 THEN 'discrepancies'
                        WHEN i % 100 < 95 THEN 'matched' ELSE 'review' END,
                   CASE WHEN i % 100 = 99 THEN 'discrepancy'
                        WHEN i % 100 < 95 THEN 'auto' ELSE 'suggested' END
            FROM generate_series(1::bigint, {n}) AS i""",
        f"""INSERT INTO match_record (job_id, match_id, record_id, side, claims)
            SELECT 1, i, i, 'left', true FROM generate_series(1::bigint, {n}) AS i
            UNION ALL
            SELECT 1, i, {per_side} + i, 'right', true FROM generate_series(1::bigint, {n}) AS i""",
        "INSERT INTO project_counter (project_id, last_job_number, last_match_number) "
        f"VALUES (1, 1, {n})",
        "SELECT setval(pg_get_serial_sequence('match', 'id'), (SELECT max(id) FROM match))",
        "SELECT setval(pg_get_serial_sequence('record', 'id'), (SELECT max(id) FROM record))",
        "SELECT setval(pg_get_serial_sequence('user', 'id'), 1)",
        "ANALYZE",
    ]


def _json(value: Any) -> str:
    import json

    return json.dumps(value).replace("'", "''")


async def _median(call: Callable[[], Awaitable[Any]], runs: int = 5) -> float:
    await call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="an admin URL of the PostgreSQL server")
    parser.add_argument("--matches", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true", help="skip the bulk write figures")
    args = parser.parse_args()
    with scratch_database(args.url, DB_NAME) as url:
        await _run(url, args.matches, write=not args.no_write)


async def _run(url: str, n: int, *, write: bool) -> None:
    await upgrade_database(url)
    extra = n // 20
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        for statement in _seed_sql(n, extra):
            connection.execute(statement)  # type: ignore[arg-type]
        connection.commit()
    print(
        f"seeded {n:,} matches, {2 * (n + extra):,} records in {time.perf_counter() - started:.1f} s"
    )

    database = Database(Settings(TALLY_ENV="test"), url=url)
    access = ProjectAccess(1, "owner", Principal(1, "bench@example.test", "admin", ""))
    figures: dict[str, float] = {}
    async with database.sessionmaker() as session:
        stats = StatsRepository(session)
        started = time.perf_counter()
        totals = await stats.job_totals(1, 1, 2)
        figures["job_totals (full recount, once per job)"] = (time.perf_counter() - started) * 1000
        reviews = ReviewRepository(session)
        job_row = await reviews.lock_job(1, 1)
        assert job_row is not None
        await reviews.update_job_summary(job_row, totals)
        await stats.save_project_stats(1, 1, totals)
        await session.commit()

        service = ResultService(session)
        candidates = CandidateService(session)
        first, deep = PageParams(page=1, per_page=50), PageParams(page=2_000, per_page=50)
        reads: dict[str, Callable[[], Awaitable[Any]]] = {
            "matches matched sort=id page 1": lambda: service.list_matches(
                access, 1, MatchQuery(), first
            ),
            "matches matched sort=id page 2000": lambda: service.list_matches(
                access, 1, MatchQuery(), deep
            ),
            "matches matched sort=-amount": lambda: service.list_matches(
                access, 1, MatchQuery(sort=MatchSort.AMOUNT_DESC), first
            ),
            "matches matched sort=date": lambda: service.list_matches(
                access, 1, MatchQuery(sort=MatchSort.DATE), first
            ),
            "matches review sort=score": lambda: service.list_matches(
                access, 1, MatchQuery(tab="review", sort=MatchSort.SCORE), first
            ),
            "matches matched amount 100..200": lambda: service.list_matches(
                access, 1, MatchQuery(min_amount=100_0000, max_amount=200_0000), first
            ),
            "matches matched rule=amount_date": lambda: service.list_matches(
                access, 1, MatchQuery(rule="amount_date"), first
            ),
            "matches matched q=INV-12345": lambda: service.list_matches(
                access, 1, MatchQuery(q="INV-12345"), first
            ),
            "records unmatched_left": lambda: service.list_records(access, 1, RecordQuery(), first),
            "records unmatched_right sort=-amount": lambda: service.list_records(
                access,
                1,
                RecordQuery(tab=RecordTab.UNMATCHED_RIGHT, sort=RecordSort.AMOUNT_DESC),
                first,
            ),
            "candidates of an unmatched record": lambda: candidates.nearest_candidates(
                access, 1, n + 7, 10
            ),
            "quality report": lambda: QualityService(session).quality_report(access, 1),
        }
        for name, call in reads.items():
            figures[name] = await _median(call)
            await session.rollback()

        review_ids = [i for i in range(95, n, 100)][:6]
        for label, action in (
            ("confirm (a suggestion)", service.confirm_match),
            ("reject (the same match)", service.reject_match),
        ):
            times = []
            for match_id in review_ids:
                started = time.perf_counter()
                await action(access, 1, match_id)
                await session.commit()
                times.append(time.perf_counter() - started)
            figures[label] = statistics.median(times) * 1000

    job: Any = _Job()
    rows = 0
    started = time.perf_counter()
    async for chunk in csv_chunks(database, job, (ResultTab.REVIEW,), ExportFilter()):
        rows += chunk.count(b"\n")
    export_s = time.perf_counter() - started
    figures[f"CSV export: {rows:,} rows (ms)"] = export_s * 1000

    for name, ms in figures.items():
        print(f"{name:45s} {ms:10.1f} ms")
    print(f"CSV export rate: {rows / export_s:,.0f} rows/s")
    if write:
        await _write_cost(database, n)
    await database.dispose()


class _Job:
    id = 1
    left_source_id = 1
    right_source_id = 2


async def _write_cost(database: Database, n: int) -> None:
    """ResultWriter.replace_results of n synthetic matches, with and without the 0003 indexes."""
    per_side = n + n // 20
    keys = pl.int_range(1, n + 1, dtype=pl.Int64, eager=True)
    matches = pl.DataFrame(
        {
            "match_key": keys,
            "rule": "reference",
            "rule_index": 0,
            "score": 0.98,
            "status": "auto",
            "category": "matched",
            "amount_difference": 0,
            "date_difference_days": 1,
            "evidence": '{"kind":"pair","conditions":[],"tie":false}',
        },
        schema_overrides={"rule_index": pl.Int32, "date_difference_days": pl.Int32},
    )
    links = pl.concat(
        [
            pl.DataFrame({"match_key": keys, "record_id": keys, "side": "left"}),
            pl.DataFrame({"match_key": keys, "record_id": keys + per_side, "side": "right"}),
        ]
    )
    duplicates = pl.DataFrame(schema={"side": pl.String, "record_id": pl.Int64, "group": pl.Int64})
    left = pl.DataFrame({"id": keys, "amount": keys * 100, "booking_date": None}).with_columns(
        pl.col("booking_date").cast(pl.Date)
    )
    for label in ("with the 0003 indexes", "without them"):
        async with database.sessionmaker() as session:
            started = time.perf_counter()
            await ResultWriter(session).replace_results(
                1, matches, links, duplicates=duplicates, left_records=left
            )
            await session.commit()
            print(
                f"replace_results of {n:,} matches {label}: {time.perf_counter() - started:.1f} s"
            )
        async with database.engine.begin() as connection:
            for index in NEW_INDEXES:
                await connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")


if __name__ == "__main__":
    asyncio.run(main())
