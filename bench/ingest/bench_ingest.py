"""Ingestion benchmark: Tally's ingest path vs raw `psql \\copy` of the same rows into the same
table, in one run; peak RSS for 100 MB vs 1 GB; the predecessor's ORM approach; SQLite rows/s.

    python -m bench.ingest.bench_ingest [--rows 1000000 10000000] [--repeat 3] [--old-rows 1000000]

Needs TALLY_TEST_DATABASE_URL (PostgreSQL; `scripts/bench` starts one). Writes bench/ingest/REPORT.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from bench._common import (
    fresh_database,
    load_average,
    plain_url,
    run_json_child,
    server_settings,
    settings_text,
    spread,
    spread_text,
    write_results,
)
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


HISTORY = """## Dated historical notes (taken by hand; no script re-runs them)

The COPY-time-per-index table is scripted above (`--per-index`). These were not: read them as
what led to a decision on the day (10k-row batches, `tally.sources.ingestion.BATCH_ROWS`; jemalloc
for Arrow), not as current figures; re-checking them means editing those constants and re-running.

- 2026-12-07: the ingesting process had grown to 325.5 MB at 1M rows (2026-11-28 re-check). Two
  causes: (1) ingesting imported the matching engine (polars, scipy, rapidfuzz) through the loader
  of records as the engine's frame, which lived in the sources repository; it moved to
  `tally/sources/frames.py` (importing the ingest path: 277 -> 194 MB RSS). (2) Sampling RSS
  through a 1M ingest showed the working set (~108 MB above the idle process) is the batches in
  flight, not Arrow's allocator (Arrow's own peak: 29 MB; Arrow's system and mimalloc pools peaked
  at 323 and 306 MB against jemalloc's 267 MB; `MALLOC_ARENA_MAX` changed nothing). Peak RSS at 1M
  rows by batch size then: 20k rows 263 MB, 10k 232 MB, 5k 227 MB (and slower).
- 2026-11-28: at 1M rows the predecessor's ORM approach took 778.5 s, 48.5x Tally. Publishing
  progress by updating the `data_source` row the COPY's foreign-key checks had locked: 27 s -> 42 s
  per 1M rows, hence the `ingest_progress` table. Arrow's default allocator: 340 MB peak; jemalloc
  with immediate decay: ~285 MB (why `tally.sources.ingestion` sets jemalloc).
"""


def _ingest(url: str, data_dir: Path, project: int, file: Path, *extra: str) -> dict[str, Any]:
    return run_json_child(
        "bench.ingest.ingest_once", url, str(data_dir), str(project), str(file), *extra
    )


def _sql(url: str, statement: str) -> None:
    with psycopg.connect(plain_url(url), autocommit=True) as connection:
        connection.execute(statement)


def _psql(url: str, *commands: str) -> float:
    """Run psql commands in one session; seconds taken (a client-side \\copy reads the file)."""
    args = ["psql", plain_url(url), "-q", "-v", "ON_ERROR_STOP=1"]
    for command in commands:
        args += ["-c", command]
    started = time.perf_counter()
    subprocess.run(args, check=True)
    return time.perf_counter() - started


def _export_clean(url: str, source_id: int, clean: Path) -> None:
    """The ingested rows as an already-clean CSV in `record`'s column order."""
    _psql(
        url,
        f"\\copy (SELECT {RECORD_COLUMNS} FROM record WHERE data_source_id = {source_id}) "
        f"TO '{clean}' CSV",
    )


def _same_table_copy(url: str, source_id: int, clean: Path) -> float:
    """Denominator 1: `psql \\copy` of the clean rows into the same indexed `record` table."""
    _sql(url, "VACUUM record")
    seconds = _psql(url, f"\\copy record ({RECORD_COLUMNS}) FROM '{clean}' CSV")
    _sql(url, f"DELETE FROM record WHERE data_source_id = {source_id}")
    _sql(url, "VACUUM record")
    return seconds


def _record_indexes(url: str, table: str) -> list[str]:
    """`record`'s index definitions, retargeted at ``table`` (primary key first)."""
    with psycopg.connect(plain_url(url), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'record' "
            "ORDER BY indexname <> 'pk_record', indexname"
        ).fetchall()
    return [
        definition.replace(f"INDEX {name} ON public.record", f"INDEX {name}_{table} ON {table}")
        for name, definition in rows
    ]


