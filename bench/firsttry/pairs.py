"""Zero-config jobs on natural pairs: a real bank export against the books kept from it.

The real exports of ``../shared/bank-samples`` that come with another importer's output (Banana
Accounting's expectation tables, beancount extracts) form a natural pair: the bank's file, and the
ledger an accounting tool booked from it. The ledger side is written at run time into a temporary
folder as an accounting tool exports it (ISO dates, one signed amount, the text), never into the
project. Both files load with nothing given, rules are inferred from the two frames
(``tally.matching.infer.infer_rules``, what a project with no rules gets), and the job's auto
matches are scored against the truth: a bank record and a ledger line of the same date and
amount whose texts agree; the rest of a (date, amount) in file order (the n-th with the n-th).

    .venv/bin/python -m bench.firsttry.pairs
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from bench.firsttry.run import SAMPLES
from bench.quality.load import RIGHT_ID_OFFSET, load_file
from tally.matching.engine import reconcile
from tally.matching.infer import infer_rules

Line = tuple[date, Decimal, str]


def _banana_lines(path: Path) -> list[Line]:
    lines = Path(f"{path}.expected.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Date & DateValue"))
    found = []
    for line in lines[start + 1 :]:
        if not re.match(r"\d{4}-\d\d-\d\d ", line):
            break
        cells = [cell.strip() for cell in line.rstrip().removesuffix("\\\\").split("&")]
        income, expenses = cells[-2], cells[-1]
        amount = Decimal(income or 0) - Decimal(expenses or 0)
        found.append((date.fromisoformat(cells[0]), amount, cells[-3]))
    return found


def _beancount_lines(path: Path) -> list[Line]:
    text = Path(f"{path}.expected.beancount").read_text(encoding="utf-8")
    pattern = r'^(\d{4}-\d\d-\d\d) \* "([^"]*)".*\n\s+\S+\s+(-?[\d.]+) USD'
    return [
        (date.fromisoformat(day), Decimal(amount), payee)
        for day, payee, amount in re.findall(pattern, text, re.M)
    ]


def natural_pairs() -> list[tuple[Path, list[Line]]]:
    pairs = []
    for path in sorted(SAMPLES.iterdir()) if SAMPLES.is_dir() else []:
        if Path(f"{path}.expected.txt").exists():
            pairs.append((path, _banana_lines(path)))
        elif Path(f"{path}.expected.beancount").exists() and path.name.startswith("beancount"):
            pairs.append((path, _beancount_lines(path)))
    return pairs


def _write_ledger(lines: list[Line], folder: Path) -> Path:
    path = folder / "ledger.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Posting date", "Memo", "Amount"])
        for day, amount, text in lines:
            writer.writerow([day.isoformat(), text, f"{amount:.2f}"])
    return path


def _truth(left: pl.DataFrame, right: pl.DataFrame) -> set[tuple[int, int]]:
    """Records of one (date, amount) whose texts agree (one holds the other: the books may add
    a word) pair first; the rest of a (date, amount) pair in file order (the n-th bank record
    with the n-th ledger line)."""
    queues: dict[tuple[date, int], list[tuple[int, str]]] = defaultdict(list)
    for row in right.select("id", "booking_date", "amount", "description").iter_rows():
        queues[(row[1], abs(row[2]))].append((row[0], _text(row[3])))
    truth: set[tuple[int, int]] = set()
    rest = []
    for row in left.select("id", "booking_date", "amount", "description").iter_rows():
        queue, text = queues[(row[1], abs(row[2]))], _text(row[3])
        agreeing = next((c for c in queue if text and (text in c[1] or c[1] in text)), None)
        if agreeing is None:
            rest.append(row)
            continue
        queue.remove(agreeing)
        truth.add((row[0], agreeing[0]))
    for row in rest:
        queue = queues[(row[1], abs(row[2]))]
        if queue:
            truth.add((row[0], queue.pop(0)[0]))
    return truth


def _text(value: str | None) -> str:
    return " ".join((value or "").casefold().split())


def run_pair(bank: Path, lines: list[Line]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        ledger = _write_ledger(lines, Path(folder))
        left = load_file(bank)
        right = load_file(ledger, RIGHT_ID_OFFSET)
    truth = _truth(left.frame, right.frame)
    inferred = infer_rules(left.frame, right.frame)
    result = reconcile(left.frame, right.frame, inferred.rule_set)
    auto = result.matches.filter(
        (pl.col("status") == "auto") & (pl.col("category") == "matched")
    ).select("match_key")
    links = result.links.join(auto, on="match_key")
    sides = {
        side: links.filter(pl.col("side") == side).select(
            "match_key", pl.col("record_id").alias(f"{side}_id")
        )
        for side in ("left", "right")
    }
    found = {
        (a, b)
        for a, b in sides["left"]
        .join(sides["right"], on="match_key")
        .select("left_id", "right_id")
        .iter_rows()
    }
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return {
        "bank": bank.name,
        "bank_records": left.frame.height,
        "ledger_lines": right.frame.height,
        "truth_pairs": len(truth),
        "matched_pairs": len(found),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "rules": [rule.name for rule in inferred.rule_set.rules],
    }


def main() -> int:
    pairs = natural_pairs()
    if not pairs:
        print("no natural pairs: ../shared/bank-samples is absent")
        return 0
    print("| bank export | bank records | ledger lines | truth pairs | matched | P | R | rules |")
    print("|---|---|---|---|---|---|---|---|")
    for bank, lines in pairs:
        try:
            row = run_pair(bank, lines)
        except Exception as error:  # a failing pair is a finding to report, not a crash
            print(f"| {bank.name} | failed: {type(error).__name__}: {str(error)[:120]} |")
            continue
        print(
            f"| {row['bank']} | {row['bank_records']} | {row['ledger_lines']} | "
            f"{row['truth_pairs']} | {row['matched_pairs']} | {row['precision']} | "
            f"{row['recall']} | {', '.join(map(str, row['rules']))} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
