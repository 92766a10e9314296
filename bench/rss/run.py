"""Peak memory of the commands a user runs to ingest a CSV, each in its own process.

    python -m bench.rss.run [--rows 300000 1000000] [--repeat 1]

- `tally ingest FILE --project N` (the CLI), on PostgreSQL and on SQLite: peak RSS from
  `/usr/bin/time -f %M` (the kernel's high-water mark of that process alone);
- `tally worker` ingesting a file uploaded to `tally serve` (PostgreSQL, TALLY_TASK_BACKEND=
  procrastinate): the worker's VmHWM once the source is ready, and its VmRSS before the upload;
- `tally serve` on SQLite, whose embedded worker ingests the upload: the same two figures.

Target (the speed issue): < 300 MB for any size. Needs TALLY_TEST_DATABASE_URL (PostgreSQL;
`scripts/bench rss` starts one). Writes bench/rss/REPORT.md and bench/rss/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench._common import (
    fresh_database,
    load_average,
    server_settings,
    settings_text,
    write_results,
)
from bench.ingest.bench_ingest import _seed
from bench.ingest.bench_writers import _free_port
from bench.synthetic_csv import write_csv

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = ROOT / "bench" / "data"
TALLY = str(Path(sys.executable).with_name("tally"))
EMAIL, PASSWORD = "bench@example.test", "bench password"  # the user bench.ingest._seed creates
TARGET_MB = 300
WHAT_THE_PROCESSES_HOLD = """## What the processes hold (2026-12-07, measured by importing in a fresh interpreter)

