"""Micro-benchmark of the CSV ingest parse: a synthetic N-row, 8-column file, parsed end to end.

    .venv/bin/python bench/ingest/bench_parse.py                 # 1M rows, ISO dates, 5 runs
    .venv/bin/python bench/ingest/bench_parse.py --rows 3000000  # RSS must stay flat
    .venv/bin/python bench/ingest/bench_parse.py --style de      # 31.12.2024;-1.234,56 (slow path)

Each run parses in a fresh child process (so its peak RSS is the parse's own) and reports wall
time, CPU time, rows/s and peak RSS; the summary is the median. The denominator to compare with is
PostgreSQL COPY of a similar 1M-row file on this machine: ~530k rows/s (see shared README).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

COPY_ROWS_PER_SECOND = 530_000
COLUMNS = [
    "Date",
    "Amount",
    "Currency",
    "Reference",
    "Description",
    "Counterparty",
    "IBAN",
    "Balance",
]
WORDS = np.array(["PAYMENT", "INVOICE", "TRANSFER", "CARD", "ACME LTD", "GROCERY", "RENT", "FEE"])


def _money(cents: np.ndarray, style: str) -> pa.Array:
    sign = np.where(cents < 0, "-", "")
    whole = np.abs(cents) // 100
    frac = np.char.zfill((np.abs(cents) % 100).astype(str), 2)
    if style == "de":
        thousands = whole // 1000
        rest = np.char.zfill((whole % 1000).astype(str), 3)
        grouped = np.where(
            thousands > 0,
            np.char.add(np.char.add(thousands.astype(str), "."), rest),
            (whole % 1000).astype(str),
        )
        return pa.array(np.char.add(np.char.add(np.char.add(sign, grouped), ","), frac))
    return pa.array(np.char.add(np.char.add(np.char.add(sign, whole.astype(str)), "."), frac))


def generate(path: Path, rows: int, style: str) -> None:
    """Write the synthetic file in chunks (numpy string ops, no per-row Python)."""
    rng = np.random.default_rng(7)
    delimiter = ";" if style == "de" else ","
    chunk = 250_000
    with path.open("wb") as out:
        out.write((delimiter.join(COLUMNS) + "\n").encode())
        for start in range(0, rows, chunk):
            count = min(chunk, rows - start)
            index = np.arange(start, start + count)
            days = pa.array(rng.integers(16_000, 20_000, count).astype("int32"), pa.date32())
            dates = pc.strftime(days, "%d.%m.%Y" if style == "de" else "%Y-%m-%d")
            amounts = _money(rng.integers(-10_000_000, 10_000_000, count), style)
            balances = _money(rng.integers(0, 100_000_000, count), style)
            words = WORDS[rng.integers(0, len(WORDS), (count, 2))]
            description = np.char.add(
                np.char.add(np.char.add(words[:, 0], " "), words[:, 1]),
                np.char.add(" no ", (index % 9973).astype(str)),
            )
            table = pa.table(
                {
                    "Date": dates,
                    "Amount": amounts,
                    "Currency": pa.array(np.where(index % 10 == 0, "USD", "EUR")),
                    "Reference": pa.array(np.char.add("REF", np.char.zfill(index.astype(str), 9))),
                    "Description": pa.array(description),
                    "Counterparty": pa.array(
                        np.char.add("Counterparty ", (index % 5000).astype(str))
                    ),
                    "IBAN": pa.array(
                        np.char.add(
                            "DE8937040044053", np.char.zfill((index % 10**7).astype(str), 7)
                        )
                    ),
                    "Balance": balances,
                }
            )
            options = pacsv.WriteOptions(
                include_header=False, delimiter=delimiter, quoting_style="needed"
            )
            sink = pa.BufferOutputStream()
            pacsv.write_csv(table, sink, write_options=options)
            out.write(sink.getvalue().to_pybytes())


def child(path: str, style: str, batch_rows: int) -> None:
    import resource

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from tally.ingest.csv_reader import parse_csv
    from tally.ingest.options import ParseOptions

    options = ParseOptions(
        mapping={
            "booking_date": "Date",
            "amount": "Amount",
            "currency": "Currency",
            "reference": "Reference",
            "description": "Description",
            "counterparty": "Counterparty",
            "counterparty_account": "IBAN",
        },
        delimiter=";" if style == "de" else ",",
        date_format="%d.%m.%Y" if style == "de" else "%Y-%m-%d",
        decimal_separator="," if style == "de" else ".",
        header=COLUMNS,
    )
    rows = errors = 0
    cpu = time.process_time()
    wall = time.perf_counter()
    with open(path, "rb") as stream:
        for batch in parse_csv(stream, options, batch_rows=batch_rows):
            rows += batch.records.num_rows
            errors += len(batch.errors)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"rows": rows, "errors": errors, "wall": wall, "cpu": cpu, "rss": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--style", choices=["iso", "de"], default="iso")
    parser.add_argument("--batch-rows", type=int, default=65_536)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.style, args.batch_rows)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        started = time.perf_counter()
        generate(path, args.rows, args.style)
        size = path.stat().st_size
        print(
            f"generated {args.rows:,} rows, {size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
        )
        results = []
        for run in range(args.runs):
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--style", args.style,
                 "--batch-rows", str(args.batch_rows)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            result = json.loads(output.stdout)
            assert result["rows"] == args.rows and result["errors"] == 0, result
            results.append(result)
            print(
                f"run {run + 1}: wall {result['wall']:.3f} s, cpu {result['cpu']:.3f} s, "
                f"{args.rows / result['wall']:,.0f} rows/s, peak RSS {result['rss'] / 2**20:.0f} MiB"
            )
    wall = statistics.median(r["wall"] for r in results)
    cpu = statistics.median(r["cpu"] for r in results)
    rss = statistics.median(r["rss"] for r in results)
    print(
        f"median: wall {wall:.3f} s ({args.rows / wall:,.0f} rows/s, "
        f"{args.rows / wall / COPY_ROWS_PER_SECOND:.2f}x COPY), cpu {cpu:.3f} s "
        f"({args.rows / cpu:,.0f} rows/cpu-s), peak RSS {rss / 2**20:.0f} MiB, "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
