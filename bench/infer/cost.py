"""What rule inference costs next to the job it serves, as the sources grow.

``python -m bench.infer.cost --sizes 100000 1000000 --repeat 5`` generates a case of
``tally.demo.cases`` per size, runs ``infer_rules`` ``--repeat`` times (min/median/max seconds and
the records it read: its sample), then matches the whole case once with the inferred rules
(``reconcile``, the job's match phase) and reports inference's share of the job a first run is:
inference + matching. Loading the sources and writing the results, which the job also spends,
are left out of the denominator, so the share is an upper bound of the share of the whole job.
Wall seconds and CPU seconds (``time.process_time``: every thread of the process) are both
kept: on a shared machine the wall clock mostly measures the other processes. Results go to
``cost.json`` beside this file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import polars as pl

from tally.demo.cases import CASES, generate_case
from tally.matching.engine import reconcile
from tally.matching.infer import infer_rules

HERE = Path(__file__).resolve().parent


def frames(name: str, n: int, seed: int, keep: Path | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The case's two record frames, generated (minutes at 1M on a shared machine) or read
    back from ``keep`` where an earlier run wrote them; in id order, as a job and an inference
    run load a source (``ORDER BY id``): the engine sorts frames that are not, which the
    service never pays (0.3 CPU s a side at 1M, in inference and in matching alike)."""
    where = keep / f"{name}-{n}-{seed}" if keep is not None else None
    if where is not None and (where / "right.parquet").exists():
        left, right = (
            pl.read_parquet(where / "left.parquet"),
            pl.read_parquet(where / "right.parquet"),
        )
    else:
        case = generate_case(name, n, seed)
        left, right = case.left, case.right
        if where is not None:
            where.mkdir(parents=True, exist_ok=True)
            left.write_parquet(where / "left.parquet")
            right.write_parquet(where / "right.parquet")
    return left.sort("id"), right.sort("id")


def measure(name: str, n: int, repeat: int, seed: int, keep: Path | None = None) -> dict[str, Any]:
    left, right = frames(name, n, seed, keep)
    load_before = [round(x, 2) for x in os.getloadavg()]
    seconds, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        inferred = infer_rules(left, right)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    started, cpu_started = time.perf_counter(), time.process_time()
    reconcile(left, right, inferred.rule_set)
    match_s = time.perf_counter() - started
    match_cpu = time.process_time() - cpu_started
    median, median_cpu = statistics.median(seconds), statistics.median(cpu)
    return {
        "case": name,
        "n": n,
        "rows": {"left": left.height, "right": right.height},
        "sampled": {"left": inferred.sampled_left, "right": inferred.sampled_right},
        "infer_s": {
            "min": round(min(seconds), 3),
            "median": round(median, 3),
            "max": round(max(seconds), 3),
            "runs": len(seconds),
        },
        "infer_cpu_s": {
            "min": round(min(cpu), 3),
            "median": round(median_cpu, 3),
            "max": round(max(cpu), 3),
            "runs": len(cpu),
        },
        "match_s": round(match_s, 3),
        "match_cpu_s": round(match_cpu, 3),
        "infer_share": round(median / (median + match_s), 4),
        "infer_share_cpu": round(median_cpu / (median_cpu + match_cpu), 4),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000])
    parser.add_argument("--cases", nargs="+", default=["bank_de"], choices=list(CASES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", type=Path, default=HERE / "cost.json")
    parser.add_argument("--keep", type=Path, help="write the generated cases here, read them back")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        for name in args.cases:
            keep(rows, measure(name, n, args.repeat, args.seed, args.keep), args.results)


def keep(rows: list[dict[str, Any]], row: dict[str, Any], results: Path) -> None:
    """Print a measured row and write every row so far: a long run stopped part-way keeps
    what it measured."""
    rows.append(row)
    print(json.dumps(row), flush=True)
    meta = {"taken": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    results.write_text(json.dumps({"meta": meta, "runs": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
