"""Other writers during a large ingestion: login and project-create latency while `tally serve`
loads an uploaded CSV, against the same requests on the idle server (issue: one editor's upload
must not stall every tenant's writes).

    python -m bench.ingest.bench_writers --rows 1000000 [--backend sqlite postgresql] [--repeat 5]

A real `tally serve` (embedded task backend, so the same process ingests and answers) on a fresh
SQLite file, and on a fresh PostgreSQL database of TALLY_TEST_DATABASE_URL's server when that is
set (`scripts/bench writers` starts one). One user uploads the file through the API; another
tenant's user logs in and creates projects, each at a fixed rate (open loop), from before the
upload until the source is ready; `--via cli` loads with `tally ingest` in another process while
the server serves instead. Latencies are client-side wall times of whole HTTP requests.
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
from collections.abc import Awaitable, Callable
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
SAMPLES_LOG: Path | None = None  # --samples-log


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
        self.env = env = {
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
    """Another tenant's logins and project creates, each at its own fixed rate, open loop: every
    request starts on schedule whether or not the previous one answered, so a stalled server shows
    as long latencies instead of fewer samples."""

    def __init__(self, http: httpx.AsyncClient, token: str, rates: dict[str, float]) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}
        self.rates = rates
        self.samples: dict[str, list[float]] = {kind: [] for kind in rates}
        self.failures: list[int] = []
        self.count = 0
        self._running: set[asyncio.Task[None]] = set()

    async def one(self, kind: str) -> None:
        self.count += 1
        started = time.perf_counter()
        try:
            if kind == "login":
                response = await self.http.post(
                    "/api/v1/auth/login",
                    json={"email": "other@example.test", "password": PASSWORD},
                )
            else:
                response = await self.http.post(
                    "/api/v1/projects", json={"name": f"p{self.count}"}, headers=self.headers
                )
        except httpx.TransportError:  # the server dropped the connection: a failure, no sample
            self.failures.append(0)
            return
        elapsed = time.perf_counter() - started
        if response.status_code >= 300:
            self.failures.append(response.status_code)
        self.samples[kind].append(elapsed * 1000)
        if SAMPLES_LOG is not None:  # every sample as it comes: a run cut short still tells
            with SAMPLES_LOG.open("a") as out:
                out.write(f"{time.time():.3f} {kind} {response.status_code} {elapsed * 1000:.1f}\n")

    async def run_until(self, done: Callable[[], Awaitable[bool]]) -> None:
        """Issue requests on schedule until ``done()`` (polled every 0.5 s) says so; then wait
        for the requests still answering."""
        schedulers = [asyncio.create_task(self._schedule(kind)) for kind in self.rates]
        try:
            while not await done():
                await asyncio.sleep(0.5)
        finally:
            for scheduler in schedulers:
                scheduler.cancel()
            await asyncio.gather(*schedulers, return_exceptions=True)
            await asyncio.gather(*self._running)

    async def count_samples(self, per_kind: int) -> None:
        """Issue requests on schedule until every kind has ``per_kind`` answers."""

        async def enough() -> bool:
            return all(len(values) >= per_kind for values in self.samples.values())

        await self.run_until(enough)

    async def _schedule(self, kind: str) -> None:
        interval = 1 / self.rates[kind]
        next_at = time.perf_counter()
        while True:
            task = asyncio.create_task(self.one(kind))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def _one_run(
    server: _Server, file: Path, rows: int, rates: dict[str, float], via: str
) -> dict[str, Any]:
    base = server.base
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=_LIMITS) as http:
        owner = {"Authorization": f"Bearer {await _token(http, 'uploader@example.test')}"}
        token = await _token(http, "other@example.test")
        project = await http.post("/api/v1/projects", json={"name": "ledger"}, headers=owner)
        project_id = project.json()["id"]

        idle = _Writers(http, token, rates)
        await idle.count_samples(IDLE_SAMPLES)
        writers = _Writers(http, token, rates)
        started = time.perf_counter()
        loaded: _CliIngest | _UploadIngest
        if via == "cli":
            loaded = _CliIngest(server, file, project_id)
        else:
            loaded = _UploadIngest(base, file, project_id, owner)
        load_avgs: list[float] = []

        async def finished() -> bool:
            load_avgs.append(os.getloadavg()[0])
            return await loaded.finished()

        await writers.run_until(finished)
        seconds = time.perf_counter() - started
        source = await loaded.source(http, owner)
        assert source["status"] == "ready" and source["row_count"] == rows, source
        return {
            "via": via,
            "ingest_s": round(seconds, 2),
            "load_avg_1m_during": {
                "min": round(min(load_avgs), 2),
                "median": round(statistics.median(load_avgs), 2),
                "max": round(max(load_avgs), 2),
            },
            "idle": _summary(idle),
            "during": _summary(writers),
        }


_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50)


class _UploadIngest:
    """The file uploaded through the API; the server's embedded worker ingests it."""

    def __init__(self, base: str, file: Path, project_id: int, owner: dict[str, str]) -> None:
        self.base = base
        self.project_id = project_id
        self.owner_headers = owner
        self.uploading = asyncio.create_task(self._upload(file, owner))
        self.source_id: int | None = None

    async def _upload(self, file: Path, owner: dict[str, str]) -> int:
        """Upload as a user would: again after a 503's Retry-After (an overloaded machine)."""
        async with httpx.AsyncClient(base_url=self.base, timeout=600) as uploader:
            while True:
                with file.open("rb") as stream:
                    response = await uploader.post(
                        f"/api/v1/projects/{self.project_id}/data-sources",
                        files={"file": (file.name, stream, "text/csv")},
                        data={"name": "ledger"},
                        headers=owner,
                    )
                if response.status_code != 503:
                    break
                await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        response.raise_for_status()
        return int(response.json()["id"])

    async def finished(self) -> bool:
        if not self.uploading.done():
            return False
        self.source_id = self.uploading.result()
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as http:
            response = await http.get(
                f"/api/v1/projects/{self.project_id}/data-sources/{self.source_id}",
                headers=self.owner_headers,
            )
        if response.status_code != 200:  # a refused poll (counted nowhere): poll again
            return False
        return response.json()["status"] in ("ready", "failed")

    async def source(self, http: httpx.AsyncClient, owner: dict[str, str]) -> dict[str, Any]:
        response = await http.get(
            f"/api/v1/projects/{self.project_id}/data-sources/{self.source_id}", headers=owner
        )
        body: dict[str, Any] = response.json()
        return body


