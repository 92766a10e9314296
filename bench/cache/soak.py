"""Cache soak: the six cached reads from a cold start, over a window longer than the longest
lifetime (stats: 30 min), at a fixed request rate, with Redis, with the in-process cache alone and
with caching off; then each read's throughput against a bare ASGI answer and a bare FastAPI route.

    eval "$(TALLY_PG_DURABLE=1 scripts/services.sh start DIR)"
    .venv/bin/python -m bench.cache.soak [--minutes 32] [--rate 25]   # or: scripts/bench cache-soak

The three configurations run side by side, each with its own server, database (same seeded
world) and key prefix, so they see the same hour of the same machine. Load: open loop (request i
is due at i / rate s; latency counts from then), members of several projects reading the projects
they belong to (every read but the users page passes a membership check), an administrator paging
users, and 5% writes (an owner editing their project: the write invalidates what it changes).
Every ``--sample`` seconds the server's statement counter and cache counters are read, giving
SQL per request, hit ratio and latency over time. Results: bench/cache/soak.json, SOAK.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvloop

from bench.cache.load import Request, TimedResult, http_request, run_fixed_rate, run_load
from bench.cache.run import (
    READ_MIX,
    RESPONSE_FAMILIES,
    WRITE_SHARE,
    Redis,
    Server,
    World,
    create_database,
    drop_database,
    family_sum,
    mixed_requests,
    seed,
    server_counters,
)
from tally.cache.keys import DEFAULT_TTLS

ROOT = Path(__file__).resolve().parents[2]
APP = "bench.cache.app:create_bench_asgi"
CONFIGS = ("redis", "local", "off")
CONFIG_NAMES = {
    "redis": "Redis (REDIS_URL set, coherent in-process tier)",
    "local": "in-process cache, no Redis",
    "off": "caching off (ENABLE_CACHE=false)",
}
THROUGHPUT_CONNECTIONS = 16


def _ms(values: list[int]) -> dict[str, float | int]:
    """min / median / p99 / max in ms and the sample count (p99 only with >= 1,000 samples)."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    n = len(ordered)
    out: dict[str, float | int] = {
        "n": n,
        "min": ordered[0] / 1e6,
        "median": ordered[n // 2] / 1e6,
        "max": ordered[-1] / 1e6,
    }
    if n >= 1000:
        out["p99"] = ordered[min(int(0.99 * n), n - 1)] / 1e6
    return out


def _series(samples: list[dict[str, Any]], load: TimedResult) -> list[dict[str, Any]]:
    """Per sampling interval: requests, SQL per request, hit ratio (all six, and per family)."""
    out = []
    for before, after in itertools.pairwise(samples):
        start, end = before["t"], after["t"]
        inside = [
            i for i, offset in enumerate(load.offsets_s) if start <= offset < end
        ]  # requests due in the interval (the counters were read at its ends)
        statements = sum(
            after["statements"].get(k, 0) - before["statements"].get(k, 0)
            for k in ("read", "write")
        )
        families = {}
        for family in RESPONSE_FAMILIES:
            hits = family_sum(after, (family,), "hits") - family_sum(before, (family,), "hits")
            lookups = hits + sum(
                family_sum(after, (family,), f) - family_sum(before, (family,), f)
                for f in ("misses", "bypassed")
            )
            families[family] = round(hits / lookups, 4) if lookups else None
        hits = family_sum(after, RESPONSE_FAMILIES, "hits") - family_sum(
            before, RESPONSE_FAMILIES, "hits"
        )
        lookups = hits + sum(
            family_sum(after, RESPONSE_FAMILIES, f) - family_sum(before, RESPONSE_FAMILIES, f)
            for f in ("misses", "bypassed")
        )
        latencies = [load.latencies_ns[i] for i in inside if load.kinds[i] != "write"]
        out.append(
            {
                "t_s": round(end, 1),
                "load_1m": round(after["load_1m"], 2),
                "requests": len(inside),
                "sql_per_request": round(statements / len(inside), 4) if inside else None,
                "hit_ratio": round(hits / lookups, 4) if lookups else None,
                "hit_ratio_by_family": families,
                "read_ms": _ms(latencies),
            }
        )
    return out


async def _soak_one(
    name: str, server: Server, world: World, requests: list[Request], args: argparse.Namespace
) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    started = time.perf_counter()

    def snapshot() -> None:
        counters = server_counters(server, world.admin_token)
        samples.append(
            {"t": time.perf_counter() - started, "load_1m": os.getloadavg()[0], **counters}
        )

    async def sampler() -> None:
        while True:
            await asyncio.sleep(args.sample)
            try:
                await asyncio.to_thread(snapshot)
            except httpx.HTTPError:  # an overloaded server: this sample is skipped, not the rest
                continue

    snapshot()  # cold: nothing read yet
    started = time.perf_counter()
    samples[0]["t"] = 0.0
    task = asyncio.create_task(sampler())
    load = await run_fixed_rate(
        "127.0.0.1", server.port, requests, rate=args.rate, seconds=args.minutes * 60
    )
    task.cancel()
    with contextlib.suppress(httpx.HTTPError):
        await asyncio.to_thread(snapshot)
    first, last = samples[0], samples[-1]
    statements = {
        k: last["statements"].get(k, 0) - first["statements"].get(k, 0) for k in ("read", "write")
    }
    reads = [i for i, kind in enumerate(load.kinds) if kind != "write"]
    writes = len(load.kinds) - len(reads)
    hits = family_sum(last, RESPONSE_FAMILIES, "hits")
    lookups = hits + sum(family_sum(last, RESPONSE_FAMILIES, f) for f in ("misses", "bypassed"))
    errors = sum(1 for status in load.statuses if status not in (200, 201, 204))
    by_kind = {
        kind: _ms([load.latencies_ns[i] for i, k in enumerate(load.kinds) if k == kind])
        for kind in (*READ_MIX, "write")
    }
    print(f"== {name}: {len(load.kinds)} requests, {errors} errors", flush=True)
    return {
        "requests": len(load.kinds),
        "reads": len(reads),
        "writes": writes,
        "errors": errors,
        "unanswered": load.unanswered,
        "duration_s": round(load.duration_s, 1),
        "achieved_rate": round(len(load.kinds) / load.duration_s, 2),
        "statements": statements,
        "sql_per_request": (statements["read"] + statements["write"]) / len(load.kinds),
        "sql_per_read": statements["read"] / max(len(reads), 1),
        "sql_per_write": statements["write"] / max(writes, 1),
        "hit_ratio": hits / lookups if lookups else None,
        "read_ms": _ms([load.latencies_ns[i] for i in reads]),
        "ms_by_kind": by_kind,
        "series": _series(samples, load),
    }


def _first_of_each_read(requests: list[Request]) -> dict[str, Request]:
    """One request of each of the six reads: the first of the sequence (a hot key)."""
    out: dict[str, Request] = {}
    for request in requests:
        if request.kind != "write":
            out.setdefault(request.kind, request)
    return out


async def _throughput(
    server: Server, requests: list[Request], windows: int, seconds: float
) -> dict[str, Any]:
    """Each read (cached as it would be after the soak) against the same bytes answered by a bare
    ASGI callable and by a bare FastAPI route, closed loop, windows alternating; median of the
    per-round ratios, with min and max."""
    asgi = Request("asgi", http_request("GET", "/bench/asgi"))
    fastapi = Request("fastapi", http_request("GET", "/bench/raw"))
    out: dict[str, Any] = {}
    for kind, request in _first_of_each_read(requests).items():
        head, _, _ = request.raw.partition(b"\r\n")
        path = head.split(b" ")[1].decode()
        authorization = next(
            line.split(": ", 1)[1]
            for line in request.raw.decode().split("\r\n")
            if line.startswith("Authorization: ")
        )
        async with httpx.AsyncClient(base_url=server.base) as client:
            body = (await client.get(path, headers={"Authorization": authorization})).content
            assert (await client.put("/bench/raw", content=body)).status_code == 204
            assert (await client.get("/bench/asgi")).content == body
        rates: dict[str, list[float]] = {"asgi": [], "fastapi": [], "read": []}
        errors = 0
        for _ in range(windows):
            for label, each in (("asgi", asgi), ("fastapi", fastapi), ("read", request)):
                result = await run_load(
                    "127.0.0.1", server.port, [each],
                    connections=THROUGHPUT_CONNECTIONS, seconds=seconds,
                )  # fmt: skip
                errors += result.errors()
                rates[label].append(result.count / result.duration_s)
        vs_asgi = [r / a for r, a in zip(rates["read"], rates["asgi"], strict=True)]
        vs_fastapi = [r / f for r, f in zip(rates["read"], rates["fastapi"], strict=True)]
        out[kind] = {
            "path": path,
            "body_bytes": len(body),
            "rps": {label: [round(v, 1) for v in values] for label, values in rates.items()},
            "vs_asgi": _spread(vs_asgi),
            "vs_fastapi": _spread(vs_fastapi),
            "errors": errors,
        }
        print(f"   {kind}: {json.dumps(out[kind]['vs_fastapi'])}", flush=True)
    return out


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    admin_url = os.environ.get("TALLY_TEST_DATABASE_URL")
    if not admin_url:
        raise SystemExit("set TALLY_TEST_DATABASE_URL (eval scripts/services.sh start DIR)")
    redis = Redis()
    logs = Path(tempfile.mkdtemp(prefix="tally-bench-soak-"))
    servers: dict[str, Server] = {}
    worlds: dict[str, World] = {}
    sequences: dict[str, list[Request]] = {}
    databases = {name: f"tally_bench_soak_{name}" for name in CONFIGS}
    results: dict[str, Any] = {}
    try:
        for number, name in enumerate(CONFIGS):
            url = create_database(admin_url, databases[name])
            rng = np.random.default_rng(20261207)  # the same world and sequence for each
            worlds[name] = await seed(url, rng)
            sequences[name] = mixed_requests(worlds[name], rng)
            env = {
                "DATABASE_URL": url, "TALLY_ENV": "production", "TALLY_TASK_BACKEND": "embedded",
                "TALLY_LOG_LEVEL": "WARNING", "CACHE_KEY_PREFIX": f"soak{number}:",
            }  # fmt: skip
            env |= {
                "redis": {"REDIS_URL": redis.url},
                "local": {},
                "off": {"ENABLE_CACHE": "false"},
            }[name]
            servers[name] = Server(env, logs / f"{name}.log", app=APP)
        soaks = await asyncio.gather(
            *(_soak_one(n, servers[n], worlds[n], sequences[n], args) for n in CONFIGS)
        )
        results["soak"] = dict(zip(CONFIGS, soaks, strict=True))
        args.json.write_text(json.dumps(results, indent=1))  # kept if what follows fails
        results["throughput"] = {}
        for name in ("redis", "local"):  # cached reads against the bare answers
            print(f"== throughput: {name}", flush=True)
            results["throughput"][name] = await _throughput(
                servers[name], sequences[name], args.windows, args.window_s
            )
    finally:
        for server in servers.values():
            server.stop()
        redis.stop()
        for database in databases.values():
            drop_database(admin_url, database)
    return results


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=32.0, help="soak window per configuration")
    parser.add_argument("--rate", type=float, default=25.0, help="requests/s per configuration")
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--windows", type=int, default=5, help="throughput rounds per read")
    parser.add_argument("--window-s", type=float, default=1.0, help="seconds per window")
    parser.add_argument("--json", type=Path, default=ROOT / "bench/cache/soak.json")
    parser.add_argument("--report", type=Path, default=ROOT / "bench/cache/SOAK.md")
    args = parser.parse_args()
    command = "python -m bench.cache.soak " + " ".join(
        f"--{k.replace('_', '-')} {v}"
        for k, v in vars(args).items()
        if k in {"minutes", "rate", "sample", "windows", "window_s"}
    )
    started = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    results = uvloop.run(main(args))
    results |= {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "runtime_s": round(time.monotonic() - started),
        "load_average": {"start": load_start, "end": round(os.getloadavg()[0], 2)},
        "cpus": os.cpu_count(),
        "server_settings": {
            "server": "one uvicorn worker (uvloop, httptools), PostgreSQL pool 20+10",
            "postgresql": "durable (PostgreSQL defaults)"
            if os.environ.get("TALLY_PG_DURABLE") == "1"
            else "fsync, synchronous_commit, full_page_writes off",
            "ttls_s": dict(DEFAULT_TTLS),
            "rate_per_s": args.rate,
            "minutes": args.minutes,
            "write_share": WRITE_SHARE,
            "read_mix": READ_MIX,
            "throughput_connections": THROUGHPUT_CONNECTIONS,
            "throughput_windows": args.windows,
            "throughput_window_s": args.window_s,
        },
    }
    args.json.write_text(json.dumps(results, indent=1))
    from bench.cache.soak_report import report

    args.report.write_text(report(results))
    print(f"({results['runtime_s']} s; raw figures in {args.json}, report {args.report})")


if __name__ == "__main__":
    cli()
