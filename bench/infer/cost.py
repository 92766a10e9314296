"""What rule inference costs next to the job it serves, as the sources grow.

``python -m bench.infer.cost --sizes 100000 1000000 --repeat 5`` generates a case of
``tally.demo.cases`` per size, runs ``infer_rules`` ``--repeat`` times (min/median/max seconds and
the records it read: its sample), then matches the whole case once with the inferred rules
(``reconcile``, the job's match phase) and reports inference's share of inference + matching.
Loading and writing, which the job also spends, are left out: the share is an upper bound of the
share of the job. Results go to ``cost.json`` beside this file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from tally.demo.cases import CASES, generate_case
from tally.matching.engine import reconcile
from tally.matching.infer import infer_rules

HERE = Path(__file__).resolve().parent


def measure(name: str, n: int, repeat: int, seed: int) -> dict[str, Any]:
    case = generate_case(name, n, seed)
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        inferred = infer_rules(case.left, case.right)
        seconds.append(time.perf_counter() - started)
    started = time.perf_counter()
    reconcile(case.left, case.right, inferred.rule_set)
    match_s = time.perf_counter() - started
    median = statistics.median(seconds)
    return {
        "case": name,
        "n": n,
        "rows": {"left": case.left.height, "right": case.right.height},
        "sampled": {"left": inferred.sampled_left, "right": inferred.sampled_right},
        "infer_s": {
            "min": round(min(seconds), 3),
            "median": round(median, 3),
            "max": round(max(seconds), 3),
            "runs": len(seconds),
        },
        "match_s": round(match_s, 3),
        "infer_share": round(median / (median + match_s), 4),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000])
    parser.add_argument("--cases", nargs="+", default=["bank_de"], choices=list(CASES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", type=Path, default=HERE / "cost.json")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        for name in args.cases:
            row = measure(name, n, args.repeat, args.seed)
            rows.append(row)
            print(json.dumps(row), flush=True)
    meta = {"taken": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    args.results.write_text(json.dumps({"meta": meta, "runs": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
