"""REPORT.md of the quality benchmark, written from a run's results (bench.quality.run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

METHOD_TITLES = {
    "inferred": "no rules (inferred)",
    "defaults": "no rules (pre-inference defaults)",
    "hand": "hand-tuned rules",
    "sql": "analyst's SQL (DuckDB)",
}

PREAMBLE = """\
# Zero-configuration matching quality (issue 12)

Each generator (`bench/quality/generators.py`) writes the two files a finance team holds, with the
truth beside them; each file is read as an upload with nothing given (format detection, preflight's
proposed mapping, the full read: `bench/quality/load.py`), and the records become the frames a job
hands the matching engine. Precision, recall and F1 count the left x right pairs of **auto** matches
(review items are not matches until someone confirms them; their count is listed). A copy of a row
exported twice counts as the row it copies. Per-scenario recall splits the truth by how the pair
was generated.

Methods: **no rules (inferred)** = `tally.matching.infer.infer_rules(left, right).rule_set`, what a
project without rules gets; **pre-inference defaults** = `tally.jobs.rules.DEFAULT_RULE_SET`, what
a job used before; **hand-tuned** = the rules the team writes knowing the files
(`bench/quality/hand_rules.py`, from `knowledge.py`); **SQL** = an analyst's queries in DuckDB over
the same records (`bench/quality/sql_baseline.py`: reference regex + fee tolerance, sums by
reference, counterparty + amount + 30 days, ambiguous candidates dropped).

Target (issue 12): with no rules, F1 >= 0.98 and precision >= 0.995 on every generator.

