"""The grouped-rule job scenario: the realistic mix plus split payments and batch settlements.

On top of :func:`tally.matching.synthetic.generate_mixed` (which already pays ``SPLIT_SHARE`` of
the bank lines as 2-3 ledger parts under a one-to-many rule), this adds many-to-many
settlements: 2-3 bank lines against 2-3 ledger lines sharing ``extra.settlement`` and summing
exactly. Some blocks carry a stray line (an open invoice with the split's reference, a settlement
line that belongs elsewhere), so the whole block no longer balances and the engine must search
subsets instead of settling the block at once: that search is what this scenario times.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl

from tally.matching.rules import RuleSet
from tally.matching.synthetic import (
    BASE_DAY,
    CENT,
    EPOCH,
    SETTLEMENT_RULE,
    Scenario,
    generate_mixed,
)

SPLIT_SHARE = 0.03  # of bank lines, each paying 2-3 ledger parts (one-to-many)
SETTLEMENT_SHARE = 0.01  # settlements per bank line, each 2-3 bank x 2-3 ledger lines
STRAY_SHARE = 0.3  # of split payments and settlements, with one stray line in their block


def grouped_scenario(n: int, seed: int) -> Scenario:
    """About ``n`` bank lines; the truth lists every left x right member pair of each group."""
    base = generate_mixed(n, seed=seed, split_share=SPLIT_SHARE)
    rng = np.random.default_rng(seed)
    left_rows: list[dict[str, object]] = []
    right_rows: list[dict[str, object]] = []
    truth: list[tuple[int, int]] = []
    next_left = int(base.left["id"].max()) + 1  # type: ignore[arg-type]
    next_right = int(base.right["id"].max()) + 1  # type: ignore[arg-type]

    def amounts(k: int) -> list[int]:
        cents = np.exp(rng.uniform(np.log(10 * 100), np.log(5000 * 100), k)).astype(np.int64)
        return (np.maximum(cents, 1) * CENT).tolist()

    parts = base.right.filter(pl.col("description").str.ends_with(" part"))
    split = parts.group_by("reference").agg(pl.first("booking_date")).sort("reference")
    strays = split.sample(fraction=STRAY_SHARE, seed=seed)
    for ref, day, amount in zip(
        strays["reference"], strays["booking_date"], amounts(strays.height), strict=True
    ):
        right_rows.append(_row(next_right, ref, day, amount, f"Invoice {ref} open", None))
        next_right += 1

    for g in range(int(n * SETTLEMENT_SHARE)):
        extra = json.dumps({"settlement": f"S{g:07d}"})
        day = BASE_DAY + int(rng.integers(0, 365))
        right_amounts = amounts(int(rng.integers(2, 4)))
        total_cents = sum(right_amounts) // CENT
        n_left = int(rng.integers(2, 4))
        cuts = np.sort(rng.choice(np.arange(1, total_cents), n_left - 1, replace=False))
        left_amounts = (np.diff([0, *cuts.tolist(), total_cents]) * CENT).tolist()
        lids = list(range(next_left, next_left + n_left))
        rids = list(range(next_right, next_right + len(right_amounts)))
        next_left, next_right = lids[-1] + 1, rids[-1] + 1
        for lid, amount in zip(lids, left_amounts, strict=True):
            shifted = day + int(rng.integers(0, 3))
            left_rows.append(_row(lid, None, _date(shifted), amount, "Settlement", extra))
        for rid, amount in zip(rids, right_amounts, strict=True):
            right_rows.append(_row(rid, None, _date(day), amount, "Netting", extra))
        truth += [(lid, rid) for lid in lids for rid in rids]
        if rng.random() < STRAY_SHARE:
            (stray,) = amounts(1)
            left_rows.append(_row(next_left, None, _date(day), stray, "Settlement", extra))
            next_left += 1

    rule_set = RuleSet.model_validate(
        {"rules": [*base.rule_set.model_dump()["rules"], SETTLEMENT_RULE]}
    )
    added_truth = pl.DataFrame(truth, schema=["left_id", "right_id"], orient="row")
    return Scenario(
        "grouped",
        _extend(base.left, left_rows, seed),
        _extend(base.right, right_rows, seed + 1),
        pl.concat([base.truth, added_truth]).sort("left_id", "right_id"),
        rule_set,
        "realistic mix plus split payments (one-to-many) and settlements (many-to-many)",
    )


def _date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


def _row(
    row_id: int, ref: str | None, day: object, amount: int, text: str, extra: str | None
) -> dict[str, object]:
    return {
        "id": row_id,
        "reference": ref,
        "booking_date": day,
        "amount": amount,
        "currency": "EUR",
        "description": text,
        "counterparty": None,
        "extra": extra,
        "value_date": day,
        "counterparty_account": None,
        "transaction_id": None,
    }


def _extend(frame: pl.DataFrame, rows: list[dict[str, object]], seed: int) -> pl.DataFrame:
    """``frame`` plus ``rows``, shuffled so that no row order hints at a group."""
    added = pl.DataFrame(rows, schema=frame.schema)
    return pl.concat([frame, added]).sample(fraction=1.0, shuffle=True, seed=seed)
