"""Rule inference on crafted frames: splits paying their own fee, duplicates told by own columns."""

from __future__ import annotations

import json

import numpy as np
import polars as pl

from tally.matching import reconcile
from tally.matching.backtest import precision_recall
from tally.matching.infer import InferenceLimits, infer_rules
from tally.matching.infer_candidates import _sums_model
from tally.matching.infer_models import AmountModel

from .helpers import records

_RATES = (0.07, 0.10, 0.15)  # commission by product category: no single fee


def _orders(seed: int = 11) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, set[int]]:
    """An order book (left, the order id in a column of its own) against a marketplace report
    quoting it (right): sales less a commission of 7, 10 or 15 %, orders shipped in two parts
    each paid less its own commission, refunds and chargebacks quoting an order already paid."""
    rng = np.random.default_rng(seed)
    left: list[dict[str, object]] = []
    right: list[dict[str, object]] = []
    truth: list[tuple[int, int]] = []
    split_orders: set[int] = set()

    def paid(amount: int, rate: float) -> int:
        return amount - max(round(amount * rate / 100) * 100, 3_000)

    def settle(order: str, amount: int, day: int) -> int:
        right.append({"id": 100_000 + len(right) + 1, "reference": order, "amount": amount,
                      "day": day})  # fmt: skip
        return int(right[-1]["id"])  # type: ignore[call-overload]

    for i in range(240):
        order = f"408-{1_000_000 + 7919 * i % 9_000_000}-{i:07d}"
        amount = int(rng.integers(1_000, 150_000)) * 100
        rate = _RATES[i % 3]
        day = int(rng.integers(0, 200))
        left.append({"id": i + 1, "amount": amount, "day": day,
                     "extra": json.dumps({"Order": order})})  # fmt: skip
        if i % 6 == 0:  # shipped in two parts, each paid less its own commission
            first = amount * int(rng.integers(30, 71)) // 100 // 100 * 100
            split_orders.add(i + 1)
            for k, part in enumerate((first, amount - first)):
                truth.append((i + 1, settle(order, paid(part, rate), day + 2 + 5 * k)))
            continue
        truth.append((i + 1, settle(order, paid(amount, rate), day + 3)))
        if i % 12 == 1:  # refunded later: the refund row quotes the order too
            settle(order, -(amount - (amount - paid(amount, rate)) // 5), day + 25)
        elif i % 12 == 3:  # charged back with a fee
            settle(order, -amount - 150_000, day + 40)
    return (
        records(*left),
        records(*right),
        pl.DataFrame(truth, schema=["left_id", "right_id"], orient="row"),
        split_orders,
    )


def test_parts_of_a_split_each_less_a_commission_are_summed_over_the_key() -> None:
    # The sums' tolerance covers the pairs' percentage fee (each part pays it), and sums within
    # a tolerance are tried again once whole payments are settled: a sale and its refund quoting
    # one order otherwise make the decoy's chance sums count against the split rule.
    left, right, truth, split_orders = _orders()
    inferred = infer_rules(left, right)
    names = [r.name for r in inferred.rule_set.rules]
    assert "key_one_to_many_fee" in names
    result = reconcile(left, right, inferred.rule_set)
    figures = precision_recall(result, truth)
    assert figures.precision == 1.0
    splits = truth.filter(pl.col("left_id").is_in(list(split_orders)))
    assert precision_recall(result, splits).recall >= 0.95


def test_the_sums_tolerance_is_at_least_the_fee_each_part_pays() -> None:
    # Key groups are read from totals agreeing within 10 %: a 15 % commission never shows there.
    sums = AmountModel("same", 0, 100_000, 0.0, 12, "sums")
    pairs = AmountModel("opposite", 0, 150_300, 0.0, 400, "pairs")
    widened = _sums_model(sums, pairs)
    assert widened.pct_ppm == 150_300 and widened.sign == "opposite"
    assert widened.condition().pct_tolerance == "15.03"
    narrow = AmountModel("same", 2_500, 14_000, 0.0, 400, "pairs")
    kept = _sums_model(sums, narrow)
    assert kept.pct_ppm == 100_000  # the sums' own, when larger
    assert kept.condition().pct_tolerance == "10"  # a percentage a person reads, not "1E+1"


def test_rows_exported_twice_are_told_by_a_sides_own_columns() -> None:
    # A card terminal's export: no reference, text or party, only its own columns (card,
    # receipt number, authorisation code). Its rows exported twice must still be duplicates,
    # not a tie for one partner.
    rng = np.random.default_rng(5)
    left: list[dict[str, object]] = []
    right: list[dict[str, object]] = []
    truth: list[tuple[int, int]] = []
    for i in range(150):
        code = f"{int(rng.integers(100_000, 999_999))}"
        amount = int(rng.integers(300, 80_000)) * 100
        cells = {"Card": f"VISA ****{i * 37 % 10_000:04d}", "Receipt": f"{i:04d}", "Auth": code}
        left.append({"id": len(left) + 1, "amount": amount, "day": i // 3,
                     "extra": json.dumps(cells)})  # fmt: skip
        if i % 10 == 0:  # exported twice
            left.append({**left[-1], "id": len(left) + 1})
        right.append({"id": 100_000 + i, "amount": amount - amount // 100, "day": i // 3,
                      "reference": code, "description": "Sale"})  # fmt: skip
        truth.append((len(left) - (1 if i % 10 == 0 else 0), 100_000 + i))
    lf, rf = records(*left), records(*right)
    inferred = infer_rules(lf, rf)
    assert any(f.startswith("extra.") for f in inferred.rule_set.duplicate_fields or ())
    result = reconcile(lf, rf, inferred.rule_set)
    flagged = set(result.duplicates.filter(pl.col("side") == "left")["record_id"].to_list())
    assert len(flagged) == 30  # fifteen rows and their copies
    assert result.matches.filter(pl.col("status") == "ambiguous").height == 0
    figures = precision_recall(result, pl.DataFrame(truth, ["left_id", "right_id"], orient="row"))
    assert figures.precision == 1.0 and figures.recall == 1.0


def test_a_sample_reaches_the_records_a_second_key_pairs_weeks_later() -> None:
    # Refunds 47 days after their orders quote the order; the credit notes in the sample name
    # the order in a column of their own. The first key's lags (2 days) do not reach them.
    rng = np.random.default_rng(3)
    left: list[dict[str, object]] = []
    right: list[dict[str, object]] = []
    truth: list[tuple[int, int]] = []
    for i in range(600):
        order = f"408-{1_000_000 + 37 * i}-{i:07d}"
        amount = int(rng.integers(2_000, 900_000)) * 100
        day = i // 3
        left.append({"id": len(left) + 1, "amount": amount, "day": day,
                     "extra": json.dumps({"Pedido": order})})  # fmt: skip
        right.append({"id": 100_000 + len(right), "amount": amount, "day": day + 2,
                      "reference": order})  # fmt: skip
        truth.append((len(left), 100_000 + len(right) - 1))
        if i % 3 == 0:
            left.append({"id": len(left) + 1, "amount": -amount, "day": day + 45,
                         "extra": json.dumps({"Pedido": f"AB-{i:05d}", "Ref": order})})  # fmt: skip
            right.append({"id": 100_000 + len(right), "amount": -amount, "day": day + 47,
                          "reference": order})  # fmt: skip
            truth.append((len(left), 100_000 + len(right) - 1))
    lf, rf = records(*left), records(*right)
    inferred = infer_rules(lf, rf, limits=InferenceLimits(sample_rows=150))
    assert inferred.sampled_left < inferred.left_rows
    assert "second_key" in [r.name for r in inferred.rule_set.rules]
    result = reconcile(lf, rf, inferred.rule_set)
    figures = precision_recall(result, pl.DataFrame(truth, ["left_id", "right_id"], orient="row"))
    assert figures.precision == 1.0 and figures.recall == 1.0
