"""End-to-end reconciliation job benchmark on PostgreSQL, and a hand-written DuckDB baseline.

    python -m bench.jobs.bench_job [--sizes 10000 100000 1000000] [--repeat 3]

For each size: a synthetic bank/ledger pair with realistic noise (tally.matching.synthetic
.generate_mixed: 89% keyed, 6% without reference, 2% late, 3% unpartnered per side) is loaded into
`record`, then a worker process runs the job exactly as `tally worker` would: load both sources
from PostgreSQL, match, write matches and links, compute stats. DuckDB runs the same two rules
(exact normalised reference + amount +-0.01 + date +-3 d, then amount +-0.01 + date +-3 d on what is
left, one-to-one by best score) on the same rows held in memory. Needs TALLY_TEST_DATABASE_URL.
Writes bench/jobs/REPORT.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from bench.ingest.bench_ingest import _fresh_database, _seed
from tally.config import Settings
from tally.ingest.identity import content_hashes
from tally.ingest.records import RECORD_SCHEMA
from tally.jobs.repository import JobRepository
from tally.kit.db import Database, run_in_transaction
from tally.matching.rules import RuleSet
from tally.matching.synthetic import generate_mixed
from tally.models import DataSource, DataSourceStatus, JobStatus, ReconciliationJob
from tally.sources.repository import DataSourceRepository

HERE = Path(__file__).resolve().parent
# The matching engine's own phases (tally.matching.engine timings) that issue 9 would speed up.
ENGINE_PHASES = (("scoring", "scoring"), ("assignment", "assignment"), ("sums", "sum_search"))

DUCKDB_SQL = """
WITH l AS (SELECT id, regexp_replace(ltrim(lower(reference), '0'), '[^a-z0-9]', '', 'g') AS ref,
                  amount, booking_date AS d FROM left_side),
     r AS (SELECT id, regexp_replace(ltrim(lower(reference), '0'), '[^a-z0-9]', '', 'g') AS ref,
                  amount, booking_date AS d FROM right_side),
keyed AS (
  SELECT l.id AS lid, r.id AS rid,
         1.0 - abs(l.amount - r.amount) / 1000.0 - abs(date_diff('day', l.d, r.d)) / 100.0 AS score
  FROM l JOIN r ON l.ref = r.ref
  WHERE l.ref <> '' AND abs(l.amount - r.amount) <= 100 AND abs(date_diff('day', l.d, r.d)) <= 3),
keyed_best AS (
  SELECT lid, rid FROM (
    SELECT *, row_number() OVER (PARTITION BY lid ORDER BY score DESC, rid) AS rl,
              row_number() OVER (PARTITION BY rid ORDER BY score DESC, lid) AS rr FROM keyed)
  WHERE rl = 1 AND rr = 1),
