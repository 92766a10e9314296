"""Ingestion benchmark: Tally's ingest path vs raw `psql \\copy` of the same rows into the same
table, in one run; peak RSS for 100 MB vs 1 GB; the predecessor's ORM approach; SQLite rows/s.

    python -m bench.ingest.bench_ingest [--rows 1000000 10000000] [--repeat 3] [--old-rows 1000000]

Needs TALLY_TEST_DATABASE_URL (PostgreSQL; `scripts/bench` starts one). Writes bench/ingest/REPORT.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from bench._common import fresh_database, plain_url, run_json_child
from bench.synthetic_csv import write_csv
from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.migrate import upgrade_database
from tally.projects.schemas import ProjectCreate
from tally.projects.service import ProjectService
from tally.users.auth import Principal
from tally.users.schemas import UserCreate
from tally.users.service import UserService

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
RECORD_COLUMNS = (
    "data_source_id, row_number, reference, booking_date, value_date, amount, currency, "
    "description, counterparty, counterparty_account, transaction_id, row_hash, extra"
)


async def _seed(url: str, data_dir: Path) -> int:
    await upgrade_database(url)
    database = Database(Settings(TALLY_ENV="production", TALLY_DATA_DIR=data_dir), url=url)
    try:

        async def seed(session):  # type: ignore[no-untyped-def]
            user = await UserService(session).create_user(
                UserCreate(email="bench@example.test", password="bench password")
            )
            project = await ProjectService(session).create_project(
                Principal(user.id, user.email, user.role, ""), ProjectCreate(name="bench")
            )
            return project.id

        return int(await run_in_transaction(database, seed))
    finally:
        await database.dispose()


def _ingest(url: str, data_dir: Path, project: int, file: Path, *extra: str) -> dict[str, Any]:
    return run_json_child(
        "bench.ingest.ingest_once", url, str(data_dir), str(project), str(file), *extra
    )


def _worker_rss(url: str, data_dir: Path, project: int, file: Path) -> dict[str, float]:
    """The same ingestion in a process that imported every task module first (`tally worker`)."""
    run = _ingest(url, data_dir, project, file, "--worker")
    _sql(url, f"DELETE FROM data_source WHERE id = {run['source_id']}")
    return {"idle_rss_mb": run["idle_rss_mb"], "peak_rss_mb": run["peak_rss_mb"]}


def _sql(url: str, statement: str) -> None:
    with psycopg.connect(plain_url(url), autocommit=True) as connection:
        connection.execute(statement)


def _raw_copy(url: str, source_id: int, target_id: int, clean: Path) -> float:
    """Export the ingested rows as an already-clean CSV, empty the table, time psql's \\copy of it."""
    _sql(
        url,
        f"INSERT INTO data_source (id, project_id, name, file_name, format, size_bytes, row_count, "
        f"rows_done, skipped_count, status, created_at, updated_at) SELECT {target_id}, project_id, "
        f"'raw copy', file_name, format, 0, 0, 0, 0, 'ready', now(), now() FROM data_source "
        f"WHERE id = {source_id}",
    )
    export = (
        f"\\copy (SELECT {target_id}, row_number, reference, booking_date, value_date, amount, currency, "
        f"description, counterparty, counterparty_account, transaction_id, row_hash, extra FROM record "
        f"WHERE data_source_id = {source_id}) TO '{clean}' CSV"
    )
    subprocess.run(["psql", plain_url(url), "-q", "-c", export], check=True)
    _sql(url, f"DELETE FROM record WHERE data_source_id = {source_id}")
    _sql(url, "VACUUM record")
    started = time.perf_counter()
    subprocess.run(
        [
            "psql",
            plain_url(url),
            "-q",
            "-c",
            f"\\copy record ({RECORD_COLUMNS}) FROM '{clean}' CSV",
        ],
        check=True,
    )
    elapsed = time.perf_counter() - started
    _sql(url, f"DELETE FROM record WHERE data_source_id = {target_id}")
    _sql(url, "VACUUM record")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old-rows", type=int, default=1_000_000)
    parser.add_argument("--sqlite-rows", type=int, nargs="*", help="default: --rows")
    args = parser.parse_args()
    admin = os.environ["TALLY_TEST_DATABASE_URL"]
    url = fresh_database(admin, "tally_bench_ingest")
    work = Path(tempfile.mkdtemp(prefix="tally-bench-ingest-"))
    project = asyncio.run(_seed(url, work))
    results: dict[int, dict[str, Any]] = {}
    next_id = 1_000_000

    for rows in args.rows:
        file = DATA / f"transactions-{rows}.csv"
        if not file.exists():
            write_csv(file, rows)
        tally_runs, copy_runs, rss, idle = [], [], [], []
        for _ in range(args.repeat):
            run = _ingest(url, work, project, file)
            assert run["rows"] == rows, run
            tally_runs.append(run["seconds"])
            rss.append(run["peak_rss_mb"])
            idle.append(run["idle_rss_mb"])
            next_id += 1
            copy_runs.append(_raw_copy(url, run["source_id"], next_id, work / "clean.csv"))
            _sql(url, f"DELETE FROM data_source WHERE id IN ({run['source_id']}, {next_id})")
        tally_s, copy_s = statistics.median(tally_runs), statistics.median(copy_runs)
        results[rows] = {
            "file_mb": round(file.stat().st_size / 1e6, 1),
            "tally_s": round(tally_s, 2),
            "copy_s": round(copy_s, 2),
            "tally_rows_s": round(rows / tally_s),
            "copy_rows_s": round(rows / copy_s),
            "ratio": round(copy_s / tally_s, 3),
            "peak_rss_mb": max(rss),
            "idle_rss_mb": max(idle),
            "worker": _worker_rss(url, work, project, file),
            "runs": {
                "tally": [round(x, 2) for x in tally_runs],
                "copy": [round(x, 2) for x in copy_runs],
            },
        }
        print(rows, results[rows], flush=True)

    old: dict[str, Any] = {}
    if args.old_rows:
        file = DATA / f"transactions-{args.old_rows}.csv"
        if not file.exists():
            write_csv(file, args.old_rows)
        run = _ingest(url, work, project, file, "--old-orm")
        tally = _ingest(url, work, project, file)
        old = {
            "rows": args.old_rows,
            "orm_s": round(run["seconds"], 2),
            "tally_s": round(tally["seconds"], 2),
            "speedup": round(run["seconds"] / tally["seconds"], 1),
        }
        print("old orm", old, flush=True)

    sqlite: dict[int, dict[str, Any]] = {}
    for rows in args.rows if args.sqlite_rows is None else args.sqlite_rows:
        sqlite_dir = work / f"sqlite-{rows}"
        sqlite_url = f"sqlite+aiosqlite:///{sqlite_dir / 'tally.db'}"
        sqlite_dir.mkdir()
        sqlite_project = asyncio.run(_seed(sqlite_url, sqlite_dir))
        run = _ingest(sqlite_url, sqlite_dir, sqlite_project, DATA / f"transactions-{rows}.csv")
        sqlite[rows] = {
            "seconds": round(run["seconds"], 2),
            "rows_s": round(rows / run["seconds"]),
            "peak_rss_mb": run["peak_rss_mb"],
        }
        print("sqlite", rows, sqlite[rows], flush=True)

    _report(results, old, sqlite, args)


