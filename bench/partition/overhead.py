"""Overhead of partitioned matching: one job run unpartitioned and in parts on ONE worker thread.

    python -m bench.partition.overhead [--size 100000] [--parts 4 16] [--repeat 5] [--queue]

A synthetic bank/ledger pair (tally.matching.synthetic.generate_mixed with 5% split payments)
under rules sharing the reference key (the reference rule and the one-to-many split rule; the
mix's amount + date fallback shares no key, so it is left out) is loaded into PostgreSQL
(TALLY_TEST_DATABASE_URL) as one job; the job then runs as `tally worker` runs it (load, match,
write results, stats), each run in a process of its own, the modes interleaved so load drifts hit
them alike. Partitioned runs must store the same number of matches (equality itself is proven by
tests/engines/matching/test_partition.py). Writes bench/partition/REPORT.md and results.json.

With ``--queue`` every run goes through an embedded task queue of ONE worker (the partitioned runs
through its fan-out: staged parts, one task per part, the merge; tally.jobs.fanout), and the
report is REPORT-queue.md / results-queue.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

from bench._common import (
    fresh_database,
    load_average,
    run_json_child,
    server_settings,
    settings_text,
    spread_text,
    write_results,
)
from bench.ingest.bench_ingest import _seed
from bench.jobs.bench_job import _load_pair, _requeue
from tally.matching.rules import RuleSet
from tally.matching.synthetic import generate_mixed

HERE = Path(__file__).resolve().parent


def keyed_rules(rule_set: RuleSet) -> RuleSet:
    """The rules holding the first rule's first key condition (the ones that share it)."""
    first = rule_set.rules[0].key_conditions[0]
    kept = [r.model_dump() for r in rule_set.rules if first in r.key_conditions]
    return RuleSet.model_validate({**rule_set.model_dump(), "rules": kept})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--parts", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--queue", action="store_true", help="parts as tasks of a queue")
    args = parser.parse_args()
    suffix = "-queue" if args.queue else ""
    url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_partition")
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "tally-bench-partition"
    work.mkdir(exist_ok=True)
    project = asyncio.run(_seed(url, work))
    scenario = generate_mixed(args.size, seed=7, split_share=0.05)
    rules = keyed_rules(scenario.rule_set)
    total = scenario.left.height + scenario.right.height
    job_id = asyncio.run(_load_pair(url, project, scenario.left, scenario.right, rules))
    runner = "@queue" if args.queue else ""
    modes = [(f"off{runner}", total)] + [(f"on{runner}", -(-total // p)) for p in args.parts]
    runs: dict[str, list[dict[str, Any]]] = {}
    first = True
    for _ in range(args.repeat):
        for mode, part_records in modes:
            if not first:
                asyncio.run(_requeue(url, job_id))
            first = False
            load = load_average()
            run = run_json_child(
                "bench.partition.run_job", url, str(job_id), mode, str(part_records)
            )
            if run["status"] != "completed":
                raise RuntimeError(run)
            run["load_average_1m"] = load
            label = "unpartitioned" if mode.startswith("off") else f"{run['parts']} parts"
            runs.setdefault(label, []).append(run)
            print("run", label, json.dumps(run), flush=True)
    command = f"python -m bench.partition.overhead {' '.join(sys.argv[1:])}".strip()
    settings = server_settings(url)
    write_results(
        HERE / f"results{suffix}.json",
        command=command,
        settings=settings,
        size=args.size,
        runs=runs,
    )
    _report(runs, command, settings, args.size, total, HERE / f"REPORT{suffix}.md")


def _report(
    runs: dict[str, list[dict[str, Any]]],
    command: str,
    settings: dict[str, Any],
    size: int,
    total: int,
    path: Path,
) -> None:
    base = runs["unpartitioned"]
    base_job = statistics.median(r["seconds"] for r in base)
    base_match = statistics.median(r["phases"]["match"] for r in base)
    base_cpu = statistics.median(r["cpu_s"] for r in base)
    lines = [
        "# Partitioned matching: overhead of parts on one worker",
        "",
        f"Command: `{command}` (TALLY_TEST_DATABASE_URL: the private PostgreSQL of scripts/test).",
        "",
        f"Job of {size:,} bank lines against their ledger ({total:,} records), rules sharing the",
        "reference key (reference + one-to-many split). Each run: the job as `tally worker` runs",
        "it, in a process of its own; parts matched by ONE thread (with --queue: as tasks of an",
        "embedded queue of ONE worker). min / median / max of the runs;",
        "ratios are medians against the unpartitioned median of the same benchmark run.",
        "",
        "| mode | runs | job (s) | match phase (s) | job CPU (s) | job ratio | match ratio | "
        "CPU ratio | matches | peak RSS (MB) | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, items in runs.items():
        job = [r["seconds"] for r in items]
        match = [r["phases"]["match"] for r in items]
        cpu = [r["cpu_s"] for r in items]
        lines.append(
            f"| {label} | {len(items)} | {spread_text(job)} | {spread_text(match)} | "
            f"{spread_text(cpu)} | {statistics.median(job) / base_job:.3f} | "
            f"{statistics.median(match) / base_match:.3f} | "
            f"{statistics.median(cpu) / base_cpu:.3f} | "
            f"{sorted({r['matches'] for r in items})} | "
            f"{statistics.median(r['peak_rss_mb'] for r in items):.0f} | "
            f"{statistics.median(r['load_average_1m'] for r in items):.1f} |"
        )
    lines += ["", "PostgreSQL settings: " + settings_text(settings), ""]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
