"""Where a SQLite load's time goes, and how long it holds the write lock, per way of writing.

    python -m bench.ingest.sqlite_write_parts [ROWS]

Parses a synthetic CSV with Tally's reader, converts the batches to Python rows as kit.bulk does,
then writes them in batches of 10k, one transaction each, into a `record`-shaped table: without
indexes, with `record`'s three indexes (the lock is held for the whole executemany), and staged
(executemany into a TEMP table, which locks nothing in the main file, then INSERT ... SELECT, the
only part that holds the lock). Prints seconds per part.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.synthetic_csv import write_csv
from tally.kit.bulk import _python_rows, with_constant
from tally.sources.reading import UploadOptions, preview_file, read_file
from tally.sources.repository import _LOAD_COLUMNS

INDEXES = ("data_source_id, row_number", "data_source_id, booking_date", "data_source_id, amount")
COLUMNS = ", ".join(_LOAD_COLUMNS)
PLACEHOLDERS = ", ".join("?" for _ in _LOAD_COLUMNS)


def _database(path: Path) -> sqlite3.Connection:
    database = sqlite3.connect(path)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    database.execute(f"CREATE TABLE record (id INTEGER PRIMARY KEY, {COLUMNS})")
    return database


def _straight(path: Path, batches: list[list[tuple[Any, ...]]], *, indexed: bool) -> float:
    database = _database(path)
    if indexed:
        for number, columns in enumerate(INDEXES):
            database.execute(f"CREATE INDEX ix_{number} ON record ({columns})")
    started = time.perf_counter()
    for rows in batches:
        database.executemany(f"INSERT INTO record ({COLUMNS}) VALUES ({PLACEHOLDERS})", rows)
        database.commit()
    return time.perf_counter() - started


def _staged(path: Path, batches: list[list[tuple[Any, ...]]]) -> tuple[float, float]:
    database = _database(path)
    for number, columns in enumerate(INDEXES):
        database.execute(f"CREATE INDEX ix_{number} ON record ({columns})")
    database.execute(f"CREATE TEMP TABLE staging ({COLUMNS})")
    stage = move = 0.0
    for rows in batches:
        started = time.perf_counter()
        database.executemany(f"INSERT INTO temp.staging ({COLUMNS}) VALUES ({PLACEHOLDERS})", rows)
        staged = time.perf_counter()
        database.execute(f"INSERT INTO main.record ({COLUMNS}) SELECT {COLUMNS} FROM temp.staging")
        database.execute("DELETE FROM temp.staging")
        database.commit()
        stage += staged - started
        move += time.perf_counter() - staged
    return stage, move


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    work = Path(tempfile.mkdtemp(prefix="tally-sqlite-parts-"))
    file = work / "rows.csv"
    write_csv(file, rows)
    plan = preview_file(
        file.read_bytes()[: 1 << 20], complete=False, options=UploadOptions(), path=file
    ).plan
    started = time.perf_counter()
    batches = [batch.records for batch in read_file(file, plan, batch_rows=10_000)]
    parse = time.perf_counter() - started
    started = time.perf_counter()
    python_rows = [
        _python_rows(with_constant(batch, "data_source_id", 1), _LOAD_COLUMNS) for batch in batches
    ]
    convert = time.perf_counter() - started
    bare = _straight(work / "bare.db", python_rows, indexed=False)
    indexed = _straight(work / "indexed.db", python_rows, indexed=True)
    stage, move = _staged(work / "staged.db", python_rows)
    print(
        f"{rows} rows: parse {parse:.2f} s, to Python rows {convert:.2f} s, executemany without "
        f"indexes {bare:.2f} s, with record's indexes {indexed:.2f} s (lock held throughout), "
        f"staged {stage:.2f} s into TEMP + {move:.2f} s INSERT ... SELECT (lock held)"
    )


if __name__ == "__main__":
    main()
