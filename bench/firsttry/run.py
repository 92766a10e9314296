"""First-try benchmark: every corpus file through preflight and a load with nothing given.

For each file it prints preflight's verdict (ok / errors / refused), the outcome of loading it with
no option at all (the path an upload takes: the first rows checked, then the whole file read, row
errors rejecting the file, statements' balances checked), and whether the records equal the
expected ones. Files: ``bench/firsttry/corpus`` (written by ``write_corpus``, expectations in
``<file>.expected.json``) and the real exports of ``../shared/bank-samples`` (read in place; their
expectations come from the ``.expected.*`` sidecars or ``real_expected.json``).

    .venv/bin/python -m bench.firsttry.run [--report bench/firsttry/REPORT.md] [--verbose]
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tally.ingest.errors import IngestError
from tally.ingest.formats import FormatError
from tally.money import to_units
from tally.sources.reading import HEAD_BYTES, UploadOptions, load_verdict, preview_file, read_file

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
REAL_EXPECTED = HERE / "real_expected.json"
SAMPLES = HERE.parents[2] / "shared" / "bank-samples"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/bank-samples")

Key = tuple[date | None, int, str | None]
NOTES = "## Findings"


@dataclass
class Expected:
    records: Counter[Key] | None  # None: only the count is known
    count: int
    compare_dates: bool = True
    compare_currency: bool = True
    truth: str = ""
    mapping: dict[str, str] | None = None  # fields detection must map to these columns
    encoding: str | None = None  # the encoding detection must choose
    ask: dict[str, str] | None = None  # the user's answer when preflight must ask (no guess)


@dataclass
class Outcome:
    name: str
    preflight: str  # "ok", "errors", "refused", "asks" (a question only the user can answer)
    load: str  # "loaded", "failed"
    correct: bool
    detail: str

    @property
    def honest(self) -> bool:
        return (self.preflight in ("ok", "asks")) == (self.load == "loaded")


def _key(day: Any, amount: int, currency: str | None, expected: Expected) -> Key:
    return (
        day if expected.compare_dates else None,
        amount,
        currency if expected.compare_currency else None,
    )


def corpus_expectation(path: Path) -> Expected:
    spec = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    rows = spec["records"]
    currencies = any(row[2] is not None for row in rows)
    expected = Expected(None, len(rows), True, currencies, spec["quirks"])
    expected.mapping = spec.get("mapping")
    expected.encoding = spec.get("encoding")
    expected.ask = spec.get("ask")
    expected.records = Counter(
        _key(date.fromisoformat(d), to_units(Decimal(a)), c, expected) for d, a, c in rows
    )
    return expected


def _banana(path: Path) -> Expected:
    lines = Path(f"{path}.expected.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Date & DateValue"))
    found: Counter[Key] = Counter()
    for line in lines[start + 1 :]:
        if not re.match(r"\d{4}-\d\d-\d\d ", line):
            break
        _, income, expenses = line.rstrip().removesuffix("\\\\").rsplit("&", 2)
        amount = Decimal(income.strip() or 0) - Decimal(expenses.strip() or 0)
        found[(date.fromisoformat(line[:10]), to_units(amount), None)] += 1
    return Expected(found, sum(found.values()), True, False, "Banana Accounting expectation")


def _beancount(path: Path, with_dates: bool) -> Expected:
    text = Path(f"{path}.expected.beancount").read_text(encoding="utf-8")
    found: Counter[Key] = Counter()
    for day, amount in re.findall(r"^(\d{4}-\d\d-\d\d) \*.*\n\s+\S+\s+(-?[\d.]+) USD", text, re.M):
        found[(date.fromisoformat(day) if with_dates else None, to_units(amount), None)] += 1
    return Expected(found, sum(found.values()), with_dates, False, "beancount extract")


def real_expectation(path: Path, table: dict[str, Any]) -> Expected | None:
    if Path(f"{path}.expected.txt").exists():
        return _banana(path)
    spec = table.get(path.name)
    if Path(f"{path}.expected.beancount").exists() and not spec:
        return _beancount(path, with_dates=path.name.startswith("beancount"))
    if spec is None:
        return None
    if "records" in spec:
        rows = spec["records"]
        found = Counter((date.fromisoformat(d), to_units(Decimal(a)), c) for d, a, c in rows)
        return Expected(found, len(rows), True, True, spec["truth"])
    return Expected(None, spec["count"], truth=spec["truth"])


def run_file(path: Path, expected: Expected) -> Outcome:
    size = path.stat().st_size
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    complete = size <= len(head)
    try:
        preview = preview_file(head, complete=complete, options=UploadOptions(), path=path)
    except (IngestError, FormatError) as error:
        return Outcome(path.name, "refused", "failed", False, f"refused: {error}")
    if expected.ask is not None:
        return _run_answered(path, head, complete, preview, expected)
    return run_plan(path, preview, expected)


def run_plan(path: Path, preview: Any, expected: Expected) -> Outcome:
    """Load the whole file with the plan preflight made and compare with the expected records."""
    verdict = "ok" if preview.ok else "errors"
    if not preview.ok:
        first = preview.errors[0].to_exception()
        return Outcome(path.name, verdict, "failed", False, f"upload refused: {first}")
    try:
        records, problem = load_verdict(read_file(path, preview.plan, batch_rows=10_000))
    except (IngestError, FormatError) as error:
        return Outcome(path.name, verdict, "failed", False, f"load failed: {error}")
    if problem is not None:
        return Outcome(path.name, verdict, "failed", False, f"load failed: {problem}")
    misread = _misread(preview.plan.options or {}, expected)
    if misread:
        return Outcome(path.name, verdict, "loaded", False, misread)
    got: Counter[Key] = Counter(
        _key(row["booking_date"], row["amount"], row["currency"], expected) for row in records
    )
    if expected.records is None:
        correct = sum(got.values()) == expected.count
        detail = f"{sum(got.values())} records, expected {expected.count}"
    else:
        correct = got == expected.records
        missing = expected.records - got
        extra = got - expected.records
        detail = "" if correct else f"missing {list(missing)[:3]} extra {list(extra)[:3]}"
    return Outcome(path.name, verdict, "loaded", correct, detail)


def _run_answered(
    path: Path, head: bytes, complete: bool, preview: Any, expected: Expected
) -> Outcome:
    """A file no detection can settle: preflight must put the question (an 'options' error
    naming the columns to choose between, nothing else), then load right with the answer."""
    errors = preview.errors
    columns = set((expected.ask or {}).values())
    asked = (
        bool(errors)
        and all(error.code == "options" for error in errors)
        and any(all(column in error.reason for column in columns) for error in errors)
    )
    if not asked:
        found = "; ".join(f"{e.code}: {e.reason}" for e in errors[:2]) or "preflight ok"
        return Outcome(
            path.name, "errors" if errors else "ok", "failed", False, f"no question: {found}"
        )
    answered = preview_file(
        head, complete=complete, options=UploadOptions(mapping=expected.ask), path=path
    )
    outcome = run_plan(path, answered, expected)
    outcome.preflight = "asks"
    return outcome


def _codec(name: str) -> str:
    return codecs.lookup(name).name


def _misread(options: dict[str, Any], expected: Expected) -> str:
    """What detection chose differently from the stated mapping and encoding ('' when nothing)."""
    found = options.get("mapping") or {}
    wrong = [
        f"{field}={found.get(field)!r} (expected {column!r})"
        for field, column in (expected.mapping or {}).items()
        if found.get(field) != column
    ]
    encoding = options.get("encoding")
    if expected.encoding and _codec(expected.encoding) != _codec(encoding or "ascii"):
        wrong.append(f"encoding={encoding!r} (expected {expected.encoding!r})")
    return "; ".join(wrong)


def corpus_files() -> list[tuple[str, Path, Expected]]:
    files = [
        ("written", path, corpus_expectation(path))
        for path in sorted(CORPUS.iterdir())
        if not path.name.endswith(".expected.json")
    ]
    if SAMPLES.is_dir():
        table = json.loads(REAL_EXPECTED.read_text(encoding="utf-8"))
        for path in sorted(SAMPLES.iterdir()):
            if ".expected." in path.name or path.suffix == ".md":
                continue
            expected = real_expectation(path, table)
            if expected is not None:
                files.append(("real", path, expected))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="also write the table to this Markdown file")
    parser.add_argument("--verbose", action="store_true", help="say why a file is not correct")
    args = parser.parse_args(argv)
    rows = []
    outcomes: list[tuple[str, Outcome]] = []
    for kind, path, expected in corpus_files():
        outcome = run_file(path, expected)
        outcomes.append((kind, outcome))
        mark = "yes" if outcome.correct else "NO"
        line = f"| {kind} | {outcome.name} | {outcome.preflight} | {outcome.load} | {mark} |"
        if args.verbose and not outcome.correct:
            line += f" {outcome.detail[:160]}"
        rows.append(line)
    total = len(outcomes)
    correct = sum(o.correct for _, o in outcomes)
    honest = sum(o.honest for _, o in outcomes)
    summary = [
        f"files: {total} ({sum(k == 'written' for k, _ in outcomes)} written, "
        f"{sum(k == 'real' for k, _ in outcomes)} real)",
        f"loaded correctly with nothing given: {correct}/{total} ({100 * correct / total:.1f}%)",
        f"preflight verdict == load outcome: {honest}/{total} ({100 * honest / total:.1f}%)",
    ]
    table = [
        "| corpus | file | preflight | load | records as expected |",
        "|---|---|---|---|---|",
        *rows,
    ]
    print("\n".join([*table, "", *summary]))
    if args.report:
        preamble = [
            "# First-try corpus: preflight verdict and load outcome with nothing given",
            "",
            f"Taken {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with "
            "`.venv/bin/python -m bench.firsttry.run --report bench/firsttry/REPORT.md` "
            "(no timing: the figures are counts, unaffected by the machine's load).",
            "",
            "Each file goes the way an upload goes, with no option: `preview_file` (preflight of "
            "the file's head, statements read whole with their balances checked), then, when "
            "preflight says ok, the whole file through `read_file` with the load's rules "
            "(`load_verdict`: any bad row rejects the file, a statement that does not balance "
            "too). 'written' files are `bench/firsttry/corpus` (provenance and expected records "
            "in each `.expected.json`); 'real' files are `../shared/bank-samples`, read in place, "
            "checked against their `.expected.*` sidecars (dates and amounts) or the counts in "
            "`real_expected.json`. `tests/sources/test_first_try.py` uploads corpus files "
            "through the API into SQLite and PostgreSQL.",
            "",
        ]
        text = "\n".join([*preamble, *summary, "", *table]) + "\n"
        # Hand-written findings below the table survive a re-run.
        old = args.report.read_text(encoding="utf-8") if args.report.exists() else ""
        if NOTES in old:
            text += "\n" + old[old.index(NOTES) :]
        args.report.write_text(text, encoding="utf-8")
    return 0 if honest == total else 1


if __name__ == "__main__":
    sys.exit(main())
