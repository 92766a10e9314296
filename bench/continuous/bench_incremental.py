"""Incremental vs full job over sources that grew by an append, on PostgreSQL and SQLite.

    python -m bench.continuous.bench_incremental [--settled 1000000] [--new 10000] [--repeat 5]
        [--backends postgresql sqlite]

For each backend: a bank/ledger pair of ``--settled`` rows per side (tally.matching.synthetic
.generate_mixed: 89% keyed, 6% without reference, 2% late, 3% unpartnered) goes through a first,
full job of its reconciliation; then ``--new`` rows per side (the same mix, later dates, their own
references) are appended. From that state (restored before every run) the bench alternately runs
an incremental job (open items + appended rows) and a full job (every record), each in a worker
process of its own exactly as `tally worker` runs it (bench.jobs.run_job), and reports min /
median / max seconds of each and the ratio of the medians. PostgreSQL needs
TALLY_TEST_DATABASE_URL (a scratch database is created beside it); SQLite uses a file under
$TMPDIR. Writes bench/continuous/REPORT.md (``--report`` elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import text

from bench._common import fresh_database, run_json_child
from bench.continuous.reviewer import decide_review_items
from bench.ingest.bench_ingest import _seed
from bench.jobs.bench_job import _batch
from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.matching.rules import RuleSet
from tally.matching.synthetic import generate_mixed
from tally.models import DataSource, DataSourceStatus, JobMode, JobStatus, ReconciliationJob
from tally.reconciliations.service import ReconciliationService
from tally.results.repository import ResultRepository
from tally.sources.repository import DataSourceRepository

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 0.10  # the bar: the incremental job costs <= 10% of the full job
_CHUNK = 100_000
_STATE_COLUMNS = (
    "left_row_watermark",
    "right_row_watermark",
    "left_records",
    "left_size",
    "right_records",
    "right_size",
    "left_currency_totals",
    "right_currency_totals",
    "version",
)


def _database(url: str) -> Database:
    return Database(Settings(TALLY_ENV="production"), url=url)


def _appended(frame: pl.DataFrame, days: int) -> pl.DataFrame:
    """The new rows: later dates and references of their own (never a settled row's partner)."""
    return frame.with_columns(
        (pl.col("reference") + "-NEW").alias("reference"),
        (pl.col("booking_date") + timedelta(days=days)).alias("booking_date"),
        (pl.col("value_date") + timedelta(days=days)).alias("value_date"),
    )


async def _prepare(
    url: str, project_id: int, settled: int, new: int
) -> tuple[int, int, int, RuleSet, dict[str, Any]]:
    """Sources with the settled rows, their reconciliation advanced by a first full job (run in a
    worker process) whose proposals a scripted reviewer then decides (bench.continuous.reviewer),
    then the append. Returns (left id, right id, reconciliation id, rules, the review's figures)."""
    base = generate_mixed(settled, seed=7)
    later = generate_mixed(new, seed=8)
    shift = int((base.left["booking_date"].max() - later.left["booking_date"].min()).days) + 10  # type: ignore[operator,union-attr]
    database = _database(url)
    try:

        async def load(session):  # type: ignore[no-untyped-def]
            ids = []
            for name, frame in (("bank", base.left), ("ledger", base.right)):
                source = DataSource(
                    project_id=project_id,
                    name=name,
                    file_name=name,
                    status=DataSourceStatus.READY,
                    row_count=frame.height,
                )
                session.add(source)
                await session.flush()
                await DataSourceRepository(session).load_records(source.id, _chunks(_batch(frame)))
                ids.append(source.id)
            reconciliation = await ReconciliationService(session).for_sources(
                project_id, ids[0], ids[1]
            )
            return ids[0], ids[1], reconciliation.id

        left_id, right_id, reconciliation_id = await run_in_transaction(database, load)
        first = await _queue(
            database,
            project_id,
            (left_id, right_id),
            reconciliation_id,
            base.rule_set,
            JobMode.FULL,
        )
        _run(url, first)
        # The first job's proposals decided as a reviewer would (bulk confirm / reject against
        # the truth): its records are then settled but the unpartnered, as the bar describes.
        started = time.perf_counter()
        decided = await run_in_transaction(
            database,
            lambda s: decide_review_items(
                s, project_id, first, (base.left, base.right), base.truth
            ),
        )
        review = {**asdict(decided), "seconds": round(time.perf_counter() - started, 2)}
        print(json.dumps({"reviewed": review}), flush=True)

        async def append(session):  # type: ignore[no-untyped-def]
            for source_id, frame in (
                (left_id, _appended(later.left, shift)),
                (right_id, _appended(later.right, shift)),
            ):
                batch = _batch(frame)
                numbers = pa.array(range(settled + 1, settled + frame.height + 1), pa.int64())
                batch = batch.set_column(0, "row_number", numbers)
                await DataSourceRepository(session).load_records(source_id, _chunks(batch))

        await run_in_transaction(database, append)
        await run_in_transaction(database, lambda s: _snapshot(s, reconciliation_id))
        return left_id, right_id, reconciliation_id, base.rule_set, review
    finally:
        await database.dispose()


async def _chunks(batch: pa.RecordBatch):  # type: ignore[no-untyped-def]
    for offset in range(0, batch.num_rows, _CHUNK):
        yield batch.slice(offset, _CHUNK)


async def _queue(
    database: Database,
    project_id: int,
    sources: tuple[int, int],
    reconciliation_id: int,
    rules: RuleSet,
    mode: JobMode,
) -> int:
    async def add(session):  # type: ignore[no-untyped-def]
        job = ReconciliationJob(
            project_id=project_id,
            left_source_id=sources[0],
            right_source_id=sources[1],
            reconciliation_id=reconciliation_id,
            mode=mode,
            rules=rules.model_dump(mode="json"),
            status=JobStatus.QUEUED,
        )
        session.add(job)
        await session.flush()
        return job.id

    return int(await run_in_transaction(database, add))


# The state after the append (open items, their exceptions, the running totals), kept aside
# so every measured run starts from it.
async def _snapshot(session, reconciliation_id: int) -> None:  # type: ignore[no-untyped-def]
    for statement in (
        "DROP TABLE IF EXISTS bench_open_item",
        "DROP TABLE IF EXISTS bench_exception_item",
        "DROP TABLE IF EXISTS bench_reconciliation",
        "CREATE TABLE bench_open_item AS SELECT * FROM open_item "
        f"WHERE reconciliation_id = {reconciliation_id}",
        "CREATE TABLE bench_exception_item AS SELECT * FROM exception_item "
        f"WHERE reconciliation_id = {reconciliation_id}",
        f"CREATE TABLE bench_reconciliation AS SELECT * FROM reconciliation WHERE id = {reconciliation_id}",
    ):
        await session.execute(text(statement))


async def _restore(session, reconciliation_id: int) -> None:  # type: ignore[no-untyped-def]
    for statement in (
        f"DELETE FROM open_item WHERE reconciliation_id = {reconciliation_id}",
        "INSERT INTO open_item SELECT * FROM bench_open_item",
        f"DELETE FROM exception_item WHERE reconciliation_id = {reconciliation_id}",
        "INSERT INTO exception_item SELECT * FROM bench_exception_item",
        "UPDATE reconciliation SET "
        + ", ".join(f"{c} = (SELECT {c} FROM bench_reconciliation)" for c in _STATE_COLUMNS)
        + f" WHERE id = {reconciliation_id}",
    ):
        await session.execute(text(statement))


def _run(url: str, job_id: int) -> dict[str, Any]:
    result = run_json_child("bench.jobs.run_job", url, str(job_id))
    if result["status"] != "completed":
        raise RuntimeError(result)
    return result


async def _measure(
    url: str,
    project_id: int,
    sources: tuple[int, int],
    reconciliation_id: int,
    rules: RuleSet,
    mode: JobMode,
) -> dict[str, Any]:
    database = _database(url)
    try:
        await run_in_transaction(database, lambda s: _restore(s, reconciliation_id))
        job_id = await _queue(database, project_id, sources, reconciliation_id, rules, mode)
        run = _run(url, job_id)
        job = await run_in_transaction(database, lambda s: s.get(ReconciliationJob, job_id))
        run["scope"] = (job.summary or {}).get("scope")
        # The measured job's results go, so that every run writes into the same-sized tables.
        await run_in_transaction(database, lambda s: ResultRepository(s).delete_results(job_id))
        return run
    finally:
        await database.dispose()


def _backend_url(backend: str, work: Path) -> str:
    if backend == "postgresql":
        return fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_continuous")
    path = work / "continuous.db"
    path.unlink(missing_ok=True)
    return f"sqlite+aiosqlite:///{path}"


def _figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = sorted(r["seconds"] for r in runs)
    task = sorted(r["task_s"] for r in runs)
    median = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {
        "min_s": round(seconds[0], 3),
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(seconds[-1], 3),
        # The whole task a user waits for: the job, then index_results (bench.jobs.run_job).
        "task_min_s": round(task[0], 3),
        "task_median_s": round(statistics.median(task), 3),
        "task_max_s": round(task[-1], 3),
        "index_results_median_s": round(statistics.median(r["index_results_s"] for r in runs), 3),
        "phases": median["phases"],
        "scope": median.get("scope"),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--settled", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--report", type=Path, default=HERE / "REPORT.md")
    args = parser.parse_args()
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "tally-bench-continuous"
    work.mkdir(exist_ok=True)
    rows = []
    for backend in args.backends:
        url = _backend_url(backend, work)
        project = asyncio.run(_seed(url, work))
        started = time.perf_counter()
        left, right, reconciliation, rules, review = asyncio.run(
            _prepare(url, project, args.settled, args.new)
        )
        prepare_s = time.perf_counter() - started
        runs: dict[JobMode, list[dict[str, Any]]] = {JobMode.INCREMENTAL: [], JobMode.FULL: []}
        load_before = os.getloadavg()
        for _ in range(args.repeat):
            for mode in (JobMode.INCREMENTAL, JobMode.FULL):
                run = asyncio.run(
                    _measure(url, project, (left, right), reconciliation, rules, mode)
                )
                runs[mode].append(run)
                # Each run as it ends, so a long benchmark stopped early still shows its runs.
                print(json.dumps({"backend": backend, "mode": str(mode), **run}), flush=True)
        incremental, full = _figures(runs[JobMode.INCREMENTAL]), _figures(runs[JobMode.FULL])
        row = {
            "backend": backend,
            "settled": args.settled,
            "new": args.new,
            "prepare_s": round(prepare_s, 1),
            "review": review,
            "incremental": incremental,
            "full": full,
            "ratio": round(incremental["median_s"] / full["median_s"], 4),
            "task_ratio": round(incremental["task_median_s"] / full["task_median_s"], 4),
            "load_average": {"before": load_before, "after": os.getloadavg()},
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    _report(rows, args)


def _report(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    load = os.getloadavg()
    lines = [
        "# Incremental vs full reconciliation job",
        "",
        "Command: `python -m bench.continuous.bench_incremental "
        f"--settled {args.settled} --new {args.new} --repeat {args.repeat} "
        f"--backends {' '.join(args.backends)}`",
        "",
        f"Taken {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on a shared 2-core machine "
        f"(load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end): absolute "
        "seconds are noisy, the two modes alternate run by run so the ratio is fairer.",
        "",
        f"Target: the incremental job costs <= {TARGET_RATIO:.0%} of the full job.",
        "",
        "| backend | settled/side | new/side | scope (left/right) | incremental min/median/max s "
        "| full min/median/max s | ratio of medians |",
        "|---|---:|---:|---|---|---|---:|",
    ]
    for row in rows:
        inc, full = row["incremental"], row["full"]
        scope = inc["scope"] or {}
        lines.append(
            f"| {row['backend']} | {row['settled']:,} | {row['new']:,} | "
            f"{scope.get('left')}/{scope.get('right')} | "
            f"{inc['min_s']} / {inc['median_s']} / {inc['max_s']} | "
            f"{full['min_s']} / {full['median_s']} / {full['max_s']} | {row['ratio']:.1%} |"
        )
    lines += [
        "",
        "The whole task a user waits for (the job, then index_results: search text and "
        "unmatched rows), min / median / max s:",
        "",
        "| backend | incremental task | full task | ratio of medians "
        "| indexing after incremental / full (median s) |",
        "|---|---|---|---:|---|",
    ]
    for row in rows:
        inc, full = row["incremental"], row["full"]
        lines.append(
            f"| {row['backend']} | "
            f"{inc['task_min_s']} / {inc['task_median_s']} / {inc['task_max_s']} | "
            f"{full['task_min_s']} / {full['task_median_s']} / {full['task_max_s']} | "
            f"{row['task_ratio']:.1%} | "
            f"{inc['index_results_median_s']} / {full['index_results_median_s']} |"
        )
    lines += [
        "",
        "The first job's proposals, decided by the scripted reviewer before the append:",
        "",
    ]
    for row in rows:
        review = row["review"]
        lines.append(
            f"- {row['backend']}: {review['confirmed']:,} confirmed, {review['rejected']:,} "
            f"rejected (+{review['alternatives_rejected']:,} alternatives) in two bulk "
            f"requests, {review['seconds']} s"
        )
    lines += ["", "Load average (1/5/15 min) before and after each backend's runs:", ""]
    for row in rows:
        before, after = (
            " / ".join(f"{x:.1f}" for x in row["load_average"][k]) for k in ("before", "after")
        )
        lines.append(f"- {row['backend']}: {before} -> {after}")
    lines += ["", "Phases of the median runs (seconds):", ""]
    for row in rows:
        lines.append(
            f"- {row['backend']}: incremental {row['incremental']['phases']}; "
            f"full {row['full']['phases']}"
        )
    lines += [
        "",
        "The incremental job reads the reconciliation's open items and the rows numbered above "
        "its watermarks (an index range; COPY on PostgreSQL), matches them, writes only their "
        "results, and changes the open items by what it settled (deleted by key) and the "
        "appended rows it left open (inserted); the full job loads, matches and writes every "
        "record and replaces the open items. Open items here are what the first job and its "
        "review left unsettled (the records with no true partner, ~3% of each side) plus the "
        "append.",
        "",
    ]
    args.report.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
