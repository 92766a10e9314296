"""Other writers during a large ingestion: login and project-create latency while `tally serve`
loads an uploaded CSV, against the same requests on the idle server (issue: one editor's upload
must not stall every tenant's writes).

    python -m bench.ingest.bench_writers --rows 1000000 [--backend sqlite postgresql] [--repeat 5]

A real `tally serve` (embedded task backend, so the same process ingests and answers) on a fresh
SQLite file, and on a fresh PostgreSQL database of TALLY_TEST_DATABASE_URL's server when that is
set (`scripts/bench writers` starts one). One user uploads the file through the API; another
tenant's user logs in and creates a project, alternately, one request every 1/--rate s, from before
the upload until the source is ready. Latencies are client-side wall times of whole HTTP requests.
Writes bench/ingest/WRITERS.md (and .json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench._common import fresh_database
from bench.synthetic_csv import write_csv
from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.migrate import upgrade_database
from tally.users.schemas import UserCreate
from tally.users.service import UserService

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE.parent / "data"
PASSWORD = "bench password"
IDLE_SAMPLES = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _seed_users(url: str, data_dir: Path) -> None:
    await upgrade_database(url)
    database = Database(Settings(TALLY_ENV="production", TALLY_DATA_DIR=data_dir), url=url)
    try:

        async def seed(session):  # type: ignore[no-untyped-def]
            service = UserService(session)
            for email in ("uploader@example.test", "other@example.test"):
                await service.create_user(UserCreate(email=email, password=PASSWORD))

        await run_in_transaction(database, seed)
    finally:
        await database.dispose()


class _Server:
    """`tally serve` as a user starts it, on its own port and data directory."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (data_dir / "serve.log").open("wb")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TALLY_DATA_DIR": str(data_dir),
            "TALLY_ENV": "production",
            "TALLY_TASK_BACKEND": "embedded",
            "TALLY_LOG_LEVEL": "WARNING",
        }
        tally = str(Path(sys.executable).with_name("tally"))
        self.process = subprocess.Popen(
            [tally, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tally serve exited; see {data_dir / 'serve.log'}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("tally serve did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


async def _token(http: httpx.AsyncClient, email: str) -> str:
    response = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])


class _Writers:
    """Alternate a login and a project create of another tenant at a fixed rate; keep latencies."""

    def __init__(self, http: httpx.AsyncClient, token: str, rate: float) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}
        self.interval = 1 / rate
        self.samples: dict[str, list[float]] = {"login": [], "project_create": []}
        self.failures: list[int] = []
        self.count = 0

    async def one(self) -> None:
        self.count += 1
        started = time.perf_counter()
        if self.count % 2:
            kind = "login"
            response = await self.http.post(
                "/api/v1/auth/login", json={"email": "other@example.test", "password": PASSWORD}
            )
        else:
            kind = "project_create"
            response = await self.http.post(
                "/api/v1/projects", json={"name": f"p{self.count}"}, headers=self.headers
            )
        elapsed = time.perf_counter() - started
        if response.status_code >= 300:
            self.failures.append(response.status_code)
        self.samples[kind].append(elapsed * 1000)
        await asyncio.sleep(max(0.0, self.interval - elapsed))


