"""Rule inference on the varied generated cases of ``tally.demo.cases``, with no rules written.

``python -m bench.infer.run --sizes 2000 100000`` infers a rule set from each case's two frames
(``tally.matching.infer.infer_rules``), runs it (``reconcile``) and scores the auto matches'
pairs against the truth: precision, recall, F1, recall per scenario, and the inference's share of
inference + matching time. Rows exported twice are scored as the rows they copy (no program can
tell two identical rows apart). Results go to ``results.json`` and REPORT.md's table beside this
file. The quality benchmark (``python -m bench.quality.run --methods inferred``) runs the team's
other generators through files and detection.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import polars as pl

from tally.demo.cases import CASES, Case, generate_case
from tally.matching.backtest import predicted_pairs
from tally.matching.engine import reconcile
from tally.matching.infer import infer_rules

HERE = Path(__file__).resolve().parent


def _canonical(pairs: pl.DataFrame, case: Case) -> pl.DataFrame:
    """Pairs with a copied row's id replaced by its original's."""
    return (
        pairs.join(case.twins, on="right_id", how="left")
        .select("left_id", pl.coalesce("original_id", "right_id").alias("right_id"))
        .unique()
    )


def run_case(name: str, n: int, seed: int) -> dict[str, Any]:
    case = generate_case(name, n, seed)
    started = time.perf_counter()
    inferred = infer_rules(case.left, case.right)
    infer_s = time.perf_counter() - started
    started = time.perf_counter()
    result = reconcile(case.left, case.right, inferred.rule_set)
    match_s = time.perf_counter() - started
    predicted = _canonical(predicted_pairs(result, statuses=("auto",)), case)
    truth = _canonical(case.truth, case)
    hits = predicted.join(truth, on=["left_id", "right_id"], how="semi").height
    precision = hits / predicted.height if predicted.height else 1.0
    recall = hits / truth.height if truth.height else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    scenarios = case.scenario.join(case.twins, on="right_id", how="left").select(
        "left_id", pl.coalesce("original_id", "right_id").alias("right_id"), "scenario"
    )
    found = scenarios.join(
        predicted.with_columns(pl.lit(True).alias("hit")), on=["left_id", "right_id"], how="left"
    )
    per_scenario = {
        str(k): round(float(v), 4)
        for k, v in found.group_by("scenario")
        .agg(pl.col("hit").fill_null(False).mean())
        .sort("scenario")
        .iter_rows()
        if k is not None
    }
    return {
        "case": name,
        "n": n,
        "seed": seed,
        "left_rows": case.left.height,
        "right_rows": case.right.height,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "per_scenario_recall": per_scenario,
        "seconds_infer": round(infer_s, 3),
        "seconds_match": round(match_s, 3),
        "infer_share": round(infer_s / (infer_s + match_s), 4),
        "rules": [rule.name for rule in inferred.rule_set.rules],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[2000])
    parser.add_argument("--cases", nargs="+", default=list(CASES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        for name in args.cases:
            row = run_case(name, n, args.seed)
            rows.append(row)
            print(
                f"{name} n={n}: P {row['precision']:.4f} R {row['recall']:.4f} "
                f"F1 {row['f1']:.4f}; infer {row['seconds_infer']:.2f} s, match "
                f"{row['seconds_match']:.2f} s ({row['infer_share']:.1%})",
                flush=True,
            )
    meta = {
        "taken": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
    }
    args.results.write_text(json.dumps({"meta": meta, "runs": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
