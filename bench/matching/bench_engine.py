"""Micro-benchmark of the matching engine.

    .venv/bin/python bench/matching/bench_engine.py                 # 10k, 100k, 1M per side
    .venv/bin/python bench/matching/bench_engine.py --sizes 10000 100000 --repeats 5
    .venv/bin/python bench/matching/bench_engine.py --skip-speed     # quality table only

Speed: ``reconcile`` on ``generate_mixed`` data (exact reference + amount tolerance + date
window, then a tolerance-only fallback), median of ``--repeats`` runs per size, with the phase
shares of the median run. A second line per size adds 1% split payments and a one-to-many rule
so the sum search shows up. Quality: precision/recall/F1 per synthetic scenario for the
``first_match`` and ``greedy_best`` baselines and the ``optimal`` strategy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from tally.matching import ReconcileResult, reconcile
from tally.matching.backtest import precision_recall
from tally.matching.synthetic import SCENARIOS, Scenario, generate, generate_mixed

STRATEGIES = ("first_match", "greedy_best", "optimal")
SHARE_PHASES = (
    "prepare",
    "candidates",
    "scoring",
    "assignment",
    "sum_search",
    "discrepancies",
    "duplicates",
    "finalize",
)
SHORT = {"discrepancies": "discrep.", "duplicates": "dupes"}


def _run(scenario: Scenario, repeats: int) -> tuple[list[float], float, ReconcileResult]:
    """Wall times (sorted), the median run's CPU seconds (all threads) and its result."""
    runs: list[tuple[float, float, ReconcileResult]] = []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        result = reconcile(scenario.left, scenario.right, scenario.rule_set)
        runs.append((time.perf_counter() - started, time.process_time() - cpu, result))
    runs.sort(key=lambda t: t[0])
    _, cpu_s, result = runs[len(runs) // 2]
    return [t for t, _, _ in runs], cpu_s, result


def speed(sizes: list[int], repeats: int, seed: int) -> None:
    print(f"== speed (median of {repeats}; shares of the median run's total) ==")
    print(f"   machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    header = f"{'size':>9} {'rules':>7} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7} "
    header += " ".join(f"{SHORT.get(p, p):>10}" for p in SHARE_PHASES)
    header += f" {'other':>6} {'P':>6} {'R':>6}"
    print(header)
    previous: float | None = None
    for n in sizes:
        for split_share, label in ((0.0, "pairs"), (0.01, "+groups")):
            scenario = generate_mixed(n, seed=seed, split_share=split_share)
            times, cpu_s, result = _run(scenario, repeats)
            median = statistics.median(times)
            shares = result.stats.phase_shares()
            other = shares.get("other", 0.0)
            pr = precision_recall(result, scenario.truth)
            cells = " ".join(f"{shares.get(p, 0.0):>10.1%}" for p in SHARE_PHASES)
            print(
                f"{n:>9,} {label:>7} {median:>9.3f} {times[0]:>7.3f} {times[-1]:>7.3f} {cpu_s:>7.3f} "
                f"{cells} {other:>6.1%} {pr.precision:>6.4f} {pr.recall:>6.4f}"
            )
            if label == "pairs":
                if previous is not None:
                    print(f"{'':>9} scaling vs previous size: x{median / previous:.1f}")
                previous = median
        timings = ", ".join(f"{k}={v:.3f}" for k, v in result.stats.timings.items())
        print(f"{'':>9} phases (s, +groups run): {timings}")


def quality(n: int, seed: int) -> None:
    print(f"\n== quality ({n} true matches per scenario, seed {seed}) ==")
    print(f"{'scenario':<24}" + "".join(f"{s + ' P/R/F1':>26}" for s in STRATEGIES))
    for name in SCENARIOS:
        scenario = generate(name, n, seed=seed)
        cells = []
        for strategy in STRATEGIES:
            result = reconcile(scenario.left, scenario.right, scenario.rule_set, strategy=strategy)
            pr = precision_recall(result, scenario.truth)
            cells.append(f"{pr.precision:.3f}/{pr.recall:.3f}/{pr.f1:.3f}")
        print(f"{name:<24}" + "".join(f"{c:>26}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quality-n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not args.skip_speed:
        speed(args.sizes, args.repeats, args.seed)
    if not args.skip_quality:
        quality(args.quality_n, args.seed)


if __name__ == "__main__":
    main()