async def _one_run(base: str, file: Path, rows: int, rate: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        owner = {"Authorization": f"Bearer {await _token(http, 'uploader@example.test')}"}
        writers = _Writers(http, await _token(http, "other@example.test"), rate)
        project = await http.post("/api/v1/projects", json={"name": "ledger"}, headers=owner)
        project_id = project.json()["id"]

        idle = _Writers(writers.http, "", rate)
        idle.headers = writers.headers
        for _ in range(IDLE_SAMPLES):
            await idle.one()

        async def upload() -> dict[str, Any]:
            async with httpx.AsyncClient(base_url=base, timeout=600) as uploader:
                with file.open("rb") as stream:
                    response = await uploader.post(
                        f"/api/v1/projects/{project_id}/data-sources",
                        files={"file": (file.name, stream, "text/csv")},
                        data={"name": "ledger"},
                        headers=owner,
                    )
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return body

        started = time.perf_counter()
        uploading = asyncio.create_task(upload())
        source: dict[str, Any] | None = None
        while source is None or source["status"] not in ("ready", "failed"):
            await writers.one()
            if uploading.done():
                source_id = uploading.result()["id"]
                response = await http.get(
                    f"/api/v1/projects/{project_id}/data-sources/{source_id}", headers=owner
                )
                source = response.json()
        seconds = time.perf_counter() - started
        assert source["status"] == "ready" and source["row_count"] == rows, source
        return {
            "upload_and_ingest_s": round(seconds, 2),
            "idle": _summary(idle),
            "during": _summary(writers),
        }


def _summary(writers: _Writers) -> dict[str, Any]:
    out: dict[str, Any] = {"failures": writers.failures}
    for kind, values in writers.samples.items():
        ordered = sorted(values)
        out[kind] = {
            "n": len(ordered),
            "min_ms": round(ordered[0], 1),
            "median_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "max_ms": round(ordered[-1], 1),
        }
    return out


def _backend_runs(backend: str, rows: int, repeat: int, rate: float) -> list[dict[str, Any]]:
    file = DATA / f"transactions-{rows}.csv"
    if not file.exists():
        write_csv(file, rows)
    work = Path(tempfile.mkdtemp(prefix=f"tally-bench-writers-{backend}-"))
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{work / 'tally.db'}"
    else:
        url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_writers")
    asyncio.run(_seed_users(url, work))
    server = _Server(url, work)
    try:
        runs = []
        for index in range(repeat):
            run = asyncio.run(_one_run(server.base, file, rows, rate))
            run["load_avg_1m"] = round(os.getloadavg()[0], 2)
            print(backend, index + 1, json.dumps(run), flush=True)
            runs.append(run)
        return runs
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rate", type=float, default=10.0, help="writer requests per second")
    parser.add_argument("--report", type=Path, default=HERE / "WRITERS.md")
    args = parser.parse_args()
    backends = [
        b for b in args.backend if b == "sqlite" or os.environ.get("TALLY_TEST_DATABASE_URL")
    ]
    results = {b: _backend_runs(b, args.rows, args.repeat, args.rate) for b in backends}
    args.report.with_suffix(".json").write_text(json.dumps(results, indent=1))
    _report(results, args)


def _pooled(runs: list[dict[str, Any]], phase: str, kind: str, stat: str) -> str:
    values = [run[phase][kind][stat] for run in runs]
    return f"{min(values)} / {statistics.median(values)} / {max(values)}"


def _report(results: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Other writers during a large ingestion",
        "",
        f"`python -m bench.ingest.bench_writers --rows {args.rows} --repeat {args.repeat} "
        f"--rate {args.rate:g} --backend {' '.join(args.backend)}` ({when}; 1-minute load average "
        "at the end of each run in the JSON; the machine is shared by other work).",
        "",
        "A real `tally serve` (embedded tasks: the server that answers also ingests) loads an "
        f"uploaded {args.rows:,}-row CSV; another tenant's user logs in and creates a project, "
        f"alternately, {args.rate:g} requests/s, until the source is ready. Each cell: min / median "
        f"/ max over {args.repeat} runs of the per-run statistic (idle: {IDLE_SAMPLES} requests "
        "before the upload). Login includes the password hash (argon2), the same on both phases.",
        "",
        "| backend | request | phase | per-run median ms | per-run p99 ms | per-run max ms | "
        "non-2xx |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, runs in results.items():
        for kind in ("login", "project_create"):
            for phase in ("idle", "during"):
                failures = sum(len(run[phase]["failures"]) for run in runs)
                lines.append(
                    f"| {backend} | {kind} | {phase} | {_pooled(runs, phase, kind, 'median_ms')} "
                    f"| {_pooled(runs, phase, kind, 'p99_ms')} "
                    f"| {_pooled(runs, phase, kind, 'max_ms')} | {failures} |"
                )
        seconds = [run["upload_and_ingest_s"] for run in runs]
        samples = [run["during"]["login"]["n"] for run in runs]
        lines.append(
            f"| {backend} | upload + ingest s | | {min(seconds)} / {statistics.median(seconds)} / "
            f"{max(seconds)} | logins sampled per run: {min(samples)}-{max(samples)} | | |"
        )
    lines.append("")
    args.report.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
