"""SQLite ingest against the hardware's limit: `tally ingest` of a CSV vs a bare `executemany` of
the same rows, in the same run, with the peak RSS of the command.

    python -m bench.ingest.bench_sqlite_ratio --rows 1000000 --repeat 5 [--report PATH]

Each run: a fresh SQLite file (migrated, one user and project), `tally ingest FILE --project N`
as a user runs it (wall time, and its peak RSS from /usr/bin/time); then, in this process,
the rows it stored are read back 10k at a time and each block is inserted by one `executemany`
into a bare table of the same columns (no index; WAL, synchronous=NORMAL as Tally's connections;
one transaction): only the executemany calls are timed. Prints min / median / max of >= 5 runs
and writes a JSON and a Markdown report.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.ingest.bench_ingest import _seed
from bench.synthetic_csv import write_csv

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
COLUMNS = (
    "data_source_id, row_number, reference, booking_date, value_date, amount, currency, "
    "description, counterparty, counterparty_account, transaction_id, row_hash, extra"
)
BLOCK_ROWS = 10_000


def _tally_ingest(data_dir: Path, url: str, project: int, file: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `tally ingest` in a process of its own.

    The peak comes from /usr/bin/time: a child forked from this process would inherit this
    process's high-water mark through exec (Linux keeps ru_maxrss across it), and this process
    held the generated rows."""
    env = {**os.environ, "DATABASE_URL": url, "TALLY_DATA_DIR": str(data_dir)}
    env["TALLY_LOG_LEVEL"] = "WARNING"
    tally = str(Path(sys.executable).with_name("tally"))
    peak_file = data_dir / "peak_rss_kb"
    started = time.perf_counter()
    finished = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(peak_file),
         tally, "ingest", str(file), "--project", str(project)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"tally ingest failed: {finished.stderr.decode()[-2000:]}")
    return elapsed, int(peak_file.read_text().split()[-1]) / 1024


def _bare_executemany(tally_db: Path, bare_db: Path) -> tuple[float, int]:
    """Seconds of executemany of every stored record (Python tuples read back first), bare."""
    source = sqlite3.connect(tally_db)
    target = sqlite3.connect(bare_db)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=NORMAL")
    target.execute(f"CREATE TABLE record (id INTEGER PRIMARY KEY, {COLUMNS})")
    placeholders = ", ".join("?" for _ in COLUMNS.split(", "))
    insert = f"INSERT INTO record ({COLUMNS}) VALUES ({placeholders})"
    cursor = source.execute(f"SELECT {COLUMNS} FROM record ORDER BY id")
    seconds = 0.0
    rows = 0
    while block := cursor.fetchmany(BLOCK_ROWS):
        started = time.perf_counter()
        target.executemany(insert, block)
        seconds += time.perf_counter() - started
        rows += len(block)
    started = time.perf_counter()
    target.commit()
    seconds += time.perf_counter() - started
    source.close()
    target.close()
    return seconds, rows


def _one_run(file: Path, rows: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="tally-bench-sqlite-ratio-"))
    url = f"sqlite+aiosqlite:///{work / 'tally.db'}"
    project = asyncio.run(_seed(url, work))
    tally_s, rss = _tally_ingest(work, url, project, file)
    bare_s, stored = _bare_executemany(work / "tally.db", work / "bare.db")
    assert stored == rows, (stored, rows)
    for path in work.glob("*.db*"):
        path.unlink()
    return {
        "tally_s": round(tally_s, 2),
        "executemany_s": round(bare_s, 2),
        "ratio": round(tally_s / bare_s, 2),
        "peak_rss_mb": round(rss, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def _spread(runs: list[dict[str, Any]], key: str) -> str:
    values = [run[key] for run in runs]
    return f"{min(values)} / {round(statistics.median(values), 2)} / {max(values)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--report", type=Path, default=HERE / "SQLITE_RATIO.md")
    args = parser.parse_args()
    file = DATA / f"transactions-{args.rows}.csv"
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        write_csv(file, args.rows)
    runs = []
    for index in range(args.repeat):
        run = _one_run(file, args.rows)
        print(index + 1, json.dumps(run), flush=True)
        runs.append(run)
    args.report.with_suffix(".json").write_text(json.dumps(runs, indent=1))
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# SQLite ingest vs a bare executemany of the same rows",
        "",
        f"`python -m bench.ingest.bench_sqlite_ratio --rows {args.rows} --repeat {args.repeat}` "
        f"({when}; 1-minute load average after each run: "
        f"{', '.join(str(run['load_avg_1m']) for run in runs)}; the machine is shared).",
        "",
        "| min / median / max of runs | value |",
        "|---|---|",
        f"| `tally ingest` s | {_spread(runs, 'tally_s')} |",
        f"| bare executemany s | {_spread(runs, 'executemany_s')} |",
        f"| ratio (per run) | {_spread(runs, 'ratio')} |",
        f"| peak RSS of `tally ingest`, MB | {_spread(runs, 'peak_rss_mb')} |",
        "",
    ]
    args.report.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