Generators: `bank_ledger_de` sales ledger (UTF-8, ISO dates) vs German bank export (cp1252, `;`,
DD.MM.YYYY, 1.234,56; invoice number in the purpose text, fees, typos, 2-3 instalments, batches
quoting the first invoice with "ff", transfers without a number, rows exported twice);
`bank_ledger_fr` (French bank, `1 234,56`, DD/MM/YYYY, French ledger headers nothing maps to,
`F2024/000123` numbers), `bank_ledger_nl` (Dutch bank, YYYYMMDD, bare 10-digit numbers, 5%
exported twice), `bank_ledger_gb` (British bank with the text in `Reference`, a Swiss-formatted
German ledger `1'234.56`, `104233-A` numbers, 15% open invoices, 25% unrelated bank rows);
`payouts_orders` (shop orders with a Stripe payout id vs a German bank: one payout = 1-8 charges
and refunds minus 1.4% + 0.25 per charge), `payouts_orders_adyen` (numeric batch ids, 2.9% + 0.30,
British bank); `vendor_ap` / `vendor_ap_de` (AP invoices vs outgoing payments whose remittance
lists the vendors' numbers, each vendor numbering its own way; 2-3% discounts, batches, credit
notes, instalments, payments quoting the company's own document number); `marketplace_es`
(`bench/quality/marketplace.py`, written to check that inference generalises, no hand rules or SQL
exist for it: a Spanish seller's order book `;`, DD/MM/YY, `1.234,56`, orders in EUR and GBP,
credit notes naming their order in a column of their own, vs a marketplace settlement report
`05-Mar-2024`, `1,234.56`: commission by category 7-15 %, split shipments, refunds, chargebacks,
sale rows without the order id, rows exported twice); `acquirer_de` (`bench/quality/acquirer.py`,
written the same way: a German shop's card terminal export, cp1252, `;`, DD.MM.YYYY, vs its card
acquirer's settlement report, ISO dates: fees by card type 0.9-2.4 % + 0.08, tips added after
authorisation, cards charged in USD/GBP/CHF settled in EUR, refunds and offline payments without
an authorisation code on one side, American Express settled as one row per terminal and day,
chargebacks, terminal rental, terminal rows exported twice). `direct_debit_fr`
(`bench/quality/direct_debit.py`, written the same way: a French telecom's monthly bills, the same
plan prices for many customers every month, vs its bank statement: SEPA debits whose end-to-end id
glues the bill number to a prefix `FAC301000053`, debits returned unpaid and presented again (the
bill pairs with all three rows), arrears paid in two transfers naming the bill as people write it,
transfers naming only the customer, return fees, shop card receipts); `intercompany_vat`
(`bench/quality/intercompany.py`, the same way: one group company's intercompany invoices booked
net vs the other's purchase journal booked gross with 19/7/0 % VAT, the supplier number typed three
ways `ICR-2024-000123` / `ICR 2024/123` / `2024000123`, lines split over cost centres with VAT
rounded per line, credit notes, typos, lines without the number, purchases from outside the group).
"""


def _fmt(data: dict[str, Any]) -> str:
    if "error" in data:
        return str(data["error"]).split("\n")[0][:60]
    return f"{data['precision']:.3f} / {data['recall']:.3f} / **{data['f1']:.3f}**"


def _recall(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def write_report(run: dict[str, Any], path: Path) -> None:
    lines = [PREAMBLE]
    lines.append(
        f"Run: `{run['command']}`, {run['started']} to {run['finished']} UTC, {run['machine']}; "
        f"load average (1/5/15 min) before {run['load_average_before']}, after "
        f"{run['load_average_after']} (the machine is shared; quality figures do not depend on "
        "load, timings do)."
    )
    cases = run["cases"]
    methods = [m for m in METHOD_TITLES if any(m in c["methods"] for c in cases)]
    for n in sorted({c["n"] for c in cases}):
        lines.append(f"\n## n = {n:,} (precision / recall / F1)\n")
        header = "| generator | left / right rows | " + " | ".join(
            METHOD_TITLES[m] for m in methods
        )
        lines.append(header + " |")
        lines.append("|---|---|" + "---|" * len(methods))
        for c in (c for c in cases if c["n"] == n):
            cells = [_fmt(c["methods"].get(m, {"error": "-"})) for m in methods]
            lines.append(
                f"| {c['generator']} | {c['left_rows']:,} / {c['right_rows']:,} | "
                + " | ".join(cells)
                + " |"
            )
        lines.append("\nRecall per scenario:\n")
        lines.append(
            "| generator | scenario | " + " | ".join(METHOD_TITLES[m] for m in methods) + " |"
        )
        lines.append("|---|---|" + "---|" * len(methods))
        for c in (c for c in cases if c["n"] == n):
            scenarios = sorted(
                {s for d in c["methods"].values() for s in d.get("per_scenario_recall", {})}
            )
            for s in scenarios:
                cells = [
                    _recall(c["methods"].get(m, {}).get("per_scenario_recall", {}).get(s))
                    for m in methods
                ]
                lines.append(f"| {c['generator']} | {s} | " + " | ".join(cells) + " |")
        lines.append("\nTimes (s): load = detection + full read of both files; match = engine.\n")
        lines.append(
            "| generator | load | "
            + " | ".join(f"{m} match" for m in methods)
            + " | inference (share of inference + match) | review items (hand) "
            + "| sum-search blocks over budget (inferred) |"
        )
        lines.append("|---|---|" + "---|" * len(methods) + "---|---|---|")
        for c in (c for c in cases if c["n"] == n):
            inferred = c["methods"].get("inferred", {})
            share = (
                f"{inferred['seconds_infer']:.2f} ({inferred['infer_share']:.1%})"
                if "seconds_infer" in inferred
                else "-"
            )
            times = [str(c["methods"].get(m, {}).get("seconds_match", "-")) for m in methods]
            review = c["methods"].get("hand", {}).get("review", "-")
            over = inferred.get("over_budget", "-")
            lines.append(
                f"| {c['generator']} | {c['seconds_load']} | "
                + " | ".join(times)
                + f" | {share} | {review} | {over} |"
            )
    asked = [
        f"- {c['generator']} n={c['n']:,} {side}: {question}"
        for c in cases
        for side, questions in (c.get("asked") or {}).items()
        for question in questions.values()
    ]
    if asked:
        lines.append("\n## What the upload had to ask (detection could not decide)\n")
        lines.append(
            "The loader answered with the format the file was written in, as a user would:\n"
        )
        lines += asked
    path.write_text("\n".join(lines) + "\n")
