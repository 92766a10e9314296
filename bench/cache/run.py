"""Cache benchmark: a real uvicorn server, the six reads under a Zipf key distribution with 5%
writes, cache off vs on; and the cached-read throughput as a ratio to a FastAPI endpoint returning
the same bytes on the same server. Loopback only, bounded (32 connections, a few seconds a run).

    source /tmp/tally-dev.env   # or: eval "$(scripts/services.sh start DIR)"
    .venv/bin/python -m bench.cache.run [--quick] [--report bench/cache/REPORT.md]

It creates (and drops) a database ``tally_bench_cache`` on TALLY_TEST_DATABASE_URL's server and
starts its own redis-server on a free port. Figures are medians of repeated runs; every ratio is
taken within one server's run, windows alternating.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psycopg
import uvloop
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from bench.cache.load import Request, Result, http_request, percentile, run_load
from tally.kit.migrate import upgrade_database
from tally.kit.security import new_token
from tally.models import (
    ApiToken,
    DataSource,
    Project,
    ProjectCounter,
    ProjectMember,
    ProjectStats,
    ReconciliationJob,
    User,
)

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "tally_bench_cache"
CONNECTIONS = 32
USERS, PROJECTS, MEMBERS_PER_PROJECT = 300, 1000, 3
ZIPF_S = 1.1
WRITE_SHARE = 0.05
# The six reads, by share of the read traffic.
READ_MIX = {
    "get_project": 0.25,
    "get_projects": 0.20,
    "get_project_stats": 0.15,
    "get_reconciliation_jobs": 0.15,
    "get_project_data_sources": 0.15,
    "get_users": 0.10,
}
# A job's rules as the API validates them on the way out (one rule at least).
RULES = {"rules": [{"name": "ref", "conditions": [{"type": "equals", "field": "reference"}]}]}
RESPONSE_FAMILIES = ("projects_page", "project", "jobs", "data_sources", "stats", "users_page")


@dataclass
class World:
    admin_token: str
    tokens: dict[int, str]  # user id -> token
    members: dict[int, list[int]]  # project id -> member ids (owner first)
    project_ids: list[int]
    user_ids: list[int]


# --- services -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def create_database(admin_url: str, name: str = DATABASE) -> str:
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, name: str = DATABASE) -> None:
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Redis:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="tally-bench-redis-")
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", self.directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def _python_path() -> str:
    """The repository first, then whatever PYTHONPATH the benchmark itself runs with."""
    return os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Server:
    """One uvicorn worker serving bench.cache.app, as `tally serve` would (uvloop, httptools)."""

    def __init__(
        self, env: dict[str, str], log: Path, app: str = "bench.cache.app:create_bench_app"
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--loop", "uvloop",
             "--http", "httptools", "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": _python_path(), **env},
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 180  # a loaded machine imports the app slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {log}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# --- data ---------------------------------------------------------------------------------------
async def seed(url: str, rng: np.random.Generator) -> World:
    await upgrade_database(url)
    engine = create_async_engine(url)
    now = datetime.now(UTC)
    tokens: dict[int, str] = {}
    token_rows = []
    async with engine.begin() as connection:
        users = [
            {"id": i, "email": f"user{i}@bench.test", "password_hash": "x", "role": "member",
             "is_active": True, "created_at": now}
            for i in range(1, USERS + 1)
        ]  # fmt: skip
        users.append({"id": USERS + 1, "email": "admin@bench.test", "password_hash": "x",
                      "role": "admin", "is_active": True, "created_at": now})  # fmt: skip
        await connection.execute(insert(User), users)
        for user in users:
            token, digest = new_token()
            tokens[user["id"]] = token
            token_rows.append({"token_hash": digest, "user_id": user["id"], "name": "bench",
                               "created_at": now, "expires_at": now + timedelta(days=1)})  # fmt: skip
        await connection.execute(insert(ApiToken), token_rows)

        members: dict[int, list[int]] = {}
        projects, member_rows, sources, jobs, stats = [], [], [], [], []
        for project_id in range(1, PROJECTS + 1):
            owner = int(rng.integers(1, USERS + 1))
            others = [
                int(u)
                for u in rng.choice(np.arange(1, USERS + 1), MEMBERS_PER_PROJECT, replace=False)
                if u != owner
            ][: MEMBERS_PER_PROJECT - 1]
            members[project_id] = [owner, *others]
            projects.append({"id": project_id, "name": f"Project {project_id}", "owner_id": owner,
                             "description": "bank vs ledger", "created_at": now, "updated_at": now})  # fmt: skip
            member_rows.append(
                {"project_id": project_id, "user_id": owner, "role": "owner", "created_at": now}
            )
            member_rows += [
                {"project_id": project_id, "user_id": u, "role": "editor", "created_at": now}
                for u in others
            ]
            for side in (0, 1):
                sources.append({"id": 2 * project_id - 1 + side, "project_id": project_id,
                                "name": ("bank", "ledger")[side], "file_name": "export.csv",
                                "status": "ready", "row_count": int(rng.integers(100, 100_000)),
                                "created_at": now, "updated_at": now})  # fmt: skip
            for number in (1, 2, 3):
                jobs.append({"project_id": project_id, "number": number,
                             "left_source_id": 2 * project_id - 1,
                             "right_source_id": 2 * project_id, "rules": RULES,
                             "status": "completed", "progress": 1.0, "created_at": now,
                             # Indexed (there are no results): otherwise every server started
                             # re-queues the indexing of all 3,000 jobs and runs it while measured.
                             "finished_at": now, "results_indexed_at": now})  # fmt: skip
            stats.append({"project_id": project_id, "matched_count": 900, "unmatched_count": 100,
                          "matched_amount": 123_450_000, "unmatched_amount": 9_990_000,
                          "match_rate": 0.9, "computed_at": now})  # fmt: skip
        await connection.execute(insert(Project), projects)
        await connection.execute(insert(ProjectMember), member_rows)
        await connection.execute(insert(DataSource), sources)
        await connection.execute(insert(ReconciliationJob), jobs)
        await connection.execute(insert(ProjectStats), stats)
        await connection.execute(
            insert(ProjectCounter),
            [
                {"project_id": p["id"], "last_job_number": 3, "last_match_number": 0}
                for p in projects
            ],
        )
    await engine.dispose()
    return World(
        admin_token=tokens[USERS + 1],
        tokens=tokens,
        members=members,
        project_ids=list(range(1, PROJECTS + 1)),
        user_ids=list(range(1, USERS + 1)),
    )


def zipf_sampler(n: int, rng: np.random.Generator) -> Any:
    weights = 1.0 / np.arange(1, n + 1) ** ZIPF_S
    order = rng.permutation(n)  # hot keys spread over the id space

    def sample(size: int) -> np.ndarray:
        return order[rng.choice(n, size=size, p=weights / weights.sum())]

    return sample


def mixed_requests(world: World, rng: np.random.Generator, size: int = 100_000) -> list[Request]:
    def auth(user_id: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {world.tokens[user_id]}"}

    projects = zipf_sampler(len(world.project_ids), rng)(size)
    users = zipf_sampler(len(world.user_ids), rng)(size)
    pages = zipf_sampler(5, rng)(size)
    kinds = rng.choice(
        [*READ_MIX, "write"],
        size=size,
        p=[s * (1 - WRITE_SHARE) for s in READ_MIX.values()] + [WRITE_SHARE],
    )
    admin = {"Authorization": f"Bearer {world.admin_token}"}
    out = []
    for i in range(size):
        project = world.project_ids[projects[i]]
        member = world.members[project][i % len(world.members[project])]
        kind = str(kinds[i])
        base = f"/api/v1/projects/{project}"
        if kind == "write":
            body = json.dumps({"description": f"edited {i}"}).encode()
            raw = http_request("PATCH", base, auth(world.members[project][0]), body)
        elif kind == "get_projects":
            raw = http_request(
                "GET", f"/api/v1/projects?page={1 + pages[i] % 2}", auth(world.user_ids[users[i]])
            )
        elif kind == "get_users":
            raw = http_request("GET", f"/api/v1/users?page={1 + pages[i]}&per_page=20", admin)
        else:
            suffix = {"get_project": "", "get_project_stats": "/stats", "get_reconciliation_jobs": "/jobs",
                      "get_project_data_sources": "/data-sources"}[kind]  # fmt: skip
            raw = http_request("GET", base + suffix, auth(member))
        out.append(Request(kind, raw))
    return out


# --- measuring ----------------------------------------------------------------------------------
def server_counters(server: Server, admin_token: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {admin_token}"}
    metrics = httpx.get(f"{server.base}/metrics", headers=headers, timeout=10).text
    statements = {
        kind: float(value)
        for kind, value in re.findall(
            r'tally_db_statements_total\{kind="(\w+)"\} ([0-9.e+]+)', metrics
        )
    }
    stats = httpx.get(f"{server.base}/admin/cache/stats", headers=headers, timeout=10).json()
    return {"statements": statements, "families": stats.get("families", {}), "stats": stats}


def family_sum(counters: dict[str, Any], families: tuple[str, ...], field: str) -> int:
    return sum(int(counters["families"].get(family, {}).get(field, 0)) for family in families)


async def measure_mixed(
    server: Server, world: World, requests: list[Request], seconds: float
) -> dict[str, Any]:
    before = server_counters(server, world.admin_token)
    result = await run_load(
        "127.0.0.1", server.port, requests, connections=CONNECTIONS, seconds=seconds
    )
    after = server_counters(server, world.admin_token)
    reads = len(result.kinds("get_"))
    writes = len(result.kinds("write"))

    def delta_statements(kind: str) -> float:
        return after["statements"].get(kind, 0) - before["statements"].get(kind, 0)

    def delta(families: tuple[str, ...], field: str) -> int:
        return family_sum(after, families, field) - family_sum(before, families, field)

    hits, misses = delta(RESPONSE_FAMILIES, "hits"), delta(RESPONSE_FAMILIES, "misses")
    bypassed = delta(RESPONSE_FAMILIES, "bypassed")
    auth = ("principal", "access")
    auth_hits = delta(auth, "hits")
    auth_lookups = auth_hits + delta(auth, "misses") + delta(auth, "bypassed")
    read_latencies = result.kinds("get_")
    misses_per_1000_reads = {
        family: round(1000 * delta((family,), "misses") / max(reads, 1), 1)
        for family in (*RESPONSE_FAMILIES, *auth)
    }
    return {
        "misses_per_1000_reads": misses_per_1000_reads,
        "requests": result.count,
        "errors": result.errors(),
        "rps": result.count / result.duration_s,
        "read_p50_ms": percentile(read_latencies, 0.50),
        "read_p99_ms": percentile(read_latencies, 0.99),
        "write_p50_ms": percentile(result.kinds("write"), 0.50),
        "statements_per_read": delta_statements("read") / reads if reads else None,
        "statements_per_write": delta_statements("write") / writes if writes else None,
        "statements_per_request": (delta_statements("read") + delta_statements("write"))
        / result.count,
        "hit_ratio": hits / (hits + misses + bypassed) if hits + misses + bypassed else None,
        "auth_hit_ratio": auth_hits / auth_lookups if auth_lookups else None,
        "fast_path_share": (_stat(after, "fast_path_hits") - _stat(before, "fast_path_hits"))
        / max(reads, 1),
        "redis_errors": _redis_errors(after) - _redis_errors(before),
        "breaker_opened": _breaker_opened(after) - _breaker_opened(before),
    }


def _stat(counters: dict[str, Any], name: str) -> int:
    return int(counters["stats"].get(name) or 0)


def _redis_errors(counters: dict[str, Any]) -> int:
    redis = counters["stats"].get("redis") or {}
    return sum((redis.get("errors") or {}).values())


def _breaker_opened(counters: dict[str, Any]) -> int:
    redis = counters["stats"].get("redis") or {}
    return int((redis.get("breaker") or {}).get("opened_total") or 0)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure_ratio(
    server: Server, redis: Redis, cached: Request, seconds: float, windows: int
) -> dict[str, Any]:
    """Cached read vs the same bytes from a bare FastAPI endpoint, windows alternating; with the
    CPU time the server and Redis spent per request in each kind of window."""
    head, _, _ = cached.raw.partition(b"\r\n")
    path = head.split(b" ")[1].decode()
    headers = dict(
        line.split(": ", 1) for line in cached.raw.decode().split("\r\n")[1:] if ": " in line
    )
    body = httpx.get(
        f"{server.base}{path}", headers={"Authorization": headers["Authorization"]}
    ).content
    assert httpx.put(f"{server.base}/bench/raw", content=body).status_code == 204
    raw = Request("raw", http_request("GET", "/bench/raw"))
    assert httpx.get(f"{server.base}/bench/raw").content == body
    admin = {"Authorization": headers["Authorization"]}

    def tiers() -> tuple[int, int]:
        stats = httpx.get(f"{server.base}/admin/cache/stats", headers=admin).json()
        family = stats["families"].get("users_page", {})
        return int(family.get("hits_local", 0)), int(family.get("hits_redis", 0))

    rates: dict[str, list[float]] = {"raw": [], "cached": []}
    cpu: dict[str, list[float]] = {f"{who}_{name}": [] for who in ("server", "redis")
                                   for name in ("raw", "cached")}  # fmt: skip
    errors = 0
    pids = {"server": server.process.pid, "redis": redis.process.pid}
    local_before, redis_before = tiers()
    for _ in range(windows):
        for name, request in (("raw", raw), ("cached", cached)):
            before = {who: cpu_seconds(pid) for who, pid in pids.items()}
            result: Result = await run_load(
                "127.0.0.1", server.port, [request], connections=CONNECTIONS, seconds=seconds
            )
            errors += result.errors()
            rates[name].append(result.count / result.duration_s)
            for who, pid in pids.items():
                used = cpu_seconds(pid) - before[who]
                cpu[f"{who}_{name}"].append(used / max(result.count, 1) * 1e6)
    pair_ratios = [c / r for c, r in zip(rates["cached"], rates["raw"], strict=True)]
    local_after, redis_after = tiers()
    local_hits, redis_hits = local_after - local_before, redis_after - redis_before
    return {
        "redis_share_of_hits": redis_hits / max(local_hits + redis_hits, 1),
        "body_bytes": len(body),
        "raw_rps": statistics.median(rates["raw"]),
        "cached_rps": statistics.median(rates["cached"]),
        "ratio": statistics.median(pair_ratios),
        "ratio_min": min(pair_ratios),
        "ratio_max": max(pair_ratios),
        "errors": errors,
        "cpu_us_per_request": {key: statistics.median(values) for key, values in cpu.items()},
    }


# --- the run ------------------------------------------------------------------------------------
async def main(args: argparse.Namespace) -> dict[str, Any]:
    admin_url = os.environ.get("TALLY_TEST_DATABASE_URL")
    if not admin_url:
        raise SystemExit(
            "set TALLY_TEST_DATABASE_URL (source /tmp/tally-dev.env or scripts/services.sh)"
        )
    rng = np.random.default_rng(20261128)
    url = create_database(admin_url)
    redis = Redis()
    logs = Path(tempfile.mkdtemp(prefix="tally-bench-cache-"))
    runs, seconds, windows = (2, 2.0, 3) if args.quick else (3, 4.0, 8)
    ratio_seconds = 1.0 if args.quick else 1.5
    results: dict[str, Any] = {"configs": {}, "ratios": {}, "settings": {
        "connections": CONNECTIONS, "users": USERS, "projects": PROJECTS, "zipf_s": ZIPF_S,
        "write_share": WRITE_SHARE, "runs": runs, "seconds_per_run": seconds,
        "ratio_windows": windows, "ratio_window_s": ratio_seconds, "cpus": os.cpu_count(),
    }}  # fmt: skip
    try:
        world = await seed(url, rng)
        requests = mixed_requests(world, rng)
        warm = list({r.raw: r for r in requests if r.kind != "write"}.values())
        users_page = Request(
            "get_users", http_request("GET", "/api/v1/users?page=1&per_page=20",
                                      {"Authorization": f"Bearer {world.admin_token}"}),
        )  # fmt: skip
        base_env = {
            "DATABASE_URL": url, "TALLY_ENV": "production", "TALLY_TASK_BACKEND": "embedded",
            "TALLY_LOG_LEVEL": "WARNING",
        }  # fmt: skip
        configs: dict[str, tuple[dict[str, str], bool, bool]] = {
            # name: (environment, mixed workload?, ratio?)
            "off": ({"ENABLE_CACHE": "false"}, True, False),
            "local": ({}, True, True),
            "redis+local": ({"REDIS_URL": redis.url}, True, True),
            "redis": ({"REDIS_URL": redis.url, "CACHE_LOCAL_MAX_BYTES": "0"}, True, True),
            # The in-process tier capped at 8 KB: the caller's token entry (~400 B) stays in it,
            # the 2.6 KB users page never does, so every hit of that page is a Redis GET.
            "redis-hit": ({"REDIS_URL": redis.url, "CACHE_LOCAL_MAX_BYTES": "8192"}, False, True),
        }
        for number, (name, (env, mixed, ratio)) in enumerate(configs.items()):
            server_env = {**base_env, "CACHE_KEY_PREFIX": f"bench{number}:", **env}
            print(f"== {name}", flush=True)
            server = Server(server_env, logs / f"{name}.log")
            try:
                if mixed:
                    if name != "off":  # steady state: every key read once (compulsory misses)
                        await run_load("127.0.0.1", server.port, warm, connections=CONNECTIONS,
                                       seconds=0, once=True)  # fmt: skip
                    await run_load("127.0.0.1", server.port, requests, connections=CONNECTIONS,
                                   seconds=1.0 if name == "off" else 3.0)  # fmt: skip
                    figures = [
                        await measure_mixed(server, world, requests, seconds) for _ in range(runs)
                    ]
                    results["configs"][name] = {
                        key: statistics.median(f[key] for f in figures)
                        if all(isinstance(f[key], (int, float)) for f in figures)
                        else None
                        for key in figures[0]
                    } | {
                        "errors": sum(f["errors"] for f in figures),
                        "misses_per_1000_reads": figures[-1]["misses_per_1000_reads"],
                    }
                    print(json.dumps(results["configs"][name], indent=1), flush=True)
                if ratio:
                    results["ratios"][name] = await measure_ratio(
                        server, redis, users_page, ratio_seconds, windows
                    )
                    print(json.dumps(results["ratios"][name], indent=1), flush=True)
            finally:
                server.stop()
    finally:
        redis.stop()
        drop_database(admin_url)
    return results


SERVED_FROM = {
    "local": "in-process tier (no Redis)",
    "redis+local": "in-process tier (Redis on, kept coherent)",
    "redis-hit": "Redis (caller's token in-process, page from Redis)",
    "redis": "Redis only (no in-process tier: token and page from Redis)",
}
CONFIG_NAMES = {
    "off": "off (ENABLE_CACHE=false)",
    "local": "in-process tier, no Redis",
    "redis+local": "Redis + coherent in-process tier",
    "redis": "Redis only (CACHE_LOCAL_MAX_BYTES=0)",
}


def tables(results: dict[str, Any]) -> str:
    configs, ratios, s = results["configs"], results["ratios"], results["settings"]
    off = configs.get("off")

    def fmt(value: Any, spec: str = ".2f") -> str:
        return "-" if value is None else format(value, spec)

    lines = [
        "| cache | req/s | vs off | read p50 ms | read p99 ms | hit ratio, six reads "
        "| hit ratio, token+access | SQL / read | SQL / write | SQL / request (target <= 0.1) "
        "| HTTP errors | Redis errors (breaker opened) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, c in configs.items():
        speedup = c["rps"] / off["rps"] if off else None
        lines.append(
            f"| {CONFIG_NAMES.get(name, name)} | {c['rps']:.0f} | {fmt(speedup, '.1f')}x "
            f"| {fmt(c['read_p50_ms'], '.1f')} | {fmt(c['read_p99_ms'], '.0f')} "
            f"| {fmt(c['hit_ratio'], '.3f')} | {fmt(c['auth_hit_ratio'], '.3f')} "
            f"| {fmt(c['statements_per_read'], '.3f')} | {fmt(c['statements_per_write'], '.2f')} "
            f"| **{fmt(c['statements_per_request'], '.3f')}** | {c['errors']} "
            f"| {fmt(c['redis_errors'], '.0f')} ({fmt(c['breaker_opened'], '.0f')}) |"
        )
    lines += [
        "",
        "Where the misses come from (per 1,000 reads, last run; every other family: 0):",
        "",
        "| cache | " + " | ".join((*RESPONSE_FAMILIES, "principal", "access")) + " |",
        "|---|" + "---|" * (len(RESPONSE_FAMILIES) + 2),
    ]
    for name, c in configs.items():
        if name == "off":
            continue
        misses = c["misses_per_1000_reads"]
        row = " | ".join(str(misses.get(f, 0)) for f in (*RESPONSE_FAMILIES, "principal", "access"))
        lines.append(f"| {CONFIG_NAMES.get(name, name)} | {row} |")
    lines += [
        "",
        f"Cached read vs a FastAPI endpoint returning the same {next(iter(ratios.values()))['body_bytes'] if ratios else 0} "
        f"precomputed bytes on the same server (GET /api/v1/users?page=1&per_page=20 as an admin; "
        f"{s['ratio_windows']} alternating pairs of {s['ratio_window_s']} s windows; target >= 0.8):",
        "",
        "| hit served from | cached req/s | raw-bytes req/s | ratio (median of pairs) | pairs min-max "
        "| page hits from Redis | server CPU us/request, cached vs raw | Redis CPU us/request |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in ratios.items():
        used = r["cpu_us_per_request"]
        lines.append(
            f"| {SERVED_FROM.get(name, name)} | {r['cached_rps']:.0f} | {r['raw_rps']:.0f} "
            f"| **{r['ratio']:.2f}** | {r['ratio_min']:.2f}-{r['ratio_max']:.2f} "
            f"| {r['redis_share_of_hits']:.0%} | {used['server_cached']:.0f} vs "
            f"{used['server_raw']:.0f} | {used['redis_cached']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def reading(results: dict[str, Any]) -> str:
    """What the tables say, with this run's figures."""
    configs, ratios = results["configs"], results["ratios"]
    cached = [c for name, c in configs.items() if name != "off"]
    per_request = [c["statements_per_request"] for c in cached]
    per_read = [c["statements_per_read"] for c in cached]
    per_write = [c["statements_per_write"] for c in cached]
    off = configs.get("off", {})
    redis_only, redis_hit = ratios.get("redis", {}), ratios.get("redis-hit", {})
    only_cpu = redis_only.get("cpu_us_per_request", {})
    hit_cpu = redis_hit.get("cpu_us_per_request", {})
    nan = float("nan")
    return f"""- **SQL per request** (the target, <= 0.1: every statement the server sent while the load ran,
  reads and writes, divided by the requests answered): {_span(per_request, ".3f")} cached,
  {off.get("statements_per_request", float("nan")):.2f} uncached. A write costs
  {_span(per_write, ".2f")} statements (one `UPDATE ... RETURNING`; the editor's authorization is
  cached), so {WRITE_SHARE:.2f} x that per request; a read costs {_span(per_read, ".3f")}. The
  edit stores the row it returned as the project's cache entry (a write-through, done only when no
  later edit can have committed: `tally.cache.invalidation.WriteThrough`), and a projects page is
  served from its ids and the projects' own entries, so an edit invalidates no member's projects
  page. The misses left are reads of a project while an edit of it is under way (between the
  generation it reserves before its `UPDATE` and its commit): they load the row as it was, once
  per process, and the edit's value replaces it. The misses column counts every such reader, the
  SQL column the loads.
- **Throughput ratio** (target >= 0.8): hits are answered by `tally.fast_reads` before FastAPI's
  routing and dependency injection, after the same authorization from cached facts; from the
  in-process tier they beat the bare endpoint. A hit served from Redis in the default Redis
  setup (the in-process tier on and kept coherent by the subscription, the page not in it): one
  pipelined GET (`tally.cache.redis_pipe`) of a key whose generations the process knows,
  {redis_hit.get("ratio", nan):.2f} of the bare endpoint (Redis spent
  {hit_cpu.get("redis_cached", nan):.0f} us of CPU per request). With the in-process tier turned
  off (CACHE_LOCAL_MAX_BYTES=0) the process subscribes to nothing, so it cannot trust generations
  it knows: every hit asks Redis for the generations and the value together, one Lua call
  ({only_cpu.get("redis_cached", nan):.0f} us of Redis CPU per request, and
  {only_cpu.get("server_cached", nan):.0f} us of server CPU vs
  {only_cpu.get("server_raw", nan):.0f} us for the bare endpoint), on a machine where Redis, the
  server and the load generator share the 2 cores: {redis_only.get("ratio", nan):.2f}, below
  0.8. Every Redis call has a 50 ms budget; the Redis errors column counts calls that ran out
  of it (each served from the database instead) and how often the breaker opened.
"""