def _report(
    results: dict[int, dict[str, Any]],
    old: dict[str, Any],
    sqlite: dict[int, dict[str, Any]],
    args: argparse.Namespace,
) -> None:
    lines = [
        "# Ingestion benchmark",
        "",
        f"`python -m bench.ingest.bench_ingest {' '.join(sys.argv[1:])}` "
        "(through `scripts/bench ingest`), on this 2-core machine. Medians of the repeats; each Tally run "
        "is a fresh process (create the source, stream-parse, COPY in one transaction, mark ready). "
        "Raw COPY is `psql \\copy` of the same rows, already clean, into the same `record` table with "
        "the same indexes, right after the Tally run (the table emptied and vacuumed before each).",
        "",
        "## PostgreSQL: Tally vs raw COPY",
        "",
        "| rows | file | Tally | raw \\copy | Tally rows/s | COPY rows/s | ratio (target >= 0.7) | peak RSS (idle) | in a worker with every task: peak (idle) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for rows, r in results.items():
        worker = r["worker"]
        lines.append(
            f"| {rows:,} | {r['file_mb']} MB | {r['tally_s']} s | {r['copy_s']} s | {r['tally_rows_s']:,} | "
            f"{r['copy_rows_s']:,} | **{r['ratio']}** | **{r['peak_rss_mb']} MB** ({r['idle_rss_mb']} MB) | "
            f"{worker['peak_rss_mb']} MB ({worker['idle_rss_mb']} MB) |"
        )
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, big = results[sizes[0]], results[sizes[-1]]
        small_worker, big_worker = small["worker"], big["worker"]
        lines += [
            "",
            f"Peak RSS of the ingesting process: {small['peak_rss_mb']} MB for {small['file_mb']} MB "
            f"vs {big['peak_rss_mb']} MB for {big['file_mb']} MB: difference "
            f"**{round(big['peak_rss_mb'] - small['peak_rss_mb'], 1)} MB** (target < 50 MB; "
            f"absolute target < 300 MB). Of it, {small['idle_rss_mb']} MB is the process before it "
            "reads a byte (the interpreter with pyarrow, SQLAlchemy, the cache client and the "
            "ingest code imported); the ingestion itself adds "
            f"{round(small['peak_rss_mb'] - small['idle_rss_mb'], 1)} MB and "
            f"{round(big['peak_rss_mb'] - big['idle_rss_mb'], 1)} MB.",
            "",
            "A `tally worker` imports every task module, the matching engine (polars, scipy, "
            f"rapidfuzz) among them: it starts at {small_worker['idle_rss_mb']} MB, and the same "
            f"ingestions peak at {small_worker['peak_rss_mb']} MB and "
            f"{big_worker['peak_rss_mb']} MB there (difference "
            f"{round(big_worker['peak_rss_mb'] - small_worker['peak_rss_mb'], 1)} MB).",
        ]
    if old:
        lines += [
            "",
            "## The predecessor's approach",
            "",
            f"Python csv + Decimal + ORM objects flushed every 1,000 rows, {old['rows']:,} rows: "
            f"{old['orm_s']} s vs Tally {old['tally_s']} s: Tally is **{old['speedup']}x** faster.",
        ]
    if sqlite:
        lines += [
            "",
            "## SQLite (embedded default): one transaction, batched executemany",
            "",
            "| rows | seconds | rows/s | peak RSS |",
            "|---|---|---|---|",
        ]
        for rows, r in sqlite.items():
            lines.append(f"| {rows:,} | {r['seconds']} | {r['rows_s']:,} | {r['peak_rss_mb']} MB |")
    lines += [
        "",
        "Raw runs (seconds): " + json.dumps({k: v["runs"] for k, v in results.items()}),
        "",
    ]
    (HERE / "REPORT.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
