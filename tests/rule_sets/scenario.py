"""A reviewed job and a changed rule set whose backtest has a known diff and known figures.

The job runs tests.helpers.results.RULES. What its engine makes: ``a`` auto; ``b`` a discrepancy
(5.00 apart); the two card payments tie (four ambiguous alternatives); ``c`` a suggestion (3 days
apart); ``e`` unmatched (1.00 apart, no reference). Reviewers then confirm ``a``, reject ``c``,
reject ``b``'s discrepancy and match ``b`` by hand, and match ``e`` by hand.

changed_rules() widens the reference rule's tolerance to 5.00 (``b`` changes from a discrepancy to a
match), narrows the amount/date window to 2 days (``c`` is lost) and adds a description rule
(``e`` is added). Pairs: positives a, b, e; negatives c (and b, overruled by its manual match).

- the job: predicted a (auto), c (suggested): 1 confirmed, 1 rejected -> precision 0.5; 1 of 3
  positives found -> recall 1/3.
- the changed rules: predicted a, b, e: 3 confirmed, 0 rejected -> precision 1.0, recall 1.0.

FEE_BANK / FEE_LEDGER are for rule suggestions: bank lines quoting an invoice in free text, 1.20
short and two days late, which the job's rules never match.
"""

from __future__ import annotations

import copy
from typing import Any

from httpx import AsyncClient

from tests.helpers.records import Row
from tests.helpers.results import RULES, Reconciled

BANK = {
    "a": Row("INV-1", "2026-01-02", "100.00", "Payment INV-1", "Acme"),
    "b": Row("INV-2", "2026-01-03", "250.50", "Payment INV-2", "Globex"),
    "card_a": Row(None, "2026-01-10", "40.00", "Card", "Shop A"),
    "card_b": Row(None, "2026-01-10", "40.00", "Card", "Shop A"),
    "c": Row(None, "2026-01-20", "75.00", "Transfer", "Initech"),
    "e": Row(None, "2026-01-14", "30.00", "Order 77", "Umbrella"),
}
LEDGER = {
    "a": Row("INV-1", "2026-01-01", "100.00", "Invoice 1", "Acme"),
    "b": Row("INV 2", "2026-01-02", "255.50", "Invoice 2", "Globex"),
    "card_a": Row(None, "2026-01-10", "40.00", "Card A", "Shop A"),
    "card_b": Row(None, "2026-01-10", "40.00", "Card B", "Shop A"),
    "c": Row(None, "2026-01-23", "75.00", "Bank transfer", "Initech Ltd"),
    "e": Row(None, "2026-01-15", "31.00", "order 77", "Umbrella Corp"),
}


# Bank lines quote the invoice in free text and arrive 1.20 short, two days after the ledger's
# invoice: the job's rules (tests.helpers.results.RULES) match none of them. Reviewers match the
# first four by hand; INV-1005 stays unreviewed.
FEE_BANK = {
    f"inv{n}": Row(None, f"2026-02-{n + 2:02d}", "98.80", f"Zahlung INV-100{n} ff", "Acme")
    for n in range(1, 6)
}
FEE_LEDGER = {
    f"inv{n}": Row(f"INV-100{n}", f"2026-02-{n:02d}", "100.00", f"Invoice {n}", "Acme")
    for n in range(1, 6)
}


def changed_rules() -> dict[str, Any]:
    rules = copy.deepcopy(RULES)
    reference, amount_date = rules["rules"]
    reference["conditions"][1]["abs_tolerance"] = "5.00"
    amount_date["conditions"][1]["window_days"] = 2
    rules["rules"].append(
        {
            "name": "description_amount",
            "conditions": [
                {"type": "equals", "field": "description", "normalisers": ["case"]},
                {"type": "amount", "abs_tolerance": "2.00"},
                {"type": "date", "window_days": 5},
            ],
            "auto": 0.9,
            "suggest": 0.6,
        }
    )
    return rules


async def match_id(client: AsyncClient, world: Reconciled, tab: str, label: str) -> int:
    response = await client.get(world.url(f"/matches?tab={tab}"), headers=world.owner.headers)
    for match in response.json()["items"]:
        ids = ([r["id"] for r in match["left"]], [r["id"] for r in match["right"]])
        if ids == ([world.left[label]], [world.right[label]]):
            return int(match["id"])
    raise AssertionError(f"no {tab} match for {label}")


async def review(client: AsyncClient, world: Reconciled) -> None:
    """The reviewers' decisions the scenario describes, through the API."""
    headers = world.editor.headers

    async def post(path: str, body: dict[str, Any] | None = None) -> None:
        response = await client.post(world.url(path), json=body, headers=headers)
        assert response.status_code in (200, 201), response.text

    await post(f"/matches/{await match_id(client, world, 'matched', 'a')}/confirm")
    await post(f"/matches/{await match_id(client, world, 'review', 'c')}/reject")
    await post(f"/matches/{await match_id(client, world, 'discrepancies', 'b')}/reject")
    for label in ("b", "e"):
        body = {"left_record_ids": [world.left[label]], "right_record_ids": [world.right[label]]}
        await post("/matches", body)