def _bare_heap_copy(url: str, clean: Path) -> float:
    """Denominator 2 (the hardware's limit): COPY into a fresh table with no index at all."""
    _sql(url, "DROP TABLE IF EXISTS record_bare")
    _sql(url, "CREATE TABLE record_bare (LIKE record INCLUDING DEFAULTS INCLUDING IDENTITY)")
    seconds = _psql(url, f"\\copy record_bare ({RECORD_COLUMNS}) FROM '{clean}' CSV")
    _sql(url, "DROP TABLE record_bare")
    return seconds


def _fresh_table_then_indexes(url: str, clean: Path) -> tuple[float, float]:
    """Denominator 3: COPY into a fresh table, then build `record`'s indexes (seconds of each)."""
    _sql(url, "DROP TABLE IF EXISTS record_fresh")
    _sql(url, "CREATE TABLE record_fresh (LIKE record INCLUDING DEFAULTS INCLUDING IDENTITY)")
    copy_s = _psql(url, f"\\copy record_fresh ({RECORD_COLUMNS}) FROM '{clean}' CSV")
    index_s = _psql(url, *_record_indexes(url, "record_fresh"))
    _sql(url, "DROP TABLE record_fresh")
    return copy_s, index_s


PER_INDEX_STEPS = ("heap only", "+ primary key", "+ record's other indexes",
                   "+ an index on row_hash", "+ foreign key to data_source")  # fmt: skip


