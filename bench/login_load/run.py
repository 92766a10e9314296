"""/healthz latency while 8 clients send wrong passwords as fast as they can (issue 14 item 4).

Before, argon2 ran on the event loop: four parallel wrong-password logins pushed /healthz from
5 ms to a 263 ms median. Now verification runs in a bounded thread pool (TALLY_PASSWORD_THREADS);
the loop only waits. This starts a real `tally serve` (embedded SQLite), measures /healthz alone,
then again while 8 threads post wrong passwords in a loop, in alternating rounds, and reports
min/median/max of the per-round medians and the loaded/idle ratio. Throttling is set out of reach
here so that every login really hashes (otherwise 429s would make the load cheap).

    python -m bench.login_load.run --rounds 5 --requests 200 --report bench/login_load/REPORT.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from tests.helpers.processes import TallyServer

LOGIN_CLIENTS = 8


def _healthz_ms(client: httpx.Client, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _hammer(base_url: str, email: str, stop: threading.Event, counts: list[int]) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        while not stop.is_set():
            response = client.post("/api/v1/auth/login", json={"email": email, "password": "wrong"})
            assert response.status_code == 401, response.text
            counts.append(1)


def _loaded_ms(
    base_url: str, client: httpx.Client, count: int, email: str
) -> tuple[list[float], float]:
    stop = threading.Event()
    counts: list[int] = []
    threads = [
        threading.Thread(target=_hammer, args=(base_url, email, stop, counts))
        for _ in range(LOGIN_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let the logins saturate the pool
    started = time.perf_counter()
    timings = _healthz_ms(client, count)
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join()
    return timings, len(counts) / max(elapsed, 1e-9)


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    median = statistics.median(ordered)
    return f"{ordered[0]:.2f} / {median:.2f} / {p99:.2f} / {ordered[-1]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="/healthz calls per phase")
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        env = {
            "TALLY_DATA_DIR": directory,
            "DATABASE_URL": "",
            "TALLY_LOGIN_MAX_FAILURES": "100000000",
            "TALLY_LOGIN_ADDRESS_MAX_FAILURES": "100000000",
        }
        email = "bench@example.test"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tally.cli",
                "user",
                "create",
                email,
                "--password",
                "long enough pw",
            ],
            env={**os.environ, **env, "TALLY_LOG_LEVEL": "WARNING"},
            check=True,
            capture_output=True,
        )
        server = TallyServer(env, Path(directory) / "server.log", startup_timeout=180)
        idle_medians, loaded_medians, logins_per_s = [], [], []
        idle_all: list[float] = []
        loaded_all: list[float] = []
        try:
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                _healthz_ms(client, 20)  # warm up
                for _ in range(args.rounds):
                    idle = _healthz_ms(client, args.requests)
                    idle_medians.append(statistics.median(idle))
                    loaded, rate = _loaded_ms(server.base_url, client, args.requests, email)
                    loaded_medians.append(statistics.median(loaded))
                    idle_all += idle
                    loaded_all += loaded
                    logins_per_s.append(rate)
        finally:
            server.stop()
    ratios = [loaded / idle for idle, loaded in zip(idle_medians, loaded_medians, strict=True)]

    def triple(values: list[float]) -> str:
        return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"

    load = os.getloadavg()
    report = "\n".join(
        [
            "# /healthz under 8 parallel wrong-password logins",
            "",
            f"Taken {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on the shared 2-core machine "
            f"(load average {load[0]:.1f} at the end: other engineers' work ran alongside).",
            f"Command: `python -m bench.login_load.run --rounds {args.rounds} --requests {args.requests}`",
            "",
            "| per-round median (min / median / max of rounds) | value |",
            "|---|---|",
            f"| /healthz alone, ms | {triple(idle_medians)} |",
            f"| /healthz during {LOGIN_CLIENTS} login loops, ms | {triple(loaded_medians)} |",
            f"| ratio loaded / alone | {triple(ratios)} |",
            f"| wrong-password logins answered per s | {triple(logins_per_s)} |",
            "",
            f"Every /healthz call of all rounds pooled (n = {len(idle_all)} per phase): "
            f"alone {_spread(idle_all)}; during the logins {_spread(loaded_all)} "
            "(min / median / p99 / max ms).",
            "",
            "Before (issue 14): 4 parallel wrong-password logins took /healthz from 5 ms to a 263 ms",
            "median (ratio ~50), argon2 running on the event loop.",
            "",
        ]
    )
    print(report)
    if args.report:
        args.report.write_text(report)


if __name__ == "__main__":
    main()