The ingestion itself adds about 60-80 MB above the idle process (10k-row batches in flight,
`tally.sources.ingestion.BATCH_ROWS`); the rest is what the process imported before reading a
byte. RSS each import adds on top of the ones before it (`python -c` probes; `python -X importtime`
for who imports what): pyarrow 44 MB, polars 39 MB, SQLAlchemy 36 MB, FastAPI 32 MB, numpy 16 MB.
`tally serve` and `tally worker` had also imported scipy (45 MB, through `tally.matching`'s
assignment), openpyxl (10 MB, the XLSX exports) and procrastinate (12 MB, also on the embedded
backend) at start-up; those are now imported by what uses them (a job's matching, a workbook, the
procrastinate backend), which took the server's and the worker's idle RSS from 263-278 MB to about
215-227 MB (tests/cli/test_process_imports.py keeps them out). Next, if the embedded server must
stay under 300 MB at 1M rows: polars is imported by the app through the `tally.matching` package
and the results/reconciliations repositories, so it would have to become a per-use import too.
"""
Measure = Callable[[str, Path, int, Path], dict[str, Any]]


def _env(url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "TALLY_DATA_DIR": str(data_dir),
        "TALLY_ENV": "production",
        "TALLY_LOG_LEVEL": "WARNING",
        **extra,
    }


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} for process {pid}")


def cli_ingest(url: str, data_dir: Path, project: int, file: Path) -> dict[str, Any]:
    """`tally ingest` under /usr/bin/time: its own peak RSS and wall time."""
    started = time.perf_counter()
    out = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "peak_kb=%M",
            TALLY,
            "ingest",
            str(file),
            "--project",
            str(project),
        ],
        env=_env(url, data_dir, COLUMNS="200"),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if out.returncode != 0 or " ready: " not in out.stdout + out.stderr:
        raise RuntimeError(f"tally ingest failed: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    peak_kb = int(out.stderr.rsplit("peak_kb=", 1)[1].split()[0])
    return {"peak_rss_mb": round(peak_kb / 1024, 1), "seconds": round(seconds, 2)}


class _Process:
    """A long-running `tally` command (serve or worker) with its log in the data directory."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], data_dir: Path) -> None:
        self.log = (data_dir / f"{name}.log").open("wb")
        self.process = subprocess.Popen(
            [TALLY, *args], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def rss_mb(self) -> float:
        return _status_mb(self.process.pid, "VmRSS:")

    def peak_mb(self) -> float:
        return _status_mb(self.process.pid, "VmHWM:")

    def reset_peak(self) -> float:
        """Start the high-water mark again from the current RSS (Linux >= 4.0); the peak so far."""
        before = self.peak_mb()
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
        return before

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _serve(env: dict[str, str], data_dir: Path) -> tuple[_Process, str]:
    port = _free_port()
    server = _Process("serve", ["serve", "--host", "127.0.0.1", "--port", str(port)], env, data_dir)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"tally serve exited; see {data_dir / 'serve.log'}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError("tally serve did not start")


def _upload_and_wait(base: str, project: int, file: Path, logged_in: Callable[[], None]) -> float:
    """Upload as a user does and poll the source until it is ready; seconds from upload start.
    ``logged_in`` runs between the login and the upload."""
    with httpx.Client(base_url=base, timeout=600) as http:
        token = http.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        logged_in()
        started = time.perf_counter()
        with file.open("rb") as stream:
            response = http.post(
                f"/api/v1/projects/{project}/data-sources",
                files={"file": (file.name, stream, "text/csv")},
                data={"name": file.stem},
                headers=headers,
            )
        response.raise_for_status()
        source = response.json()["id"]
        while True:
            body = http.get(f"/api/v1/projects/{project}/data-sources/{source}", headers=headers)
            body.raise_for_status()
            state = body.json()
            if state["status"] == "ready":
                return time.perf_counter() - started
            if state["status"] == "failed":
                raise RuntimeError(f"ingestion failed: {state}")
            time.sleep(0.25)


def worker_ingest(url: str, data_dir: Path, project: int, file: Path) -> dict[str, Any]:
    """An upload to `tally serve` (procrastinate backend) that a fresh `tally worker` ingests."""
    env = _env(url, data_dir, TALLY_TASK_BACKEND="procrastinate")
    worker = _Process("worker", ["worker"], env, data_dir)
    server, base = _serve(env, data_dir)
    try:
        time.sleep(2)  # the worker has imported its task modules and listens
        idle = worker.rss_mb()
        seconds = _upload_and_wait(base, project, file, server.reset_peak)
        return {
            "idle_rss_mb": idle,
            "peak_rss_mb": worker.peak_mb(),
            "serve_peak_rss_mb": server.peak_mb(),
            "seconds": round(seconds, 2),
        }
    finally:
        server.stop()
        worker.stop()


def embedded_ingest(url: str, data_dir: Path, project: int, file: Path) -> dict[str, Any]:
    """An upload to `tally serve` on SQLite, ingested by the server's embedded worker."""
    server, base = _serve(_env(url, data_dir, TALLY_TASK_BACKEND="embedded"), data_dir)
    try:
        idle = server.rss_mb()
        login: dict[str, float] = {}

        def logged_in() -> None:
            login["peak"] = server.reset_peak()

        seconds = _upload_and_wait(base, project, file, logged_in)
        return {
            "idle_rss_mb": idle,
            "peak_rss_mb": server.peak_mb(),
            "login_peak_rss_mb": login["peak"],
            "seconds": round(seconds, 2),
        }
    finally:
        server.stop()


def _sqlite(work: Path, label: str) -> tuple[str, Path, int]:
    data_dir = work / label
    data_dir.mkdir()
    url = f"sqlite+aiosqlite:///{data_dir / 'tally.db'}"
    return url, data_dir, asyncio.run(_seed(url, data_dir))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[300_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--report", type=Path, default=HERE / "REPORT.md")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite the report from its results.json"
    )
    args = parser.parse_args()
    if args.render:
        stored = json.loads(args.report.with_name("results.json").read_text())
        sizes = list(dict.fromkeys(run["rows"] for run in stored["runs"]))
        _report(args.report, stored["command"], stored["settings"], stored["runs"], sizes)
        return
    pg_url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_rss")
    work = Path(tempfile.mkdtemp(prefix="tally-bench-rss-"))
    pg_dir = work / "pg"
    pg_dir.mkdir()
    pg_project = asyncio.run(_seed(pg_url, pg_dir))
    runs: list[dict[str, Any]] = []
    for rows in args.rows:
        file = DATA / f"transactions-{rows}.csv"
        if not file.exists():
            write_csv(file, rows)
        for attempt in range(args.repeat):
            sqlite_url, sqlite_dir, sqlite_project = _sqlite(work, f"sqlite-{rows}-{attempt}")
            cases: list[tuple[str, Measure, tuple[str, Path, int]]] = [
                ("tally ingest (PostgreSQL)", cli_ingest, (pg_url, pg_dir, pg_project)),
                ("tally worker (PostgreSQL, procrastinate)", worker_ingest, (pg_url, pg_dir, pg_project)),
                ("tally ingest (SQLite)", cli_ingest, (sqlite_url, sqlite_dir, sqlite_project)),
                ("tally serve, embedded worker (SQLite)", embedded_ingest, (sqlite_url, sqlite_dir, sqlite_project)),
            ]  # fmt: skip
            for command, measure, (url, data_dir, project) in cases:
                load = load_average()
                run = {"command": command, "rows": rows, "load_average_1m": load}
                run.update(measure(url, data_dir, project, file))
                runs.append(run)
                print(run, flush=True)
    settings = {"postgresql": server_settings(pg_url), "sqlite": server_settings("sqlite")}
    command = f"python -m bench.rss.run {' '.join(sys.argv[1:])}".strip()
    write_results(
        args.report.with_name("results.json"), command=command, settings=settings, runs=runs
    )
    _report(args.report, command, settings, runs, args.rows)


def _report(
    path: Path,
    command: str,
    settings: dict[str, dict[str, Any]],
    runs: list[dict[str, Any]],
    sizes: list[int],
) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Peak memory of the commands that ingest a CSV",
        "",
        f"`{command}` (through `scripts/bench rss`), {when}. Each command is a fresh process, as a "
        "user starts it; the synthetic CSV of bench/synthetic_csv.py (about 100 bytes a row). "
        f"Server: {settings_text(settings['postgresql'])}; {settings_text(settings['sqlite'])}. "
        f"Target: < {TARGET_MB} MB for any size. Peak = the kernel's high-water RSS of that one "
        "process (`/usr/bin/time -f %M` for the CLI, VmHWM for the long-running ones); idle = "
        "its RSS before the upload. Load = the 1-minute load average as the run started (2 cores, "
        "shared).",
        "",
        "| command | "
        + " | ".join(f"{rows:,} rows: peak (idle), seconds, load" for rows in sizes)
        + " | under target |",
        "|---|" + "---|" * (len(sizes) + 1),
    ]
    for command_name in dict.fromkeys(run["command"] for run in runs):
        cells, worst = [], 0.0
        for rows in sizes:
            mine = [r for r in runs if r["command"] == command_name and r["rows"] == rows]
            peak = max(r["peak_rss_mb"] for r in mine)
            worst = max(worst, peak)
            idle = (
                f" ({max(r['idle_rss_mb'] for r in mine)} MB)" if "idle_rss_mb" in mine[0] else ""
            )
            seconds = ", ".join(f"{r['seconds']}" for r in mine)
            loads = ", ".join(f"{r['load_average_1m']}" for r in mine)
            cells.append(f"**{peak} MB**{idle}, {seconds} s, load {loads}")
        verdict = "yes" if worst < TARGET_MB else f"**no** ({worst} MB)"
        lines.append(f"| `{command_name}` | " + " | ".join(cells) + f" | {verdict} |")
    logins = [r["login_peak_rss_mb"] for r in runs if "login_peak_rss_mb" in r]
    if logins:
        lines += [
            "",
            "The long-running processes' peak is the ingestion's: their high-water mark is reset "
            "(`/proc/PID/clear_refs`) after the user logs in, because a login's argon2 "
            "verification takes 64 MiB for a moment (`tally serve` peaked at "
            f"{min(logins)}-{max(logins)} MB through the login alone; TALLY_PASSWORD_THREADS "
            "bounds how many run at once). `tally worker` never verifies a password.",
        ]
    lines += ["", "Raw runs: results.json beside this file.", "", WHAT_THE_PROCESSES_HOLD]
    path.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