def _copy_per_index(url: str, clean: Path) -> dict[str, float]:
    """COPY time of the clean rows into a fresh table, adding one thing at a time (the
    measurement behind BULK_TABLES_NOTE: why the bulk tables carry no foreign key and no unread
    index)."""
    indexes = _record_indexes(url, "record_steps")
    additions = [
        [],
        ["ALTER TABLE record_steps ADD PRIMARY KEY (id)"],
        indexes[1:],
        ["CREATE INDEX ix_record_steps_row_hash ON record_steps (row_hash)"],
        [
            "ALTER TABLE record_steps ADD FOREIGN KEY (data_source_id) REFERENCES data_source (id)",
        ],
    ]
    source = int(clean.read_text(encoding="utf-8").split(",", 1)[0])
    _sql(url, f"INSERT INTO data_source (id, project_id, name, file_name, format, size_bytes, "
              f"row_count, rows_done, skipped_count, status, created_at, updated_at) SELECT {source}, "
              f"id, 'copy steps', '', 'csv', 0, 0, 0, 0, 'ready', now(), now() FROM project LIMIT 1 "
              f"ON CONFLICT DO NOTHING")  # fmt: skip
    seconds: dict[str, float] = {}
    done: list[str] = []
    for step, statements in zip(PER_INDEX_STEPS, additions, strict=True):
        done += statements
        _sql(url, "DROP TABLE IF EXISTS record_steps")
        _sql(url, "CREATE TABLE record_steps (LIKE record INCLUDING DEFAULTS INCLUDING IDENTITY)")
        for statement in done:
            _sql(url, statement)
        seconds[step] = round(
            _psql(url, f"\\copy record_steps ({RECORD_COLUMNS}) FROM '{clean}' CSV"), 3
        )
        print("copy per index", step, seconds[step], flush=True)
    _sql(url, "DROP TABLE record_steps")
    _sql(url, f"DELETE FROM data_source WHERE id = {source}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--old-rows", type=int, default=0)
    parser.add_argument("--sqlite-rows", type=int, nargs="*", help="default: --rows")
    parser.add_argument(
        "--per-index", action="store_true", help="also time COPY adding one index at a time"
    )
    args = parser.parse_args()
    admin = os.environ["TALLY_TEST_DATABASE_URL"]
    url = fresh_database(admin, "tally_bench_ingest")
    settings = server_settings(url)
    work = Path(tempfile.mkdtemp(prefix="tally-bench-ingest-"))
    project = asyncio.run(_seed(url, work))
    results: dict[int, dict[str, Any]] = {}

    for rows in args.rows:
        file = DATA / f"transactions-{rows}.csv"
        if not file.exists():
            write_csv(file, rows)
        clean = work / f"clean-{rows}.csv"
        runs: list[dict[str, Any]] = []
        clean_source = 0
        for _ in range(args.repeat):
            load = load_average()
            run = _ingest(url, work, project, file)
            assert run["rows"] == rows, run
            if not clean.exists():
                _export_clean(url, run["source_id"], clean)
                clean_source = run["source_id"]  # the data_source_id its rows carry
            _sql(url, f"DELETE FROM record WHERE data_source_id = {run['source_id']}")
            _sql(url, f"DELETE FROM data_source WHERE id = {run['source_id']}")
            same_table = _same_table_copy(url, clean_source, clean)
            bare = _bare_heap_copy(url, clean)
            fresh_copy, fresh_index = _fresh_table_then_indexes(url, clean)
            runs.append(
                {
                    "load_average_1m": load,
                    "tally_s": round(run["seconds"], 3),
                    "same_table_copy_s": round(same_table, 3),
                    "bare_heap_copy_s": round(bare, 3),
                    "fresh_copy_s": round(fresh_copy, 3),
                    "fresh_index_build_s": round(fresh_index, 3),
                    "peak_rss_mb": run["peak_rss_mb"],
                    "idle_rss_mb": run["idle_rss_mb"],
                }
            )
            print(rows, runs[-1], flush=True)
        results[rows] = {"file_mb": round(file.stat().st_size / 1e6, 1), "runs": runs}
        if args.per_index:
            results[rows]["copy_per_index"] = {
                "load_average_1m": load_average(),
                "seconds": _copy_per_index(url, clean),
            }

    old: dict[str, Any] = {}
    if args.old_rows:
        file = DATA / f"transactions-{args.old_rows}.csv"
        if not file.exists():
            write_csv(file, args.old_rows)
        run = _ingest(url, work, project, file, "--old-orm")
        tally = _ingest(url, work, project, file)
        old = {
            "rows": args.old_rows,
            "load_average_1m": load_average(),
            "orm_s": round(run["seconds"], 2),
            "tally_s": round(tally["seconds"], 2),
            "speedup": round(run["seconds"] / tally["seconds"], 1),
        }
        print("old orm", old, flush=True)

    sqlite: dict[int, list[dict[str, Any]]] = {}
    for rows in args.rows if args.sqlite_rows is None else args.sqlite_rows:
        sqlite[rows] = []
        file = DATA / f"transactions-{rows}.csv"
        if not file.exists():
            write_csv(file, rows)
        for attempt in range(args.repeat):
            sqlite_dir = work / f"sqlite-{rows}-{attempt}"
            sqlite_url = f"sqlite+aiosqlite:///{sqlite_dir / 'tally.db'}"
            sqlite_dir.mkdir()
            sqlite_project = asyncio.run(_seed(sqlite_url, sqlite_dir))
            load = load_average()
            run = _ingest(sqlite_url, sqlite_dir, sqlite_project, file)
            sqlite[rows].append(
                {
                    "load_average_1m": load,
                    "seconds": round(run["seconds"], 3),
                    "peak_rss_mb": run["peak_rss_mb"],
                }
            )
            print("sqlite", rows, sqlite[rows][-1], flush=True)
            shutil.rmtree(sqlite_dir)

    command = f"python -m bench.ingest.bench_ingest {' '.join(sys.argv[1:])}".strip()
    write_results(
        HERE / "results.json",
        command=command,
        settings={"postgresql": settings, "sqlite": server_settings("sqlite")},
        postgresql={str(k): v for k, v in results.items()},
        sqlite={str(k): v for k, v in sqlite.items()},
        old_orm=old,
    )
    _report(command, settings, results, old, sqlite)


def _ratio(denominator: list[float], tally: list[float]) -> str:
    return spread_text([d / t for d, t in zip(denominator, tally, strict=True)], "", digits=3)


