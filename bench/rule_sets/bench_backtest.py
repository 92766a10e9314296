"""What a backtest and a rule-suggestion run cost, next to the job's own matching.

A backtest reruns the engine over a job's sources and compares the outcome with the stored
results and the review decisions (tally.rule_sets.backtest.compare); suggestions run the engine
once per proposal (tally.matching.suggest.propose_rules). Both are measured here on the engine's
synthetic mixed set, as a ratio to ``reconcile`` alone within one run (medians of ``--repeat``).
The database reads around them (the two sources, the stored matches) are the job's own load
phase: see bench/jobs/REPORT.md.

    python -m bench.rule_sets.bench_backtest --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from tally.matching import reconcile
from tally.matching.backtest import predicted_pairs
from tally.matching.rules import RuleSet
from tally.matching.suggest import JobReview, propose_rules
from tally.matching.synthetic import generate_mixed
from tally.rule_sets.backtest import compare

REPORT = Path(__file__).with_name("REPORT.md")
NOTES = [
    "A backtest is one more matching run (the edited rules, here a wider date window) plus a",
    "diff of two results of the job's size (hash join on each match's member ids) and two",
    "precision/recall scorings, and it writes nothing but its report. Compare it with the 1M job's",
    "whole task in bench/jobs/REPORT.md (its load phase a backtest pays too; its result write and",
    "index_results a backtest skips), taken by that benchmark, not typed here. The diff is the",
    "backtest's largest part (about 6 s at 1M, timed alone on 2026-11-28: a dated note, not",
    "re-run by this script), the next thing to make faster. It runs in the task",
    "queue, like jobs. Suggestions run the engine once per proposal over each job learned from",
    "(here one); the API refuses them above 200,000 records of all those jobs together, because",
    "they run inside the request: the 100,000 row is that cap. Not measured here:",
    "reading the job's stored matches and links (a plain SELECT, not COPY) from the database.",
]


def _median(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def _stored(result: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The job's results as the database holds them (origin = what the engine made)."""
    matches = result.matches.select(
        "match_key",
        "rule",
        pl.when(pl.col("category") == "discrepancy")
        .then(pl.lit("discrepancy"))
        .otherwise(pl.col("status"))
        .alias("origin"),
        "status",
        "category",
    )
    return matches, result.links


def _changed(rule_set: RuleSet) -> RuleSet:
    """The same rules with every date window two days wider: a typical edit to backtest."""
    data = rule_set.model_dump(mode="json")
    for rule in data["rules"]:
        for condition in rule["conditions"]:
            if condition["type"] == "date":
                condition["window_days"] += 2
    return RuleSet.model_validate(data)


def measure(n: int, repeat: int) -> dict[str, Any]:
    scenario = generate_mixed(n, seed=1)
    left, right = scenario.left, scenario.right
    match_s, result = _median(lambda: reconcile(left, right, scenario.rule_set), repeat)
    matches, links = _stored(result)
    # Reviewers: what the engine predicted and the truth agrees on is confirmed, the rest of its
    # predictions rejected; 1% of the truth it missed was matched by hand.
    predicted = predicted_pairs(result)
    truth = scenario.truth.select(
        pl.col("left_id").cast(pl.Int64), pl.col("right_id").cast(pl.Int64)
    )
    missed = truth.join(predicted, on=["left_id", "right_id"], how="anti")
    manual = missed.head(max(3, n // 100))
    changed = _changed(scenario.rule_set)
    backtest_s, report = _median(lambda: compare(0, changed, left, right, matches, links), repeat)
    positives = pl.concat([predicted.join(truth, on=["left_id", "right_id"], how="semi"), manual])
    negatives = predicted.join(truth, on=["left_id", "right_id"], how="anti")
    suggest_s, proposals = _median(
        lambda: propose_rules([JobReview(0, left, right, manual, positives, negatives)]), repeat
    )
    return {
        "n": n,
        "left": left.height,
        "right": right.height,
        "reconcile_s": match_s,
        "backtest_s": backtest_s,
        "backtest_ratio": backtest_s / match_s,
        "diff": report.diff.model_dump(),
        "suggest_s": suggest_s,
        "suggest_ratio": suggest_s / match_s,
        "proposals": len(proposals),
        "manual_pairs": manual.height,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = [measure(n, args.repeat) for n in args.sizes]
    lines = [
        "# Backtest and rule-suggestion cost",
        "",
        f"`python -m bench.rule_sets.bench_backtest --sizes {' '.join(map(str, args.sizes))}` "
        f"({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, medians of {args.repeat}, shared 2-core "
        "machine). Engine only: the database reads are the job's own load phase.",
        "",
        "| true pairs | left x right | reconcile | backtest (rerun + diff + scores) | ratio "
        "| suggestions (manual pairs, proposals) | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['left']:,} x {r['right']:,} | {r['reconcile_s']:.2f} s "
            f"| {r['backtest_s']:.2f} s | {r['backtest_ratio']:.2f} "
            f"| {r['suggest_s']:.2f} s ({r['manual_pairs']}, {r['proposals']}) "
            f"| {r['suggest_ratio']:.2f} |"
        )
    lines += ["", "Diffs of the backtested edit (date windows +2 days):", ""]
    lines += [f"- {r['n']:,}: {r['diff']}" for r in rows]
    lines += ["", *NOTES]
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
