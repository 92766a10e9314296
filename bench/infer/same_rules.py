"""Does a change to inference's sampling propose the same rules? Two checkouts, one answer each.

``python -m bench.infer.same_rules --base /tmp/base --sizes 100000`` infers the rules of every
generator of bench/quality (files written, detected and loaded as an upload) and of every case
of ``tally.demo.cases``, once with this checkout's ``src`` and once with ``--base``'s (e.g.
``git worktree add /tmp/base main``), each in its own process, and reports whether the two rule
sets are identical (same JSON), with the records each inference read and its seconds. Identical
rule sets on the same records give the same matches, hence the same precision, recall and F1.
Results go to ``same_rules.json`` beside this file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.infer.cost import keep
from bench.quality.generate import DEFAULT_OUT
from bench.quality.generators import GENERATORS
from tally.demo.cases import CASES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# Run in a child process whose tally comes from the checkout given first on PYTHONPATH.
_CHILD = """
import json, sys, time
from pathlib import Path
kind, name, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
if kind == "demo":
    from tally.demo.cases import generate_case
    case = generate_case(name, n, 1)
    left, right = case.left, case.right
else:
    from bench.quality.generate import ensure_case
    from bench.quality.load import load_case
    loaded = load_case(ensure_case(out, name, n, 1))
    left, right = loaded.left.frame, loaded.right.frame
from tally.matching.infer import infer_rules
started = time.perf_counter()
inferred = infer_rules(left, right)
print(json.dumps({
    "seconds": round(time.perf_counter() - started, 2),
    "sampled": [inferred.sampled_left, inferred.sampled_right],
    "rows": [left.height, right.height],
    "rule_set": json.loads(inferred.rule_set.to_json()),
}))
"""


def infer_with(checkout: Path, kind: str, name: str, n: int, out: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{checkout / 'src'}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, name, str(n), str(out)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=Path, required=True, help="checkout to compare with")
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where cases are written")
    parser.add_argument("--results", type=Path, default=HERE / "same_rules.json")
    parser.add_argument("--only", nargs="*", default=[], help="generators or cases to run")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    cases = [("quality", g) for g in GENERATORS] + [("demo", c) for c in CASES]
    cases = [(kind, name) for kind, name in cases if not args.only or name in args.only]
    for n in args.sizes:
        for kind, name in cases:
            base = infer_with(args.base, kind, name, n, args.out)
            this = infer_with(ROOT, kind, name, n, args.out)
            row = {
                "kind": kind,
                "name": name,
                "n": n,
                "rows": this["rows"],
                "identical": base["rule_set"] == this["rule_set"],
                "rules": len(this["rule_set"]["rules"]),
                "sampled": {"base": base["sampled"], "this": this["sampled"]},
                "seconds": {"base": base["seconds"], "this": this["seconds"]},
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
            keep(rows, row, args.results)


if __name__ == "__main__":
    main()
