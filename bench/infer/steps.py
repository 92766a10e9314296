"""Where rule inference spends its CPU, step by step, without a profiler's overhead.

``python -m bench.infer.steps --keep /tmp/infercost-cases --size 1000000 --repeat 2`` reads a
case written by ``python -m bench.infer.cost --keep DIR`` (in id order, as a job loads it), runs
``infer_rules`` once to warm up (imports), then ``--repeat`` times with the steps of
``tally.matching.infer`` (and the engine phases its candidate rules run) wrapped in a CPU
clock (``time.process_time``: every thread of the process). A step's seconds include the steps
it calls (``_try`` holds ``_run`` and ``_open_records``; ``_run`` holds the ``engine.*`` rows).
Setting ``PYTHONPATH`` to another checkout's ``src`` profiles that checkout: run both in one
sitting for a before/after (the shared machine's load moves every figure).
"""

from __future__ import annotations

import argparse
import functools
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl

from tally.matching import engine, infer

_INFER_STEPS = (
    "sample",
    "text_fields",
    "quoting",
    "choose_key",
    "periodic_key",
    "left_keys",
    "reach",
    "_second_reach",
    "joined_pairs",
    "best_text_match",
    "repeated_share",
    "chance_similarity",
    "identity_proposals",
    "batch_candidates",
    "reference_candidates",
    "second_key_candidates",
    "party_candidates",
    "fallback_candidates",
    "anchored_text_match",
    "anchored_date_model",
    "_try",
    "_run",
    "_open_records",
    "duplicate_fields",
)
_ENGINE_STEPS = ("work_frames", "pair_candidates", "search_groups", "find_duplicates", "evaluate")


def _clocked(
    module: ModuleType, name: str, label: str, seconds: dict[str, float], calls: Counter[str]
) -> None:
    if not hasattr(module, name):  # a step another checkout does not have
        return
    step: Callable[..., Any] = getattr(module, name)

    @functools.wraps(step)
    def clocked(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return step(*args, **kwargs)
        finally:
            seconds[label] += time.process_time() - started
            calls[label] += 1

    setattr(module, name, clocked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, required=True, help="bench.infer.cost's --keep")
    parser.add_argument("--case", default="bank_de")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    where = args.keep / f"{args.case}-{args.size}-{args.seed}"
    left = pl.read_parquet(where / "left.parquet").sort("id")
    right = pl.read_parquet(where / "right.parquet").sort("id")
    seconds: defaultdict[str, float] = defaultdict(float)
    calls: Counter[str] = Counter()
    for name in _INFER_STEPS:
        _clocked(infer, name, name, seconds, calls)
    for name in _ENGINE_STEPS:
        _clocked(engine, name, f"engine.{name}", seconds, calls)
    infer.infer_rules(left, right)
    seconds.clear()
    calls.clear()
    started = time.process_time()
    for _ in range(args.repeat):
        inferred = infer.infer_rules(left, right)
    total = (time.process_time() - started) / args.repeat
    print(
        f"{args.case} {args.size}: inference {total:.2f} CPU s per run (read "
        f"{inferred.sampled_left} x {inferred.sampled_right} records)"
    )
    for label, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        each = spent / args.repeat
        print(f"{each:7.3f} s {each / total:6.1%}  {label} x{calls[label] // args.repeat}")


if __name__ == "__main__":
    main()