class _CliIngest:
    """`tally ingest FILE --project N` in a process of its own, beside the serving server."""

    def __init__(self, server: _Server, file: Path, project_id: int) -> None:
        self.project_id = project_id
        tally = str(Path(sys.executable).with_name("tally"))
        self.process = subprocess.Popen(
            [tally, "ingest", str(file), "--project", str(project_id), "--name", "ledger"],
            cwd=ROOT, env=server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    async def finished(self) -> bool:
        return self.process.poll() is not None

    async def source(self, http: httpx.AsyncClient, owner: dict[str, str]) -> dict[str, Any]:
        assert self.process.returncode == 0, self.process.returncode
        response = await http.get(f"/api/v1/projects/{self.project_id}/data-sources", headers=owner)
        listed = response.json()
        sources = listed["data"] if isinstance(listed, dict) else listed
        body: dict[str, Any] = sources[-1]
        return body


P99_MIN_SAMPLES = 1000  # fewer samples give a maximum, not a 99th percentile


def _p99(ordered: list[float]) -> float | None:
    if len(ordered) < P99_MIN_SAMPLES:
        return None
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)


def _summary(writers: _Writers) -> dict[str, Any]:
    out: dict[str, Any] = {"failures": writers.failures}
    for kind, values in writers.samples.items():
        ordered = sorted(values)
        out[kind] = {
            "n": len(ordered),
            "min_ms": round(ordered[0], 1),
            "median_ms": round(statistics.median(ordered), 1),
            "p99_ms": _p99(ordered),
            "max_ms": round(ordered[-1], 1),
            "samples_ms": [round(value, 1) for value in values],
        }
    return out


