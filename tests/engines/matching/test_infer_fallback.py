"""The fallback rule for records without a key: fee rates, shared words, one-way lags, no key
contradicted; each mechanism on crafted frames, then inference end to end."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest
from pydantic import ValidationError

from tally.matching import reconcile
from tally.matching.backtest import precision_recall
from tally.matching.fields import prepare_side
from tally.matching.infer import infer_rules
from tally.matching.infer_fallback import fee_rates, lag_direction, shared_text
from tally.matching.infer_models import DateModel
from tally.matching.infer_periodic import periodic_key
from tally.matching.rules import AmountCondition, RuleSet
from tally.money import to_units

from .helpers import DAY0, amount, date, equals, pairs, records, rule, rules

_RATES = (0.07, 0.10, 0.15)
_GIVEN = ("Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Leo", "Julia", "Daniel")
_FAMILY = ("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz")


def _net(cents: int, rate: float) -> int:
    """A payment less its commission, in units (the commission rounded to the cent)."""
    return (cents - round(cents * rate)) * 100


# --- the engine: fee rates, keys that may be missing, one-way date windows -------------------


def test_the_amount_less_one_of_the_fee_rates_passes_and_nothing_in_between() -> None:
    left = records({"id": 1, "amount": "200.00"}, {"id": 2, "amount": "300.00"},
                   {"id": 3, "amount": "400.00"})  # fmt: skip
    right = records(
        {"id": 11, "amount": "186.00"},  # 200 less 7 %
        {"id": 12, "amount": "255.01"},  # 300 less 15 %, a cent of rounding
        {"id": 13, "amount": "352.00"},  # 400 less 12 %: no rate of the list
    )
    rate_rule = rule("fee", amount("0.01", fee_rates=["7", "10", "15"]))
    result = reconcile(left, right, rules(rate_rule))
    assert set(pairs(result)) == {((1,), (11,)), ((2,), (12,))}
    # A percentage as wide as the largest rate takes the amount in between too.
    wide = reconcile(left, right, rules(rule("pct", amount(pct_tolerance="15"))))
    assert ((3,), (13,)) in pairs(wide)


def test_the_fee_comes_off_the_gross_side_only() -> None:
    left = records({"id": 1, "amount": "90.00"}, {"id": 2, "amount": "-100.00"})
    right = records({"id": 11, "amount": "100.00"}, {"id": 12, "amount": "-90.00"})
    from_left = reconcile(left, right, rules(rule("r", amount("0.01", fee_rates=["10"]))))
    assert set(pairs(from_left)) == {((2,), (12,))}  # a refund nets the same way
    from_right = rules(rule("r", amount("0.01", fee_rates=["10"], fee_from="right")))
    assert set(pairs(reconcile(left, right, from_right))) == {((1,), (11,))}


def test_fee_rates_are_validated_and_left_out_of_the_json_when_unset() -> None:
    with pytest.raises(ValidationError, match="exclude each other"):
        AmountCondition(fee_rates=("7",), pct_tolerance="7")
    with pytest.raises(ValidationError, match="percentage in"):
        AmountCondition(fee_rates=("107",))
    with pytest.raises(ValidationError, match="many_to_many"):
        rules(rule("g", equals(), amount(fee_rates=["7"]), cardinality="many_to_many"))
    assert rules(rule("g", equals(), amount(fee_rates=["7"]), cardinality="one_to_many"))
    assert "fee_rates" not in AmountCondition().model_dump_json()
    plain = rules(rule("r", equals(missing="fail"), date(5, direction="either"))).to_json()
    assert "missing" not in plain and "direction" not in plain  # stored rule sets unchanged
    assert RuleSet.model_validate_json(rules(rule("r", amount(fee_rates=["7"]))).to_json())


def test_a_key_allowed_missing_only_rejects_two_different_values() -> None:
    left = records({"id": 1, "amount": "50.00", "reference": "A-1"},
                   {"id": 2, "amount": "60.00", "reference": "A-2"})  # fmt: skip
    right = records(
        {"id": 11, "amount": "50.00"},  # no reference: the amount decides
        {"id": 12, "amount": "60.00", "reference": "A-9"},  # quotes another record's key
    )
    guarded = rules(rule("r", amount(), equals("reference", missing="pass")))
    assert set(pairs(reconcile(left, right, guarded))) == {((1,), (11,))}


def test_a_one_way_window_rejects_dates_on_the_other_side() -> None:
    left = records({"id": 1, "amount": "10.00", "day": 5}, {"id": 2, "amount": "20.00", "day": 5})
    right = records(
        {"id": 11, "amount": "10.00", "day": 8}, {"id": 12, "amount": "20.00", "day": 2}
    )
    either = reconcile(left, right, rules(rule("r", amount(), date(5))))
    assert len(pairs(either)) == 2
    after = reconcile(left, right, rules(rule("r", amount(), date(5, direction="right_after"))))
    assert set(pairs(after)) == {((1,), (11,))}
    before = rules(rule("r", amount(), date(5, direction="right_before")))
    assert set(pairs(reconcile(left, right, before))) == {((2,), (12,))}


# --- what inference learns from keyed pairs ---------------------------------------------------


def _facts(left_units: list[int], right_units: list[int], **texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"l_amount": left_units, "r_amount": right_units, **texts})


def test_fee_rates_are_read_off_keyed_pairs() -> None:
    rng = np.random.default_rng(1)
    cents = rng.integers(800, 150_000, 300)
    rates = [_RATES[i % 3] for i in range(300)]
    found = fee_rates(_facts([int(c) * 100 for c in cents],
                             [_net(int(c), r) for c, r in zip(cents, rates, strict=True)]),
                      "same")  # fmt: skip
    assert found is not None
    assert found.rates_ppm == (70_000, 100_000, 150_000) and found.fee_from == "left"
    assert found.abs_units == to_units("0.01") and found.covered == 1.0
    # The gross amount on the right, debits against credits.
    swapped = fee_rates(_facts([-_net(int(c), 0.1) for c in cents], [int(c) * 100 for c in cents]),
                        "opposite")  # fmt: skip
    assert swapped is not None and swapped.fee_from == "right"
    assert swapped.rates_ppm == (100_000,)


def test_no_fee_rates_for_equal_amounts_fixed_fees_or_scattered_differences() -> None:
    rng = np.random.default_rng(2)
    units = [int(c) * 100 for c in rng.integers(800, 150_000, 200)]
    assert fee_rates(_facts(units, units), "same") is None
    assert fee_rates(_facts(units, [u - 150_000 for u in units]), "same") is None  # 15.00 each
    scattered = [
        u - u * int(p) // 1000 for u, p in zip(units, rng.integers(1, 200, 200), strict=True)
    ]
    assert fee_rates(_facts(units, scattered), "same") is None


def test_the_text_whose_words_keyed_pairs_share_is_chosen_by_values_not_names() -> None:
    rng = np.random.default_rng(3)
    people = [(str(rng.choice(_GIVEN)), str(rng.choice(_FAMILY)), str(rng.choice(_FAMILY)))
              for _ in range(300)]  # fmt: skip
    facts = _facts(
        [100] * 300,
        [100] * 300,
        **{
            "l_extra.A": [f"{g} {f} {s}" for g, f, s in people],
            "l_extra.Name": [str(rng.choice(_FAMILY)) for _ in people],  # a decoy by its name
            "r_extra.Z": [f"{g[0]}. {f}" for g, f, _ in people],
            "r_extra.Status": ["Order"] * 300,
        },
    )
    found = shared_text(facts, ["extra.A", "extra.Name"], ["extra.Z", "extra.Status"], seed=0)
    assert found is not None
    assert (found.left_field, found.right_field) == ("extra.A", "extra.Z")
    assert found.true_share >= 0.95 and found.chance_share <= 0.5
    assert shared_text(facts, ["extra.Name"], ["extra.Status"], seed=0) is None


def test_the_lag_direction_is_one_way_only_when_keyed_pairs_agree() -> None:
    model = DateModel("booking_date", "booking_date", 10, 5.0, "", 0.0, 0.98)
    assert lag_direction(model) == "right_after"
    assert lag_direction(DateModel("booking_date", "booking_date", 10, -3.0, "", 0.99, 0.0)) == (
        "right_before"
    )
    assert (
        lag_direction(DateModel("booking_date", "booking_date", 3, 0.0, "", 0.3, 0.4)) == "either"
    )


# --- inference end to end ----------------------------------------------------------------------


def _marketplace(
    seed: int = 7, n: int = 400
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, set[int]]:
    """An order book (order id, full name) against a report quoting the order id on most rows,
    with the buyer as an initial and surname: a fifth of the sale rows lack the order id."""
    rng = np.random.default_rng(seed)
    left: list[dict[str, object]] = []
    right: list[dict[str, object]] = []
    truth: list[tuple[int, int]] = []
    keyless: set[int] = set()
    for i in range(n):
        given, family, second = rng.choice(_GIVEN), rng.choice(_FAMILY), rng.choice(_FAMILY)
        cents = int(rng.integers(800, 150_000))
        day = int(rng.integers(0, 300))
        order = f"171-{int(rng.integers(1_000_000, 9_999_999))}-{i:07d}"
        cells = {"Pedido": order, "Cliente": f"{given} {family} {second}"}
        left.append({"id": i + 1, "amount": cents * 100, "day": day, "extra": json.dumps(cells)})
        if i % 20 == 19:
            continue  # not paid yet
        without = i % 5 == 0
        right.append({"id": 10_000 + i, "amount": _net(cents, _RATES[i % 3]),
                      "day": day + int(rng.integers(1, 8)), "reference": None if without else order,
                      "extra": json.dumps({"buyer": f"{given[0]}. {family}"})})  # fmt: skip
        truth.append((i + 1, 10_000 + i))
        if without:
            keyless.add(i + 1)
    return records(*left), records(*right), pl.DataFrame(truth, ["left_id", "right_id"],
                                                         orient="row"), keyless  # fmt: skip


def test_records_without_a_key_are_paired_by_fee_rate_date_and_shared_words() -> None:
    left, right, truth, keyless = _marketplace()
    inferred = infer_rules(left, right)
    fallback = next(r for r in inferred.rule_set.rules if r.name == "amount_fee_date_text")
    amount_cond = fallback.amount_condition
    assert amount_cond is not None and amount_cond.fee_rates == ("7", "10", "15")
    assert fallback.date_condition is not None
    assert fallback.date_condition.direction == "right_after"
    result = reconcile(left, right, inferred.rule_set)
    assert precision_recall(result, truth).precision == 1.0
    without = truth.filter(pl.col("left_id").is_in(list(keyless)))
    assert precision_recall(result, without).recall >= 0.95
    evidence = next(e for e in inferred.evidence if e.rule == "amount_fee_date_text")
    assert evidence.estimated_precision is not None and evidence.estimated_precision >= 0.97


def test_two_equally_good_partners_go_to_review_not_to_a_guess() -> None:
    left, right, _, _ = _marketplace()
    inferred = infer_rules(left, right)
    # Two orders the same day, amount, category and customer; one payment without an order id.
    twin = {"Pedido": "171-0000001-9999991", "Cliente": "Hugo Ruiz López"}
    extra = [
        {"id": 9_001, "amount": 500_000, "day": 100, "extra": json.dumps(twin)},
        {"id": 9_002, "amount": 500_000, "day": 100,
         "extra": json.dumps({**twin, "Pedido": "171-0000002-9999992"})},
    ]  # fmt: skip
    payment = {"id": 99_001, "amount": _net(5_000, 0.1), "day": 103,
               "extra": json.dumps({"buyer": "H. Ruiz"})}  # fmt: skip
    both_left = pl.concat([left, records(*extra)])
    both_right = pl.concat([right, records(payment)])
    result = reconcile(both_left, both_right, inferred.rule_set)
    decided = pairs(result, "auto")
    assert not any(99_001 in r for _, r in decided)
    assert any(99_001 in r for _, r in pairs(result))  # offered for review


# --- keys that repeat every period ---------------------------------------------------------------


def _payroll(seed: int = 9) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """A register of 40 employees' monthly net pay (the same each month for most) against the
    transfers quoting the employee number in their title; a tenth paid in two parts (an
    advance mid-month and the rest on the pay day)."""
    rng = np.random.default_rng(seed)
    left: list[dict[str, object]] = []
    right: list[dict[str, object]] = []
    truth: list[tuple[int, int]] = []
    pay = {e: int(rng.integers(3_500, 14_000)) * 10_000 for e in range(40)}
    for month in range(12):
        payday = 30 * month + 27
        for e, net in pay.items():
            number = f"E{1000 + e:05d}"
            left.append({"id": len(left) + 1, "amount": net, "day": payday,
                         "extra": json.dumps({"Employee ID": number})})  # fmt: skip
            title = f"Salary {month + 1:02d}/2024 {number}"
            parts = [net] if (e + month) % 10 else [net // 4, net - net // 4]
            for k, part in enumerate(parts):
                day = payday - 12 if len(parts) == 2 and k == 0 else payday + int(e % 2)
                right.append({"id": 100_000 + len(right), "amount": -part, "day": day,
                              "description": title})  # fmt: skip
                truth.append((len(left), 100_000 + len(right) - 1))
    return records(*left), records(*right), pl.DataFrame(truth, ["left_id", "right_id"],
                                                         orient="row")  # fmt: skip


def test_a_key_repeating_every_period_is_found_within_one_and_dates_tell_periods_apart() -> None:
    left, right, truth = _payroll()
    inferred = infer_rules(left, right)
    assert any("repeat every period" in note for note in inferred.notes)
    key_rule = next(r for r in inferred.rule_set.rules if r.name == "key")
    key_date = key_rule.date_condition
    assert key_date is not None and key_date.required
    assert 15 <= key_date.window_days < 28  # the advance is in, last month's pay is not
    result = reconcile(left, right, inferred.rule_set)
    figures = precision_recall(result, truth)
    assert figures.precision == 1.0 and figures.recall >= 0.98


def test_values_rare_over_the_whole_sample_are_no_periodic_key() -> None:
    frames = _payroll()
    left, right = prepare_side(frames[0], "left"), prepare_side(frames[1], "right")
    first_month = left.filter(pl.col("booking_date") < DAY0 + dt.timedelta(days=40))
    assert periodic_key(first_month, right, min_pairs=3) is None  # seen once: not periodic
    found = periodic_key(left, right, min_pairs=3)
    assert found is not None and 28 <= found[1] <= 32  # a month
