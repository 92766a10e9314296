"""Zero-configuration quality benchmark: ``python -m bench.quality.run --sizes 2000 100000``.

For every generator and size: write the case's files (bench.quality.generators), load them as an
upload with nothing given (bench.quality.load), then score against the truth

- ``inferred``: the rules ``tally.matching.infer.infer_rules`` proposes from the two frames (what
  a project with no rules gets), when that module exists;
- ``defaults``: the rule set a job used before inference (tally.jobs.rules.DEFAULT_RULE_SET);
- ``hand``: the rules the team writes knowing the files (bench.quality.hand_rules);
- ``sql``: an analyst's SQL in DuckDB over the same records (bench.quality.sql_baseline).

Precision and recall count the auto matches' left x right pairs (review items are not matches
until a person confirms them; their number is reported beside). Results go to results.json and
REPORT.md beside this file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from bench.quality.generate import DEFAULT_OUT, ensure_case
from bench.quality.generators import GENERATORS
from bench.quality.hand_rules import hand_rules
from bench.quality.knowledge import KNOWLEDGE
from bench.quality.load import LoadedCase, load_case
from bench.quality.report import write_report
from bench.quality.scoring import Score, result_pairs, score
from bench.quality.sql_baseline import sql_pairs
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.matching.engine import reconcile
from tally.matching.rules import RuleSet

HERE = Path(__file__).resolve().parent
METHODS = ("inferred", "defaults", "hand", "sql")
Inferrer = Callable[[pl.DataFrame, pl.DataFrame], Any]


def _inferrer() -> Inferrer | None:
    try:
        from tally.matching.infer import infer_rules  # optional until it lands
    except ImportError:
        return None
    return infer_rules  # type: ignore[no-any-return]


def _run_rules(loaded: LoadedCase, rule_set: RuleSet) -> tuple[Score, float, dict[str, Any]]:
    started = time.perf_counter()
    result = reconcile(loaded.left.frame, loaded.right.frame, rule_set)
    seconds = time.perf_counter() - started
    review = result.matches.filter(pl.col("status") != "auto").height
    outcome = score(loaded, result_pairs(result), review)
    stats = result.stats
    return (
        outcome,
        seconds,
        {
            "truncated": stats.group_candidates_truncated,
            "over_budget": stats.blocks_over_budget,
        },
    )


def run_case(name: str, n: int, seed: int, out: Path, methods: tuple[str, ...]) -> dict[str, Any]:
    started = time.perf_counter()
    case = ensure_case(out, name, n, seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    try:
        loaded = load_case(case)
    except Exception as error:  # a file detection cannot read is a finding, not a crash
        print(f"{name} n={n}: loading failed: {error}", flush=True)
        failed = {"error": f"loading failed: {type(error).__name__}: {error}"}
        return {"generator": name, "n": n, "seed": seed, "left_rows": 0, "right_rows": 0,
                "true_pairs": 0, "seconds_generate": round(generated, 2), "seconds_load": 0,
                "methods": {m: failed for m in methods}}  # fmt: skip
    row: dict[str, Any] = {
        "generator": name,
        "n": n,
        "seed": seed,
        "left_rows": loaded.left.frame.height,
        "right_rows": loaded.right.frame.height,
        "true_pairs": loaded.truth.height,
        "seconds_generate": round(generated, 2),
        "seconds_load": round(time.perf_counter() - started, 2),
        "mapping": {"left": loaded.left.mapping, "right": loaded.right.mapping},
        "asked": {"left": loaded.left.asked, "right": loaded.right.asked},
        "methods": {},
    }
    for method in methods:
        try:
            row["methods"][method] = _run_method(method, loaded, name)
        except Exception as error:  # one failing method must not hide the others' figures
            row["methods"][method] = {
                "error": f"{type(error).__name__}: {error}",
                "trace": traceback.format_exc(limit=4),
            }
        print(f"{name} n={n} {method}: {_brief(row['methods'][method])}", flush=True)
    return row


def _run_method(method: str, loaded: LoadedCase, name: str) -> dict[str, Any]:
    if method in ("hand", "sql") and name not in KNOWLEDGE:
        return {"error": "not written: a case the team has not seen"}
    if method == "sql":
        started = time.perf_counter()
        pairs = sql_pairs(loaded, KNOWLEDGE[name])
        seconds = time.perf_counter() - started
        return {**score(loaded, pairs).as_dict(), "seconds_match": round(seconds, 3)}
    infer_seconds = 0.0
    evidence: Any = None
    if method == "inferred":
        infer = _inferrer()
        if infer is None:
            return {"error": "inference not available (tally.matching.infer is not installed)"}
        started = time.perf_counter()
        inferred = infer(loaded.left.frame, loaded.right.frame)
        infer_seconds = time.perf_counter() - started
        rule_set: RuleSet = inferred.rule_set
        evidence = getattr(inferred, "evidence", None)
    elif method == "defaults":
        rule_set = DEFAULT_RULE_SET
    else:
        rule_set = hand_rules(loaded, KNOWLEDGE[name])
    outcome, seconds, extra = _run_rules(loaded, rule_set)
    data: dict[str, Any] = {
        **outcome.as_dict(),
        "seconds_match": round(seconds, 3),
        **extra,
        "rules": [rule.name for rule in rule_set.rules],
    }
    if method == "inferred":
        data["seconds_infer"] = round(infer_seconds, 3)
        data["infer_share"] = round(infer_seconds / (infer_seconds + seconds), 4)
        data["rule_set"] = json.loads(rule_set.to_json())
        if evidence is not None:
            data["evidence"] = _jsonable(evidence)
    return data


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        if hasattr(value, "model_dump"):
            return value.model_dump(mode="json")
        if isinstance(value, list | tuple):
            return [_jsonable(v) for v in value]
        return repr(value)[:2000]


def _brief(data: dict[str, Any]) -> str:
    if "error" in data:
        return str(data["error"])
    return (
        f"P {data['precision']:.3f} R {data['recall']:.3f} F1 {data['f1']:.3f} "
        f"({data.get('seconds_match', 0):.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[2000])
    parser.add_argument("--generators", nargs="+", default=list(GENERATORS))
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where cases are written")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument("--report", type=Path, default=HERE / "REPORT.md")
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = dt.datetime.now(dt.UTC)
    rows = [
        run_case(name, n, args.seed, args.out, tuple(args.methods))
        for n in args.sizes
        for name in args.generators
    ]
    run = {
        "command": "python -m bench.quality.run " + " ".join(sys.argv[1:]),
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cases": rows,
    }
    args.results.write_text(json.dumps(run, indent=1, default=str) + "\n")
    write_report(run, args.report)
    print(f"wrote {args.results} and {args.report}")


if __name__ == "__main__":
    main()
