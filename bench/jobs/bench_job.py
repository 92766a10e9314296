"""End-to-end reconciliation job benchmark on PostgreSQL, and a hand-written DuckDB baseline.

    python -m bench.jobs.bench_job [--sizes 10000 100000 1000000] [--repeat 3] [--scenario grouped]

For each size: a synthetic bank/ledger pair with realistic noise (tally.matching.synthetic
.generate_mixed: 89% keyed, 6% without reference, 2% late, 3% unpartnered per side) is loaded into
`record`, then a worker process runs the job exactly as `tally worker` would: load both sources
from PostgreSQL, match, write matches and links, compute stats. DuckDB runs the same two rules
(exact normalised reference + amount +-0.01 + date +-3 d, then amount +-0.01 + date +-3 d on what is
left, one-to-one by best score) on the same rows held in memory. Needs TALLY_TEST_DATABASE_URL.
Writes bench/jobs/REPORT.md.

``--scenario grouped`` runs bench.jobs.grouped instead (the same mix plus split payments under a
one-to-many rule and settlements under a many-to-many rule), reports the sum search (time, blocks,
blocks over the time budget) against the 30 s job budget, skips DuckDB (its two rules have no
grouped counterpart) and writes bench/jobs/REPORT-grouped.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
from sqlalchemy import delete, text

from bench._common import (
    fresh_database,
    load_average,
    run_json_child,
    server_settings,
    settings_text,
    spread_text,
    write_results,
)
from bench.ingest.bench_ingest import _seed
from bench.jobs.grouped import SETTLEMENT_SHARE, SPLIT_SHARE, STRAY_SHARE, grouped_scenario
from tally.config import Settings
from tally.ingest.identity import content_hashes
from tally.ingest.records import RECORD_SCHEMA
from tally.jobs.repository import JobRepository
from tally.kit.db import Database, run_in_transaction
from tally.matching.rules import RuleSet
from tally.matching.synthetic import Scenario, generate_mixed
from tally.models import (
    DataSource,
    DataSourceStatus,
    JobStatus,
    ReconciliationJob,
    RecordSearch,
    UnmatchedRecord,
)
from tally.models.record_search import search_partition
from tally.sources.repository import DataSourceRepository

HERE = Path(__file__).resolve().parent
# The matching engine's own phases (tally.matching.engine timings) that issue 9 would speed up.
ENGINE_PHASES = (("scoring", "scoring"), ("assignment", "assignment"), ("sums", "sum_search"))
JOB_BUDGET_S = 30.0  # the matching issue's target for the 1M x 1M job, end to end

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
    """Queue the job again as new: no results, no search text or unmatched rows indexed yet."""
    database = Database(Settings(TALLY_ENV="production"), url=url)
    try:

        async def requeue(session):  # type: ignore[no-untyped-def]
            job = await session.get(ReconciliationJob, job_id)
            job.status = JobStatus.QUEUED
            job.results_indexed_at = None
            await session.execute(delete(UnmatchedRecord).where(UnmatchedRecord.job_id == job_id))
            for source_id in (job.left_source_id, job.right_source_id):
                if database.is_sqlite:
                    await session.execute(
                        delete(RecordSearch).where(RecordSearch.data_source_id == source_id)
                    )
                else:
                    await session.execute(
                        text(f"DROP TABLE IF EXISTS {search_partition(source_id)}")
                    )

        await run_in_transaction(database, requeue)
    finally:
        await database.dispose()


def _run_job(url: str, job_id: int) -> dict[str, Any]:
    result = run_json_child("bench.jobs.run_job", url, str(job_id))
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


def _database(backend: str, work: Path) -> str:
    if backend == "sqlite":
        path = work / "tally.db"
        path.unlink(missing_ok=True)
        return f"sqlite+aiosqlite:///{path}"
    return fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_job")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scenario", choices=("mixed", "grouped"), default="mixed")
    parser.add_argument("--backend", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument(
        "--from-logs",
        nargs="+",
        metavar="BACKEND=LOG",
        help="report the `run` lines that runs cut short printed (one size per log, --sizes N)",
    )
    args = parser.parse_args()
    if args.from_logs:
        _report_from_logs(args)
        return
    if args.scenario == "grouped":
        _grouped(args)
        return
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "tally-bench-job"
    work.mkdir(exist_ok=True)
    rows: list[dict[str, Any]] = []
    settings: dict[str, Any] = {}
    for backend in args.backend:
        url = _database(backend, work)
        settings[backend] = server_settings(url)
        project = asyncio.run(_seed(url, work))
        for n in args.sizes:
            scenario = generate_mixed(n, seed=7)
            runs = _run_repeated(url, project, scenario, args.repeat)
            duck = [_duckdb(scenario.left, scenario.right)[0] for _ in range(args.repeat)]
            row = _rows(backend, n, runs, duck)
            rows.append(row)
            print(json.dumps(row), flush=True)
    command = f"python -m bench.jobs.bench_job {' '.join(sys.argv[1:])}".strip()
    write_results(HERE / "results.json", command=command, settings=settings, sizes=rows)
    _report(rows, command, settings)


def _rows(backend: str, n: int, runs: list[dict[str, Any]], duck: list[float]) -> dict[str, Any]:
    median = _median_run(runs)
    return {
        "backend": backend,
        "n": n,
        "phases": median["phases"],
        "engine_timings": median["engine_timings"],
        "matches": median["counts"].get("matches"),
        "duckdb_runs_s": [round(x, 3) for x in duck],
        "runs": [
            {
                "load_average_1m": r["load_average_1m"],
                "task_s": round(r["task_s"], 3),
                "job_s": round(r["seconds"], 3),
                "index_results_s": round(r["index_results_s"], 3),
                "peak_rss_mb": r["peak_rss_mb"],
            }
            for r in runs
        ],
    }


def _report_from_logs(args: argparse.Namespace) -> None:
    """The report of runs whose benchmark was stopped early, from the lines each run printed."""
    rows, settings = [], {}
    for item in args.from_logs:
        backend, log = item.split("=", 1)
        lines = Path(log).read_text().splitlines()
        runs = [json.loads(line[4:]) for line in lines if line.startswith("run ")]
        if runs:
            rows.append(_rows(backend, args.sizes[0], runs, []))
            settings[backend] = server_settings(
                "sqlite" if backend == "sqlite" else os.environ["TALLY_TEST_DATABASE_URL"]
            )
    command = (
        f"python -m bench.jobs.bench_job --sizes {args.sizes[0]} --repeat {args.repeat} "
        f"--backend BACKEND, one process per backend at once, stopped after the runs shown"
    )
    write_results(HERE / "results.json", command=command, settings=settings, sizes=rows)
    _report(rows, command, settings)


def _run_repeated(url: str, project: int, scenario: Scenario, repeat: int) -> list[dict[str, Any]]:
    """Load the scenario as one queued job, then run that job ``repeat`` times."""
    job_id = asyncio.run(_load_pair(url, project, scenario.left, scenario.right, scenario.rule_set))
    runs = []
    for attempt in range(repeat):
        if attempt:
            asyncio.run(_requeue(url, job_id))
        load = load_average()
        runs.append({**_run_job(url, job_id), "load_average_1m": load})
        print("run", json.dumps(runs[-1]), flush=True)  # a run cut short still leaves these
    return runs


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(runs, key=lambda r: r["task_s"])[len(runs) // 2]


def _grouped(args: argparse.Namespace) -> None:
    url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_job_grouped")
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "tally-bench-job-grouped"
    work.mkdir(exist_ok=True)
    project = asyncio.run(_seed(url, work))
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        scenario = grouped_scenario(n, seed=7)
        runs = _run_repeated(url, project, scenario, args.repeat)
        median = _median_run(runs)
        timings = median["engine_timings"] or {}
        row = {
            "n": n,
            "left": scenario.left.height,
            "right": scenario.right.height,
            "job_s": round(median["seconds"], 2),
            "phases": median["phases"],
            "engine_timings": timings,
            "engine_total_s": round(timings.get("total", 0), 2),
            "blocks_searched": median["blocks_searched"],
            "blocks_over_budget": median["blocks_over_budget"],
            "group_candidates_truncated": median["group_candidates_truncated"],
            "grouped_matches": {
                r["name"]: r["auto"] + r["suggested"] + r["ambiguous"]
                for r in median["rules"]
                if r["cardinality"] != "one_to_one"
            },
            "matches": median["counts"].get("matches"),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "runs_s": [round(r["seconds"], 2) for r in runs],
            "task_runs_s": [round(r["task_s"], 2) for r in runs],
            "loads": [r["load_average_1m"] for r in runs],
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    command = f"python -m bench.jobs.bench_job {' '.join(sys.argv[1:])}".strip()
    settings = server_settings(url)
    write_results(HERE / "results-grouped.json", command=command, settings=settings, sizes=rows)
    _grouped_report(rows, command, settings)


def _grouped_report(rows: list[dict[str, Any]], command: str, settings: dict[str, Any]) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Reconciliation job benchmark: grouped rules (sum search)",
        "",
        f"`{command}`, {when}, {settings_text(settings)}. Job and whole task (with "
        "index_results) as min / **median** / max of the runs, the rest from the median run; each "
        "run is a fresh worker process, as in REPORT.md (raw runs and load averages in "
        "results-grouped.json). Data (bench/jobs/grouped.py): the realistic mix of REPORT.md with "
        f"{SPLIT_SHARE:.0%} of bank lines paying 2-3 ledger parts (rule `split`, one-to-many) and "
        f"{SETTLEMENT_SHARE:.0%} as many settlements of 2-3 bank x 2-3 ledger lines (rule "
        f"`settlement`, many-to-many); {STRAY_SHARE:.0%} of both carry a stray line in their block, "
        "which forces a subset search. No DuckDB column: its two rules have no grouped counterpart.",
        "",
        "| records (left / right) | whole task | job | median vs 30 s | load | match | write | stats | "
        "candidates | scoring | assignment | sums | scoring + assignment + sums | blocks searched "
        "| over budget | grouped matches | worker peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        p, t = r["phases"] or {}, r["engine_timings"]
        engine = sum(t.get(key, 0.0) for _, key in ENGINE_PHASES)
        share = 100 * engine / r["job_s"] if r["job_s"] else 0.0
        budget = r["job_s"] - JOB_BUDGET_S
        lines.append(
            f"| {r['left']:,} / {r['right']:,} | {spread_text(r['task_runs_s'])} | "
            f"{spread_text(r['runs_s'])} | "
            f"{f'+{budget:.1f} s over' if budget > 0 else f'{-budget:.1f} s under'} | "
            f"{p.get('load', 0):.2f} s | {p.get('match', 0):.2f} s | {p.get('write', 0):.2f} s | "
            f"{p.get('stats', 0):.2f} s | {t.get('candidates', 0):.2f} s | "
            f"{t.get('scoring', 0):.2f} s | {t.get('assignment', 0):.2f} s | "
            f"{t.get('sum_search', 0):.2f} s | {engine:.2f} s = {share:.1f}% | "
            f"{r['blocks_searched']:,} | {r['blocks_over_budget']:,} | "
            f"{', '.join(f'{k} {v:,}' for k, v in r['grouped_matches'].items())} | "
            f"{r['peak_rss_mb']} MB |"
        )
    lines += [
        "",
        "Shares are of the job (median run). `candidates` is the one-to-one rules' candidate "
        "generation; a grouped rule's candidate pairs and edge scoring are counted in `scoring`, "
        "its subset search (per block: one record's candidates, or a settlement component) in "
        "`sums`. Over budget: blocks whose sum search hit the per-block time budget (records it "
        "had not grouped by then stay unmatched).",
        "",
    ]
    (HERE / "REPORT-grouped.md").write_text("\n".join(lines))
    print("\n".join(lines))


def _report(rows: list[dict[str, Any]], command: str, settings: dict[str, Any]) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Reconciliation job benchmark",
        "",
        f"`{command}`, {when}, on this 2-core machine shared with "
        "other work (1-minute load average per run in results.json). Servers: "
        + "; ".join(settings_text(s) for s in settings.values())
        + ". Cells: min / **median** / max of the runs. Each run is a fresh worker process doing "
        "what the job's task makes a user wait for (bench/jobs/run_job.py): the job (load both "
        "sources, match in the task pool's thread, write matches + links, compute stats, in the "
        "job's own transactions), then `index_results` (the search text and unmatched rows the "
        "results pages read; the job's first run on its sources, rebuilt for each run). The "
        "whole task is the headline; the job alone is what earlier reports gave. The same job "
        "through `tally reconcile --wait` end to end (the command's start-up included) is in "
        "bench/e2e.md. DuckDB runs the same two rules over the same rows already in memory (no "
        "database load, no result write, no index).",
        "",
        "| backend | records per side | runs | **whole task** | job | index_results | read sources | "
        "match | write | stats | DuckDB SQL | task / DuckDB (median) | matches | worker peak "
        "RSS | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        p = r["phases"] or {}
        task = [x["task_s"] for x in r["runs"]]
        loads = [x["load_average_1m"] for x in r["runs"]]
        duck_runs = r["duckdb_runs_s"]
        duck_cell = spread_text(duck_runs) if duck_runs else "not run"
        ratio = (
            f"{statistics.median(task) / statistics.median(duck_runs):.1f}x" if duck_runs else "-"
        )
        lines.append(
            f"| {r['backend']} | {r['n']:,} | {len(task)} | {spread_text(task)} | "
            f"{spread_text([x['job_s'] for x in r['runs']])} | "
            f"{spread_text([x['index_results_s'] for x in r['runs']])} | "
            f"{p.get('load', 0):.2f} s | {p.get('match', 0):.2f} s | {p.get('write', 0):.2f} s | "
            f"{p.get('stats', 0):.2f} s | {duck_cell} | {ratio} | {r['matches']:,} | "
            f"{max(x['peak_rss_mb'] for x in r['runs'])} MB | {min(loads)}-{max(loads)} |"
        )
    lines += [
        "",
        "Phases (load, match, write, stats) are those of the median run. Raw runs: results.json "
        "beside this file.",
        "",
        "Matching engine phases (what faster scoring/assignment could save):",
        "",
    ]
    lines += [f"- {r['backend']}, {r['n']:,} per side: {_engine_share(r)}" for r in rows]
    lines.append("")
    (HERE / "REPORT.md").write_text("\n".join(lines))
    print("\n".join(lines))


def _engine_share(row: dict[str, Any]) -> str:
    """Scoring, optimal assignment and sum search as seconds and as a share of the whole job."""
    timings = row["engine_timings"] or {}
    parts = {name: timings.get(key, 0.0) for name, key in ENGINE_PHASES}
    task_s = statistics.median(x["task_s"] for x in row["runs"])
    share = 100 * sum(parts.values()) / task_s if task_s else 0.0
    spent = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in parts.items())
    return f"{spent} = {share:.1f}% of the whole task ({task_s:.2f} s, median)"


if __name__ == "__main__":
    main()
