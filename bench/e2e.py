"""From two files to reviewable results, as a user runs it, against an analyst's DuckDB query.

    python -m bench.e2e [--rows 1000000] [--backend sqlite postgresql] [--repeat 1]

Generates a ledger and its bank export (tally.matching.synthetic.generate_mixed: keyed pairs,
pairs without reference, late ones, noise; about 100 bytes a row) as CSV files, then per backend:
`tally ingest` of each file and `tally reconcile --wait` (which also indexes the results, as the
job's task does) as separate commands, then `tally serve` answering the first page of each result
tab and streaming the CSV export through the API. DuckDB runs the same two rules as SQL over the
two files (bench.jobs.bench_job.DUCKDB_SQL, reading the CSVs included). PostgreSQL needs
TALLY_TEST_DATABASE_URL (`scripts/bench e2e` starts one, durable unless `--not-durable`).
Writes bench/e2e.md (and .json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx
import polars as pl

from bench._common import (
    fresh_database,
    load_average,
    server_settings,
    settings_text,
    write_results,
)
from bench.ingest.bench_ingest import _seed
from bench.ingest.bench_writers import PASSWORD, _Server
from bench.jobs.bench_job import DUCKDB_SQL
from tally.matching.synthetic import generate_mixed

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
EMAIL = "bench@example.test"  # the user bench.ingest.bench_ingest._seed creates
PAGES = (
    "/matches?tab=matched",
    "/matches?tab=review",
    "/matches?tab=discrepancies",
    "/records?tab=unmatched_left",
    "/records?tab=unmatched_right",
)


def write_files(rows: int) -> tuple[Path, Path, Path]:
    """The ledger, the bank export and the rules, generated once per size."""
    DATA.mkdir(exist_ok=True)
    ledger, bank = DATA / f"e2e-ledger-{rows}.csv", DATA / f"e2e-bank-{rows}.csv"
    rules = DATA / f"e2e-rules-{rows}.json"
    if ledger.exists() and bank.exists() and rules.exists():
        return ledger, bank, rules
    scenario = generate_mixed(rows, seed=7)
    for frame, path in ((scenario.left, ledger), (scenario.right, bank)):
        frame.select(
            pl.col("booking_date").dt.strftime("%Y-%m-%d").alias("Date"),
            pl.col("reference").alias("Reference"),
            _amount_text(pl.col("amount")).alias("Amount"),
            pl.col("currency").alias("Currency"),
            pl.col("description").alias("Description"),
            pl.col("counterparty").alias("Counterparty"),
        ).write_csv(path)
    rules.write_text(scenario.rule_set.model_dump_json())
    return ledger, bank, rules


def _amount_text(units: pl.Expr) -> pl.Expr:
    """Integer units of 1/10,000 as a plain decimal with two places (the generator's cents)."""
    cents = units // 100
    return pl.concat_str(
        pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (cents.abs() // 100).cast(pl.String),
        pl.lit("."),
        (cents.abs() % 100).cast(pl.String).str.zfill(2),
    )


def duckdb_seconds(ledger: Path, bank: Path) -> tuple[float, int]:
    """The analyst's query over the two files, reading them included."""
    started = time.perf_counter()
    connection = duckdb.connect()
    for table, path in (("left_side", ledger), ("right_side", bank)):
        connection.execute(
            f"CREATE TABLE {table} AS SELECT row_number() OVER () AS id, Reference AS reference, "
            f"CAST(round(Amount * 10000) AS BIGINT) AS amount, Date AS booking_date "
            f"FROM read_csv('{path}', header = true, types = {{'Reference': 'VARCHAR'}})"
        )
    (matched,) = connection.execute(DUCKDB_SQL).fetchone()  # type: ignore[misc]
    return time.perf_counter() - started, int(matched)


def _tally(env: dict[str, str], *args: str) -> tuple[float, str]:
    tally = str(Path(sys.executable).with_name("tally"))
    started = time.perf_counter()
    out = subprocess.run(
        [tally, *args], env=env, capture_output=True, text=True, check=False, cwd=HERE.parent
    )
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"tally {' '.join(args)}: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    return seconds, out.stdout + out.stderr


def one_run(backend: str, rows: int, files: tuple[Path, Path, Path]) -> dict[str, Any]:
    ledger, bank, rules = files
    work = Path(tempfile.mkdtemp(prefix=f"tally-e2e-{backend}-"))
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{work / 'tally.db'}"
    else:
        url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_e2e")
    project = asyncio.run(_seed(url, work))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TALLY_DATA_DIR": str(work),
        "TALLY_ENV": "production",
        "TALLY_LOG_LEVEL": "WARNING",
        "COLUMNS": "200",
    }
    steps: dict[str, float] = {}
    source_ids = []
    for label, path in (("ingest ledger", ledger), ("ingest bank", bank)):
        steps[label], out = _tally(env, "ingest", str(path), "--project", str(project))
        found = re.search(r"Data source (\d+) ready: (\d+) records", out)
        assert found is not None, out
        source_ids.append(int(found.group(1)))
    steps["reconcile --wait"], out = _tally(
        env,
        "reconcile",
        "--project",
        str(project),
        "--left",
        str(source_ids[0]),
        "--right",
        str(source_ids[1]),
        "--rules",
        str(rules),
        "--wait",
    )
    found_job = re.search(r"Job (\d+) completed", out)
    assert found_job is not None, out
    job = int(found_job.group(1))
    server = _Server(url, work)
    try:
        with httpx.Client(base_url=server.base, timeout=600) as http:
            token = http.post(
                "/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            base = f"/api/v1/projects/{project}/jobs/{job}"
            started = time.perf_counter()
            for page in PAGES:
                response = http.get(base + page, headers=headers)
                response.raise_for_status()
            steps["results pages (5 tabs, first page)"] = time.perf_counter() - started
            started = time.perf_counter()
            size = 0
            with http.stream("GET", base + "/export?format=csv", headers=headers) as response:
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    size += len(chunk)
            steps["CSV export (all tabs)"] = time.perf_counter() - started
    finally:
        server.stop()
    return {"steps": steps, "export_mb": round(size / 1e6, 1), "job_summary": out.strip()[-300:]}


def _admin_url(backend: str) -> str:
    return "sqlite" if backend == "sqlite" else os.environ["TALLY_TEST_DATABASE_URL"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--report", type=Path, default=HERE / "e2e.md")
    parser.add_argument(
        "--resume", action="store_true", help="keep the finished runs of the report's JSON"
    )
    args = parser.parse_args()
    files = write_files(args.rows)
    duck = [duckdb_seconds(files[0], files[1]) for _ in range(max(args.repeat, 3))]
    duck_s = statistics.median(seconds for seconds, _ in duck)
    print(f"duckdb {duck_s:.2f} s, {duck[0][1]} pairs", flush=True)
    backends = [
        b for b in args.backend if b == "sqlite" or os.environ.get("TALLY_TEST_DATABASE_URL")
    ]
    settings = {backend: server_settings(_admin_url(backend)) for backend in backends}
    results: dict[str, list[dict[str, Any]]] = {backend: [] for backend in backends}
    stored = args.report.with_suffix(".json")
    if args.resume and stored.exists():
        for backend, runs in json.loads(stored.read_text())["runs"].items():
            results[backend] = runs
    # Backends take turns (until each has --repeat runs) and the report is rewritten after every run, so a run cut short (the
    # machine is shared) still leaves every finished run reported, with its count.
    for _ in range(args.repeat):
        for backend in sorted(backends, key=lambda b: len(results[b])):
            if len(results[backend]) >= args.repeat:
                continue
            load = load_average()
            run = one_run(backend, args.rows, files)
            run["load_average_1m"] = load
            print(backend, json.dumps(run), flush=True)
            results[backend].append(run)
            write_results(
                args.report.with_suffix(".json"),
                command=f"python -m bench.e2e {' '.join(sys.argv[1:])}".strip(),
                settings=settings,
                duckdb_s=duck_s,
                runs=results,
            )
            _report(args, files, duck_s, results, settings)


def _report(
    args: argparse.Namespace,
    files: tuple[Path, Path, Path],
    duck_s: float,
    results: dict[str, list[dict[str, Any]]],
    settings: dict[str, Any],
) -> None:
    results = {backend: runs for backend, runs in results.items() if runs}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    sizes = " / ".join(f"{path.stat().st_size / 1e6:.0f} MB" for path in files[:2])
    lines = [
        "# From two files to reviewable results",
        "",
        f"`python -m bench.e2e --rows {args.rows} --repeat {args.repeat} --backend "
        f"{' '.join(args.backend)}` ({when}; {args.rows:,} ledger rows and their bank export, "
        f"{sizes}; the machine is shared: 1-minute load average as each run started in the JSON). "
        f"Servers: {'; '.join(settings_text(s) for s in settings.values())}. "
        f"DuckDB over the same files: {duck_s:.2f} s (median). Cells: min / median / max s of "
        f"the runs; `reconcile --wait` is the whole job task (job, result writing, "
        "index_results) through the CLI, its start-up included.",
        "",
        "| step | " + " | ".join(results) + " |",
        "|---|" + "---|" * len(results),
    ]
    step_names = list(next(iter(results.values()))[0]["steps"]) if results else []
    lines.append("| runs | " + " | ".join(str(len(runs)) for runs in results.values()) + " |")
    for step in step_names:
        cells = []
        for runs in results.values():
            values = [run["steps"][step] for run in runs]
            cells.append(f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}")
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    loads = [
        f"{min(r['load_average_1m'] for r in runs)}-{max(r['load_average_1m'] for r in runs)}"
        for runs in results.values()
    ]
    lines.append("| load average (1 min) | " + " | ".join(loads) + " |")
    totals = []
    for runs in results.values():
        total = statistics.median(sum(run["steps"].values()) for run in runs)
        reviewable = statistics.median(
            sum(v for k, v in run["steps"].items() if not k.startswith("CSV export"))
            for run in runs
        )
        totals.append(
            f"{reviewable:.1f} s = {reviewable / duck_s:.1f}x DuckDB "
            f"(with the export {total:.1f} s)"
        )
    lines += [
        "| files to reviewable results | " + " | ".join(totals) + " |",
        "",
    ]
    args.report.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