def _report(
    command: str,
    settings: dict[str, Any],
    results: dict[int, dict[str, Any]],
    old: dict[str, Any],
    sqlite: dict[int, list[dict[str, Any]]],
) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Ingestion benchmark",
        "",
        f"`{command}` (through `scripts/bench ingest`), {when}, on this 2-core machine shared with "
        f"other work (1-minute load average per run in results.json). Server: "
        f"{settings_text(settings)}. Cells: min / **median** / max of the runs. Each Tally run is "
        "a fresh process doing what the background `ingest` task does (create the source, "
        "stream-parse, COPY in one transaction, mark ready); the peak RSS of the commands users "
        "run is in bench/rss/REPORT.md. Three denominators, each `psql \\copy` of the same rows "
        "already clean (exported from Tally's run), right after it:",
        "",
        "- **same table**: into the same `record` table with its indexes (what Tally could at best do "
        "in place);",
        "- **bare heap**: into a fresh table with `record`'s columns and no index (the hardware's "
        "limit for loading the rows);",
        "- **fresh + index**: into a fresh table, then `record`'s indexes built (the limit for the "
        "same end state).",
        "",
        "## PostgreSQL",
        "",
        "| rows | file | runs | Tally | same-table COPY | bare-heap COPY | fresh COPY + index build | "
        "Tally rows/s (median) | ratio vs same table | ratio vs bare heap | ratio vs fresh + index | "
        "peak RSS (idle) | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rows, r in results.items():
        runs = r["runs"]
        tally = [x["tally_s"] for x in runs]
        same = [x["same_table_copy_s"] for x in runs]
        bare = [x["bare_heap_copy_s"] for x in runs]
        fresh = [x["fresh_copy_s"] + x["fresh_index_build_s"] for x in runs]
        loads = [x["load_average_1m"] for x in runs]
        lines.append(
            f"| {rows:,} | {r['file_mb']} MB | {len(runs)} | {spread_text(tally)} | "
            f"{spread_text(same)} | {spread_text(bare)} | {spread_text(fresh)} | "
            f"{round(rows / statistics.median(tally)):,} | {_ratio(same, tally)} | {_ratio(bare, tally)} | "
            f"{_ratio(fresh, tally)} | {max(x['peak_rss_mb'] for x in runs)} MB "
            f"({max(x['idle_rss_mb'] for x in runs)} MB) | {min(loads)}-{max(loads)} |"
        )
    lines += [
        "",
        "Ratios are per run (the denominator's seconds over Tally's seconds of the same run), so a "
        "ratio of 0.1 means Tally takes ten times the denominator. The fresh table's index build "
        "is included in its seconds: "
        + "; ".join(
            f"{rows:,} rows: COPY {spread_text([x['fresh_copy_s'] for x in r['runs']])} + "
            f"indexes {spread_text([x['fresh_index_build_s'] for x in r['runs']])}"
            for rows, r in results.items()
        )
        + ".",
    ]
    for rows, r in results.items():
        if "copy_per_index" not in r:
            continue
        steps = r["copy_per_index"]
        lines += [
            "",
            f"## COPY time per index ({rows:,} clean rows, one run, load {steps['load_average_1m']})",
            "",
            "Each step a fresh table with `record`'s columns and everything of the steps above it "
            "(`--per-index`): why the bulk tables carry no foreign keys and no index nobody reads.",
            "",
            "| table holds | COPY |",
            "|---|---|",
            *(f"| {step} | {seconds} s |" for step, seconds in steps["seconds"].items()),
        ]
    if old:
        lines += [
            "",
            "## The predecessor's approach (one run)",
            "",
            f"Python csv + Decimal + ORM objects flushed every 1,000 rows, {old['rows']:,} rows: "
            f"{old['orm_s']} s vs Tally {old['tally_s']} s: Tally is **{old['speedup']}x** faster "
            f"(load {old['load_average_1m']}).",
        ]
    if sqlite:
        lines += [
            "",
            "## SQLite (embedded default): one transaction, batched executemany",
            "",
            "| rows | runs | seconds | rows/s (median) | peak RSS | load |",
            "|---|---|---|---|---|---|",
        ]
        for rows, runs in sqlite.items():
            seconds = [x["seconds"] for x in runs]
            loads = [x["load_average_1m"] for x in runs]
            lines.append(
                f"| {rows:,} | {len(runs)} | {spread_text(seconds)} | "
                f"{round(rows / spread(seconds)['median']):,} | "
                f"{max(x['peak_rss_mb'] for x in runs)} MB | {min(loads)}-{max(loads)} |"
            )
    lines += ["", "Raw runs: results.json beside this file.", "", HISTORY]
    (HERE / "REPORT.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
