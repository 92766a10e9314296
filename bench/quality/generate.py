"""Write generated cases to disk: ``python -m bench.quality.generate --sizes 2000 --out DIR``.

Each case lands in ``DIR/<generator>-<n>-<seed>/`` with its two files, ``truth.csv`` (left_row,
right_row, scenario) and ``twins.csv`` (rows exported twice). ``bench.quality.load.load_case``
reads them back through Tally's upload detection into the job's record frames.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.quality.case import Case
from bench.quality.generators import GENERATORS, generate

DEFAULT_OUT = Path("bench/data/quality")


def case_dir(out: Path, name: str, n: int, seed: int) -> Path:
    return out / f"{name}-{n}-{seed}"


def ensure_case(out: Path, name: str, n: int, seed: int) -> Case:
    """The case on disk, written first if it is not there yet (generation is deterministic)."""
    directory = case_dir(out, name, n, seed)
    if (directory / "case.json").exists():
        return Case.open(directory)
    return generate(name, n, seed, directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generators", nargs="*", default=list(GENERATORS))
    parser.add_argument("--sizes", nargs="*", type=int, default=[2000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    for name in args.generators:
        for n in args.sizes:
            case = ensure_case(args.out, name, n, args.seed)
            print(case.directory)


if __name__ == "__main__":
    main()