l2 AS (SELECT * FROM l WHERE id NOT IN (SELECT lid FROM keyed_best)),
r2 AS (SELECT *, amount // 100 AS bucket FROM r WHERE id NOT IN (SELECT rid FROM keyed_best)),
l2b AS (SELECT l2.*, amount // 100 + o AS bucket FROM l2, (VALUES (-1), (0), (1)) t(o)),
loose AS (
  SELECT l2b.id AS lid, r2.id AS rid,
         1.0 - abs(l2b.amount - r2.amount) / 1000.0 - abs(date_diff('day', l2b.d, r2.d)) / 100.0 AS score
  FROM l2b JOIN r2 ON l2b.bucket = r2.bucket
  WHERE abs(l2b.amount - r2.amount) <= 100 AND abs(date_diff('day', l2b.d, r2.d)) <= 3),
loose_best AS (
  SELECT lid, rid FROM (
    SELECT *, row_number() OVER (PARTITION BY lid ORDER BY score DESC, rid) AS rl,
              row_number() OVER (PARTITION BY rid ORDER BY score DESC, lid) AS rr FROM loose)
  WHERE rl = 1 AND rr = 1)
SELECT count(*) FROM (SELECT * FROM keyed_best UNION ALL SELECT * FROM loose_best)
"""


def _batch(frame: pl.DataFrame) -> pa.RecordBatch:
    n = frame.height
    table = frame.select(
        pl.int_range(1, n + 1, dtype=pl.Int64).alias("row_number"),
        "reference",
        "booking_date",
        "value_date",
        "amount",
        "currency",
        "description",
        "counterparty",
        "counterparty_account",
        "transaction_id",
        pl.lit(0, pl.Int64).alias("row_hash"),
        "extra",
    ).to_arrow()
    hashes = content_hashes(
        [table.column("booking_date"), table.column("amount"), table.column("reference")]
    )
    table = table.set_column(table.schema.get_field_index("row_hash"), "row_hash", hashes)
    return table.cast(RECORD_SCHEMA).combine_chunks().to_batches()[0]


async def _load_pair(
    url: str, project_id: int, left: pl.DataFrame, right: pl.DataFrame, rules: RuleSet
) -> int:
    database = Database(Settings(TALLY_ENV="production"), url=url)
    try:

        async def load(session):  # type: ignore[no-untyped-def]
            ids = []
            for name, frame in (("bank", left), ("ledger", right)):
                source = DataSource(
                    project_id=project_id,
                    name=name,
                    file_name=name,
                    status=DataSourceStatus.READY,
                    row_count=frame.height,
                )
                session.add(source)
                await session.flush()
                batch = _batch(frame)

                async def one(b: pa.RecordBatch = batch):  # type: ignore[no-untyped-def]
                    for offset in range(0, b.num_rows, 100_000):
                        yield b.slice(offset, 100_000)

                await DataSourceRepository(session).load_records(source.id, one())
                ids.append(source.id)
            job = await JobRepository(session).add(
                ReconciliationJob(
                    project_id=project_id,
                    left_source_id=ids[0],
                    right_source_id=ids[1],
                    rules=rules.model_dump(mode="json"),
                    status=JobStatus.QUEUED,
                )
            )
            return job.id

        return int(await run_in_transaction(database, load))
    finally:
        await database.dispose()


async def _requeue(url: str, job_id: int) -> None:
    database = Database(Settings(TALLY_ENV="production"), url=url)
    try:

        async def requeue(session):  # type: ignore[no-untyped-def]
            job = await session.get(ReconciliationJob, job_id)
            job.status = JobStatus.QUEUED

        await run_in_transaction(database, requeue)
    finally:
        await database.dispose()


def _run_job(url: str, job_id: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.jobs.run_job", url, str(job_id)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TALLY_LOG_LEVEL": "WARNING"},
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["status"] != "completed":
        raise RuntimeError(result)
    return result


def _duckdb(left: pl.DataFrame, right: pl.DataFrame) -> tuple[float, int]:
    connection = duckdb.connect()
    connection.register(
        "left_side", left.select("id", "reference", "amount", "booking_date").to_arrow()
    )
    connection.register(
        "right_side", right.select("id", "reference", "amount", "booking_date").to_arrow()
    )
    started = time.perf_counter()
    (matched,) = connection.execute(DUCKDB_SQL).fetchone()  # type: ignore[misc]
    return time.perf_counter() - started, int(matched)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = _fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_job")
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "tally-bench-job"
    work.mkdir(exist_ok=True)
    project = asyncio.run(_seed(url, work))
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        scenario = generate_mixed(n, seed=7)
        job_id = asyncio.run(
            _load_pair(url, project, scenario.left, scenario.right, scenario.rule_set)
        )
        runs = []
        for attempt in range(args.repeat):
            if attempt:
                asyncio.run(_requeue(url, job_id))
            runs.append(_run_job(url, job_id))
        duck = sorted(_duckdb(scenario.left, scenario.right)[0] for _ in range(args.repeat))
        median = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        row = {
            "n": n,
            "job_s": round(median["seconds"], 2),
            "phases": median["phases"],
            "engine_total_s": round(median["engine_timings"].get("total", 0), 2),
            "engine_timings": median["engine_timings"],
            "duckdb_s": round(statistics.median(duck), 2),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "matches": median["counts"].get("matches"),
            "runs_s": [round(r["seconds"], 2) for r in runs],
        }
        row["ratio_job_to_duckdb"] = (
            round(row["job_s"] / row["duckdb_s"], 1) if row["duckdb_s"] else None
        )
        row["ratio_engine_to_duckdb"] = (
            round(row["engine_total_s"] / row["duckdb_s"], 1) if row["duckdb_s"] else None
        )
        rows.append(row)
        print(json.dumps(row), flush=True)
    _report(rows, args)


def _report(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    lines = [
        "# Reconciliation job benchmark",
        "",
        f"`python -m bench.jobs.bench_job --sizes {' '.join(map(str, args.sizes))} --repeat {args.repeat}` "
        "(through `scripts/bench jobs`). Medians; each job run is a fresh worker process on "
        "PostgreSQL: load both sources (COPY out), match, write matches + links (COPY into two new "
        "tables, indexes built after, attached as the job's partitions), compute stats, in the "
        "job's own transactions. DuckDB runs the same two rules over the same rows already in "
        "memory (no database load, no result write).",
        "",
        "| records per side | job (end to end) | load | match | write | stats | DuckDB SQL | job / DuckDB | match / DuckDB | matches | worker peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        p = r["phases"] or {}
        lines.append(
            f"| {r['n']:,} | **{r['job_s']} s** | {p.get('load', 0):.2f} s | {p.get('match', 0):.2f} s | "
            f"{p.get('write', 0):.2f} s | {p.get('stats', 0):.2f} s | {r['duckdb_s']} s | {r['ratio_job_to_duckdb']}x | "
            f"{r['ratio_engine_to_duckdb']}x | {r['matches']:,} | {r['peak_rss_mb']} MB |"
        )
    lines += ["", "Runs (s): " + json.dumps({r["n"]: r["runs_s"] for r in rows}), ""]
    lines += ["Matching engine phases (issue 9: what faster scoring/assignment could save):", ""]
    lines += [f"- {r['n']:,} per side: {_engine_share(r)}" for r in rows]
    lines.append("")
    (HERE / "REPORT.md").write_text("\n".join(lines))
    print("\n".join(lines))


def _engine_share(row: dict[str, Any]) -> str:
    """Scoring, optimal assignment and sum search as seconds and as a share of the whole job."""
    timings = row["engine_timings"] or {}
    parts = {name: timings.get(key, 0.0) for name, key in ENGINE_PHASES}
    share = 100 * sum(parts.values()) / row["job_s"] if row["job_s"] else 0.0
    spent = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in parts.items())
    return f"{spent} = {share:.1f}% of the job ({row['job_s']} s)"


if __name__ == "__main__":
    main()
