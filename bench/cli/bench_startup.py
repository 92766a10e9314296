"""How fast `tally` answers: `tally --help` and `tally X --help` for every command, run exactly as a
user types them (the installed `tally` script, a fresh process each time).

    python -m bench.cli.bench_startup --runs 7 --report bench/cli/REPORT.md

Wall time is what the user waits; CPU time (user + system of the child) is reported beside it
because the machine is shared: a busy neighbour stretches wall time, not the CPU work a start-up
needs. Target (issues 16.4, 18): <= 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

COMMANDS = [
    [],
    ["serve"],
    ["worker"],
    ["demo"],
    ["ingest"],
    ["reconcile"],
    ["watch"],
    ["inbox"],
    ["db"],
    ["user"],
    ["project"],
    ["source"],
    ["job"],
    ["job", "export"],
    ["project", "create"],
]
# Commands that do their work (not --help), on the embedded SQLite default with its schema
# current (the warm-up run creates and migrates it): what every real command pays to start.
WORKING_COMMANDS = [["project", "list"], ["user", "list"]]
TARGET_S = 0.3


def _tally() -> str:
    beside = Path(sys.executable).with_name("tally")
    found = str(beside) if beside.exists() else shutil.which("tally")
    if found is None:
        raise SystemExit("no `tally` script: install the project (scripts/setup-venv)")
    return found


def _one_run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(runs: int) -> list[tuple[str, list[float], list[float]]]:
    tally = _tally()
    available = subprocess.run([tally, "--help"], capture_output=True, text=True).stdout
    rows = []
    for args in COMMANDS:
        if args and f" {args[0]} " not in available:
            continue  # a command this checkout does not have
        command = [tally, *args, "--help"]
        _one_run(command)  # warm the file-system cache, as any second start is
        samples = [_one_run(command) for _ in range(runs)]
        rows.append(
            ("tally " + " ".join([*args, "--help"]), *map(list, zip(*samples, strict=True)))
        )
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["TALLY_DATA_DIR"] = data_dir
        for args in WORKING_COMMANDS:
            if f" {args[0]} " not in available:
                continue
            command = [tally, *args]
            _one_run(command, env)  # creates and migrates the database the first time
            samples = [_one_run(command, env) for _ in range(runs)]
            rows.append(("tally " + " ".join(args), *map(list, zip(*samples, strict=True))))
    return rows


def render(rows: list[tuple[str, list[float], list[float]]], runs: int, load: str) -> str:
    lines = [
        f"`python -m bench.cli.bench_startup --runs {runs}` on {datetime.now(UTC):%Y-%m-%d %H:%M} "
        f"UTC, {os.cpu_count()} cores, load average before/after: {load}.",
        "",
        "| command | wall min | wall median | wall max | CPU median | <= 0.3 s (median) |",
        "|---|---|---|---|---|---|",
    ]
    for name, wall, cpu in rows:
        median = statistics.median(wall)
        if not name.endswith("--help"):  # a working command: the target is for help output
            lines.append(
                f"| `{name}` (SQLite, schema current) | {min(wall):.3f} s | {median:.3f} s | "
                f"{max(wall):.3f} s | {statistics.median(cpu):.3f} s | - |"
            )
            continue
        lines.append(
            f"| `{name}` | {min(wall):.3f} s | {median:.3f} s | {max(wall):.3f} s | "
            f"{statistics.median(cpu):.3f} s | {'yes' if median <= TARGET_S else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--report", type=Path, help="Also write the table to this file.")
    args = parser.parse_args()
    load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    rows = measure(max(args.runs, 5))
    load = f"{load_before} / {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    table = render(rows, max(args.runs, 5), load)
    print(table)
    if args.report:
        header = args.report.read_text().split("<!-- runs -->")[0] if args.report.exists() else ""
        args.report.write_text(f"{header}<!-- runs -->\n\n{table}" if header else table)


if __name__ == "__main__":
    main()