def _span(values: list[float], spec: str) -> str:
    low, high = format(min(values), spec), format(max(values), spec)
    return low if low == high else f"{low}-{high}"


def report(results: dict[str, Any]) -> str:
    s = results["settings"]
    load = results.get("load_average", {})
    return f"""# Cache benchmark (issue 5)

`python -m bench.cache.run` (through `scripts/bench cache`; `--quick` for a shorter smoke run).
Measured {results["date"]} in {results["runtime_s"]} s on {s["cpus"]} CPUs; 1-minute load average
{load.get("start", "?")} at the start, {load.get("end", "?")} at the end (the machine is shared).

## Method
- **Server**: one uvicorn worker (uvloop, httptools, no access log) serving `bench.cache.app`,
  which is `tally.app.create_app()` plus `GET /bench/raw` (the ratio's denominator, first in the
  route table so it is the cheapest FastAPI endpoint there can be). PostgreSQL (pool 20+10),
  a private redis-server; load generator, database and Redis share the 2 cores with the server.
- **Data**: {s["users"]} users, {s["projects"]} projects (3 members each, 2 sources, 3 jobs, stats).
- **Load**: {s["connections"]} keep-alive connections, closed loop (each sends its next request
  when the previous answer arrives), loopback only. Requests: the six reads (project 25%, projects
  page 20%, stats / jobs / data sources 15% each, users page 10%) with Zipf (s={s["zipf_s"]}) keys
  (projects, users, pages), each project read by one of its members; {s["write_share"]:.0%} writes
  (`PATCH /projects/{{id}}` by its owner, same Zipf: it invalidates the most-read entry, the
  project's own, which its page and every member's projects page are served from).
- **Steady state**: each cached configuration first reads every key of the sequence once (the
  compulsory misses), then runs 3 s unmeasured; then {s["runs"]} measured runs of
  {s["seconds_per_run"]:.0f} s; medians. The cache-off configuration gets a 1 s warm-up.
- **SQL statements** are counted by the server (`tally_db_statements_total{{kind}}` on /metrics:
  `read` for GETs and the cache refreshes they start, `write` for the rest), divided by the
  requests of that kind the load generator completed. Hit ratios come from
  `/admin/cache/stats` (misses count every request that found no entry, including those that
  then waited for another request's load).

## Results

{tables(results)}
## Reading the figures
{reading(results)}- Raw runs: `bench/cache/results.json`.
"""


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="shorter runs (smoke test)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench/cache/results.json")
    parser.add_argument("--report", type=Path, help="write the markdown report here")
    args = parser.parse_args()
    started = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    results = uvloop.run(main(args))
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["runtime_s"] = round(time.monotonic() - started)
    results["load_average"] = {"start": load_start, "end": round(os.getloadavg()[0], 2)}
    args.json.write_text(json.dumps(results, indent=1))
    text = report(results)
    if args.report:
        args.report.write_text(text)
    print(text)
    print(f"({results['runtime_s']} s; raw figures in {args.json})")


if __name__ == "__main__":
    cli()
