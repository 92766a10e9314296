"""Statement formats vs CSV through the real ingestion path, same records, same PostgreSQL, same run.

    python -m bench.formats.bench_ingest_formats [--entries 1000000] [--repeat 1]
        [--formats camt.053 camt.052 camt.054 mt940]

For each format, writes a balanced file with ``--entries`` entries (bench_camt.write_camt: every
tenth entry a batch of three details, so 1,000,000 entries are 1,200,000 records; the same entries
as a CAMT.052 report or CAMT.054 notification; bench_camt.write_mt940: German structured :86:
fields, one record an entry), parses it once to write a CSV holding exactly the records the file
yields (every record field as a column, the format's extras as further columns), then ingests
each file alternately, ``--repeat`` times, in a fresh process doing what the background `ingest`
task does (bench.ingest.ingest_once.tally_path: create_source_from_file, stream-parse, COPY in one
transaction, mark ready). Reports medians, each format's time ratio to its CSV and each process's
peak RSS (VmHWM, target < 300 MB) into bench/formats/REPORT.md, with the load average of each run.

Needs TALLY_TEST_DATABASE_URL (PostgreSQL; `scripts/bench formats` starts one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from bench._common import fresh_database, load_average, peak_rss_mb, run_json_child
from bench.formats.bench_camt import write_camt, write_mt940
from bench.ingest.bench_ingest import _seed, _sql
from bench.ingest.ingest_once import tally_path
from tally.config import Settings
from tally.ingest.formats import parse_statement
from tally.ingest.records import RECORD_COLUMNS
from tally.kit.db import Database

HERE = Path(__file__).resolve().parent
# The record's own fields, as a CSV maps them (row_number, row_hash and extra are derived).
RECORD_FIELDS = tuple(
    name for name in RECORD_COLUMNS if name not in {"row_number", "row_hash", "extra"}
)


def _amount_text(units: pl.Expr) -> pl.Expr:
    """Integer 1/10,000 units as an exact decimal string with two places (amounts are in cents)."""
    whole = units.abs() // 10_000
    cents = (units.abs() % 10_000) // 100
    sign = pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(
        [sign, whole.cast(pl.String), pl.lit("."), cents.cast(pl.String).str.zfill(2)]
    )


def write_same_records_csv(statement: Path, csv: Path) -> int:
    """The records the statement file yields, as a CSV Tally maps on its own; returns the row
    count. The ``extra`` JSON becomes one column a key (the keys of the first batch, which in
    these generated files every batch shares)."""
    rows = 0
    extras: pl.DataType | None = None
    with statement.open("rb") as stream, csv.open("wb") as out:
        for batch in parse_statement(stream, batch_rows=100_000):
            frame = pl.from_arrow(pa.Table.from_batches([batch.records]))
            assert isinstance(frame, pl.DataFrame)
            if extras is None:
                extras = frame.get_column("extra").str.json_decode(infer_schema_length=None).dtype
            decoded = frame.get_column("extra").str.json_decode(extras)
            table = frame.select(
                *(
                    _amount_text(pl.col("amount")).alias("amount")
                    if name == "amount"
                    else pl.col(name)
                    for name in RECORD_FIELDS
                )
            ).with_columns(decoded.struct.unnest())
            table.write_csv(out, include_header=rows == 0)
            rows += frame.height
    return rows


def write_statement(kind: str, path: Path, entries: int) -> int:
    """The generated file of one format; returns the records it yields."""
    records, _ = write_mt940(path, entries) if kind == "mt940" else write_camt(path, entries, kind)
    return records


async def _child(url: str, data_dir: Path, project: int, file: Path) -> dict[str, Any]:
    settings = Settings(TALLY_ENV="production", TALLY_DATA_DIR=data_dir, DATABASE_URL=url)
    database = Database(settings)
    try:
        cpu_started = time.process_time()
        result = await tally_path(database, settings, project, file)
        result["cpu_s"] = time.process_time() - cpu_started
    finally:
        await database.dispose()
    result["peak_rss_mb"] = peak_rss_mb()
    result["load"] = load_average()
    return result


def _ingest(url: str, data_dir: Path, project: int, file: Path) -> dict[str, Any]:
    """One ingestion in a fresh process (this module's --child mode)."""
    return run_json_child(
        "bench.formats.bench_ingest_formats", "--child", url, str(data_dir), str(project), str(file)
    )


def _report(result: dict[str, Any], args: argparse.Namespace) -> None:
    lines = [
        "# Statement formats vs CSV ingestion",
        "",
        f"`python -m bench.formats.bench_ingest_formats --entries {args.entries} --repeat "
        f"{args.repeat} --formats {' '.join(args.formats)}` on {result['date']} "
        f"({platform.machine()}, {os.cpu_count()} cores, shared with other work: 1-minute load "
        f"average {result['load'][0]} at the start, {result['load'][1]} at the end), PostgreSQL "
        "from TALLY_TEST_DATABASE_URL.",
        "",
        f"Each file holds {args.entries:,} entries (CAMT: every tenth entry a batch of three "
        "details, so 1.2 records an entry; MT940: one record an entry) and its CSV exactly the "
        "records that file yields, each ingested through the path the background `ingest` task "
        "runs (create_source_from_file, stream-parse, COPY in one transaction, balance check, "
        "mark ready), in a fresh process, alternately, into the same database. Times are medians "
        "of the runs listed; CPU time is the ingesting process's (the server's COPY work is the "
        "same for a file and its CSV).",
        "",
        "| file | records | size | ingest time | CPU time | records/s | peak RSS (< 300 MB) | "
        "time / its CSV | CPU / its CSV |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    runs_text = []
    for kind in args.formats:
        pair = result["formats"][kind]
        fmt, csv = pair["file"], pair["csv"]
        for name, run in ((kind.upper(), fmt), (f"CSV of {kind}", csv)):
            ratio = f"**{fmt['seconds'] / csv['seconds']:.2f}**" if run is fmt else ""
            cpu_ratio = f"{fmt['cpu_s'] / csv['cpu_s']:.2f}" if run is fmt else ""
            lines.append(
                f"| {name} | {pair['records']:,} | {run['file_mb']:.0f} MB | {run['seconds']:.1f} s | "
                f"{run['cpu_s']:.1f} s | {pair['records'] / run['seconds']:,.0f} | "
                f"{run['peak_rss_mb']:.0f} MB | {ratio} | {cpu_ratio} |"
            )
        runs_text.append(
            f"{kind}: "
            + ", ".join(f"{s:.1f}" for s in fmt["runs"])
            + "; its CSV: "
            + ", ".join(f"{s:.1f}" for s in csv["runs"])
            + f" (load {min(fmt['loads'] + csv['loads'])}-{max(fmt['loads'] + csv['loads'])})"
        )
    lines += [
        "",
        "Runs (seconds): " + ". ".join(runs_text) + ".",
        "",
        "Why the gap: the CSV is parsed by Arrow's multi-threaded C++ reader, while every "
        "statement entry goes through a Python mapping step (CAMT: lxml's iterparse, flatten the "
        "Ntry, sign and split amounts, build the record; MT940: line reading and the :86: "
        "sub-field parse); the COPY into PostgreSQL is the same for both. bench/formats/"
        "bench_parsers.py measures the parse alone against a compiled extractor "
        "(PARSERS.md).",
        "",
        "A statement file is parsed twice on this path: the upload's preview "
        "(tally.sources.reading._preview_statement) reads a whole file on disk to its end so that "
        "an unbalanced statement is refused when it is uploaded, and the background load parses "
        "it again; a CSV's preview reads its head only. That is why the statement's ingest CPU is "
        "about twice its parse alone (PARSERS.md), and why its ingest time grows twice as fast as "
        "the parser's cost.",
        "",
        "Peak RSS is each process's own VmHWM, not `ru_maxrss`: Linux carries ru_maxrss across "
        "exec from the parent, so a child of a large parent would report the parent's peak.",
        "",
    ]
    (HERE / "REPORT.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--formats",
        nargs="+",
        default=["camt.053"],
        choices=["camt.053", "camt.052", "camt.054", "mt940"],
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite REPORT.md from results.json"
    )
    args = parser.parse_args()
    if args.report_only:
        saved = json.loads((HERE / "results.json").read_text())
        _report(saved, argparse.Namespace(**saved["args"]))
        return
    if args.child:
        url, data_dir, project, file = args.child
        print(json.dumps(asyncio.run(_child(url, Path(data_dir), int(project), Path(file)))))
        return
    admin = os.environ["TALLY_TEST_DATABASE_URL"]
    url = fresh_database(admin, "tally_bench_formats")
    work = Path(tempfile.mkdtemp(prefix="tally-bench-formats-"))
    project = asyncio.run(_seed(url, work))
    load_start = load_average()
    result: dict[str, Any] = {"date": datetime.now(UTC).date().isoformat(), "formats": {}}
    for kind in args.formats:
        statement = work / f"{kind}-{args.entries}.{'sta' if kind == 'mt940' else 'xml'}"
        csv = work / f"{kind}-{args.entries}.csv"
        started = time.perf_counter()
        records = write_statement(kind, statement, args.entries)
        assert write_same_records_csv(statement, csv) == records
        print(f"{kind}: files written in {time.perf_counter() - started:.0f} s", flush=True)
        runs: dict[str, list[dict[str, Any]]] = {"file": [], "csv": []}
        for _ in range(args.repeat):
            for name, file in (("csv", csv), ("file", statement)):
                run = _ingest(url, work, project, file)
                assert run["rows"] == records, run
                runs[name].append(run)
                print(kind, name, run, flush=True)
                _sql(url, f"DELETE FROM record WHERE data_source_id = {run['source_id']}")
                _sql(url, f"DELETE FROM data_source WHERE id = {run['source_id']}")
                _sql(url, "VACUUM record")
        pair: dict[str, Any] = {"records": records}
        for name, file in (("csv", csv), ("file", statement)):
            seconds = [run["seconds"] for run in runs[name]]
            pair[name] = {
                "file_mb": file.stat().st_size / 1e6,
                "seconds": statistics.median(seconds),
                "cpu_s": statistics.median(run["cpu_s"] for run in runs[name]),
                "peak_rss_mb": max(run["peak_rss_mb"] for run in runs[name]),
                "runs": seconds,
                "loads": [run["load"] for run in runs[name]],
            }
        result["formats"][kind] = pair
        statement.unlink()
        csv.unlink()
    result["load"] = [load_start, load_average()]
    (HERE / "results.json").write_text(json.dumps({**result, "args": vars(args)}, indent=1))
    _report(result, args)


if __name__ == "__main__":
    main()
