"""Synthetic transaction CSVs for the ingestion benchmarks (about 100 bytes a row).

    python -m bench.synthetic_csv OUT.csv ROWS

Deterministic for a given row count; written in chunks with polars so 10M rows need little memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

CHUNK_ROWS = 500_000
COUNTERPARTIES = np.array(
    [
        "Acme GmbH",
        "Globex Corporation",
        "Initech Ltd",
        "Umbrella plc",
        "Stark Industries",
        "Wayne Enterprises",
        "Hooli Inc",
        "Vandelay Imports",
        "Soylent Co",
        "Tyrell Corp",
    ]
)


def chunk(start: int, rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(start)
    index = np.arange(start, start + rows)
    cents = rng.integers(-2_000_000, 5_000_000, rows)
    days = rng.integers(0, 365, rows)
    counterparty = COUNTERPARTIES[rng.integers(0, len(COUNTERPARTIES), rows)]
    frame = pl.DataFrame(
        {
            "number": index,
            "day": days,
            "cents": cents,
            "counterparty": counterparty,
        }
    )
    return frame.select(
        ("INV-" + pl.col("number").cast(pl.String).str.zfill(9)).alias("reference"),
        (pl.lit(np.datetime64("2025-01-01")).cast(pl.Date) + pl.duration(days=pl.col("day")))
        .dt.strftime("%Y-%m-%d")
        .alias("date"),
        (
            pl.when(pl.col("cents") < 0).then(pl.lit("-")).otherwise(pl.lit(""))
            + (pl.col("cents").abs() // 100).cast(pl.String)
            + "."
            + (pl.col("cents").abs() % 100).cast(pl.String).str.zfill(2)
        ).alias("amount"),
        pl.lit("EUR").alias("currency"),
        (
            "Payment for invoice INV-"
            + pl.col("number").cast(pl.String).str.zfill(9)
            + " thank you"
        ).alias("description"),
        "counterparty",
    )


def write_csv(path: Path, rows: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for start in range(0, rows, CHUNK_ROWS):
            frame = chunk(start, min(CHUNK_ROWS, rows - start))
            frame.write_csv(out, include_header=start == 0)
    return path


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    write_csv(target, count)
    print(f"{target}: {count} rows, {target.stat().st_size / 1e6:.1f} MB")