def _backend_runs(backend: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    file = DATA / f"transactions-{args.rows}.csv"
    if not file.exists():
        write_csv(file, args.rows)
    work = Path(tempfile.mkdtemp(prefix=f"tally-bench-writers-{backend}-"))
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{work / 'tally.db'}"
    else:
        url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_writers")
    asyncio.run(_seed_users(url, work))
    server = _Server(url, work)
    rates = {"login": args.login_rate, "project_create": args.create_rate}
    try:
        runs = []
        for index in range(args.repeat):
            run = asyncio.run(_one_run(server, file, args.rows, rates, args.via))
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
    parser.add_argument("--login-rate", type=float, default=5.0, help="logins per second")
    parser.add_argument("--create-rate", type=float, default=5.0, help="project creates per s")
    parser.add_argument(
        "--via",
        choices=("upload", "cli"),
        default="upload",
        help="upload: the server's embedded worker ingests an upload; cli: `tally ingest` in "
        "another process while the server serves",
    )
    parser.add_argument("--report", type=Path, default=HERE / "WRITERS.md")
    parser.add_argument("--samples-log", type=Path, help="append each sample to this file")
    args = parser.parse_args()
    global SAMPLES_LOG
    SAMPLES_LOG = args.samples_log
    backends = [
        b for b in args.backend if b == "sqlite" or os.environ.get("TALLY_TEST_DATABASE_URL")
    ]
    results = {b: _backend_runs(b, args) for b in backends}
    args.report.with_suffix(".json").write_text(json.dumps(results, indent=1))
    _report(results, args)


def _pooled(runs: list[dict[str, Any]], phase: str, kind: str, stat: str) -> str:
    values = [run[phase][kind][stat] for run in runs]
    if any(value is None for value in values):
        return f"n < {P99_MIN_SAMPLES}: see max"
    return f"{min(values)} / {statistics.median(values)} / {max(values)}"


def _all_samples(runs: list[dict[str, Any]], phase: str, kind: str) -> str:
    """min / median / p99 / max over every run's samples (p99 only from enough of them)."""
    ordered = sorted(value for run in runs for value in run[phase][kind]["samples_ms"])
    p99 = _p99(ordered)
    shown = f"{p99}" if p99 is not None else "(n too small)"
    return (
        f"{ordered[0]} / {round(statistics.median(ordered), 1)} / {shown} / {ordered[-1]} "
        f"(n={len(ordered)})"
    )


def _report(results: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    how = (
        "`tally ingest` in a process of its own loads"
        if args.via == "cli"
        else "a real `tally serve` (embedded tasks: the server that answers also ingests) loads an "
        "uploaded"
    )
    lines = [
        "# Other writers during a large ingestion",
        "",
        f"`python -m bench.ingest.bench_writers --rows {args.rows} --repeat {args.repeat} "
        f"--login-rate {args.login_rate:g} --create-rate {args.create_rate:g} --via {args.via} "
        f"--backend {' '.join(args.backend)}` ({when}; 1-minute load average at the end of each "
        "run in the JSON; the machine is shared by other work).",
        "",
        f"While {how} {args.rows:,}-row CSV, another tenant's user logs in "
        f"({args.login_rate:g}/s) and creates projects ({args.create_rate:g}/s), open loop (each "
        "request starts on schedule, answered or not), until the source is ready; `tally serve` "
        f"answers. Per-run cells: min / median / max over {args.repeat} runs (a per-run p99 needs "
        f">= {P99_MIN_SAMPLES} samples); the last column pools every run's samples. Idle: "
        f"{IDLE_SAMPLES} requests of each kind before the load. Login includes the password "
        "hash (argon2), the same in both phases.",
        "",
        "| backend | request | phase | per-run median ms | per-run p99 ms | per-run max ms | "
        "all runs: min / median / p99 / max ms | non-2xx |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for backend, runs in results.items():
        for kind in ("login", "project_create"):
            for phase in ("idle", "during"):
                failures = sum(len(run[phase]["failures"]) for run in runs)
                lines.append(
                    f"| {backend} | {kind} | {phase} | {_pooled(runs, phase, kind, 'median_ms')} "
                    f"| {_pooled(runs, phase, kind, 'p99_ms')} "
                    f"| {_pooled(runs, phase, kind, 'max_ms')} "
                    f"| {_all_samples(runs, phase, kind)} | {failures} |"
                )
        seconds = [run["ingest_s"] for run in runs]
        loads = [run["load_avg_1m_during"] for run in runs]
        lines.append(
            f"| {backend} | ingest s | | {min(seconds)} / {statistics.median(seconds)} / "
            f"{max(seconds)} | | | 1-min load average during: "
            f"{min(load['min'] for load in loads)}-{max(load['max'] for load in loads)} | |"
        )
    lines.append("")
    args.report.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
