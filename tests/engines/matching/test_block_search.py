"""Blocks searched as the whole block less a few strays: batches beyond the subset search's reach,
a fee taken off the batch's total, ambiguity sent to review, budgets counted."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.matching import AmountCondition, reconcile
from tally.matching.infer_batches import block_fee
from tally.matching.sums import (
    BudgetExceeded,
    SearchBudget,
    best_subsets,
    block_exclusions,
    exclusion_count,
    fee_of,
    sum_fit,
)

from .helpers import date, equals, pairs, records, rule, rules

# Distinct receipts may share an amount; they are not rows exported twice.
NOT_FLAGGED = ["transaction_id"]
RATE_PPM = 26_000  # 2.6 %


def _net(cents: list[int]) -> int:
    total = sum(cents)
    return total - int(fee_of(np.array([total], np.int64), RATE_PPM)[0])


def _batch_rule(max_group_size: int = 40) -> dict[str, object]:
    fee = {"type": "amount", "abs_tolerance": "0.01", "fee_rates": ["2.6"]}
    return rule(
        "terminal_day",
        equals(),
        fee,
        date(0),
        cardinality="many_to_one",
        max_group_size=max_group_size,
    )


def _receipts(units: list[int], first_id: int = 1) -> list[dict[str, object]]:
    return [{"id": first_id + i, "reference": "T01", "amount": u} for i, u in enumerate(units)]


def _members(n: int) -> list[int]:
    """``n`` receipts of 10.00 to about 60.00, in units (0.0001)."""
    return [(1_000 + 37 * i * i) * 100 for i in range(n)]


def test_a_batch_of_25_with_two_strays_is_found_whole() -> None:
    members = _members(25)  # beyond the 20 candidates a subset search takes
    strays = [432_100, 5_555_500]  # a payment not settled yet, one of another batch
    left = records(*_receipts(members + strays))
    right = records({"id": 100, "reference": "T01", "amount": _net(members)})
    result = reconcile(left, right, rules(_batch_rule(), duplicate_fields=NOT_FLAGGED))
    assert pairs(result) == {(tuple(range(1, 26)), (100,)): "auto"}
    assert sorted(result.unmatched_left_ids.to_list()) == [26, 27]
    assert result.stats.group_candidates_truncated == 0


def test_a_batch_larger_than_the_rule_allows_is_not_matched() -> None:
    members = _members(25)
    left = records(*_receipts([*members, 432100]))
    right = records({"id": 100, "reference": "T01", "amount": _net(members)})
    result = reconcile(left, right, rules(_batch_rule(20), duplicate_fields=NOT_FLAGGED))
    assert pairs(result, "auto") == {}


def test_two_strays_either_of_which_completes_the_sum_go_to_review() -> None:
    members = _members(22)
    # Two different receipts of the same amount: leaving out either one leaves the same total.
    left = records(*_receipts([*members, 500000, 500000]))
    right = records({"id": 100, "reference": "T01", "amount": _net([*members, 500000])})
    result = reconcile(left, right, rules(_batch_rule(), duplicate_fields=NOT_FLAGGED))
    found = pairs(result)
    assert found and set(found.values()) == {"ambiguous"}
    assert {lefts[-1] for lefts, _ in found} == {23, 24}
    assert pairs(result, "auto") == {}


def test_fee_is_taken_off_the_groups_total_and_refuses_a_mere_band() -> None:
    members = [1_234_500, 2_345_600, 3_456_700]
    left = records(*_receipts(members))
    near = _net(members) + 200  # two cents off the fee: not the batch
    right = records({"id": 100, "reference": "T01", "amount": near})
    result = reconcile(left, right, rules(_batch_rule(), duplicate_fields=NOT_FLAGGED))
    assert pairs(result) == {}


def test_sum_fit_reads_the_fee_off_the_gross_side() -> None:
    cond = AmountCondition(abs_tolerance="0.01", fee_rates=("2.6",))
    gross = np.array([1_000_000], np.int64)
    net = gross - fee_of(gross, RATE_PPM)
    gap, tol = sum_fit(cond, net, gross, fee_on_sums=True)
    assert (int(gap[0]), int(tol[0])) == (0, 100)
    gap, _ = sum_fit(cond, gross, net, fee_on_sums=False)  # the one record is gross
    assert int(gap[0]) == 0


def test_the_budget_is_a_count_spent_before_the_work() -> None:
    values = np.arange(1, 41, dtype=np.int64) * 1_000
    cond = AmountCondition(abs_tolerance="0")
    scores = np.zeros(values.size)
    budget = exclusion_count(40, 2) - 1  # every total of at most two left out, less one
    with pytest.raises(BudgetExceeded):
        block_exclusions(values, scores, int(values.sum()) - 500, cond, amount_weight=1.0, max_excluded=2,
                         min_size=2, max_size=40, budget=SearchBudget(budget))  # fmt: skip


def _brute(
    values: list[int], target: int, tol: int, dropped: int, max_size: int
) -> set[tuple[int, ...]]:
    n = len(values)
    out: set[tuple[int, ...]] = set()
    if dropped > n:
        return out
    for kept in itertools.combinations(range(n), n - dropped):
        if 2 <= len(kept) <= max_size and abs(sum(values[i] for i in kept) - target) <= tol:
            out.add(kept)
    return out


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.integers(1, 400), min_size=2, max_size=9),
    target=st.integers(2, 3_000),
    tol=st.integers(0, 3),
    max_excluded=st.integers(0, 4),
    max_size=st.integers(2, 9),
)
def test_block_exclusions_agree_with_brute_force(
    values: list[int], target: int, tol: int, max_excluded: int, max_size: int
) -> None:
    cond = AmountCondition(abs_tolerance=f"0.{tol:02d}")
    unit = 100  # 0.01 in units
    cents = [v * unit for v in values]
    found = block_exclusions(
        np.asarray(cents, np.int64), np.zeros(len(cents)), target * unit, cond,
        amount_weight=1.0, max_excluded=max_excluded, min_size=2, max_size=max_size,
    )  # fmt: skip
    got = {h.members for h in found.hits}
    target, tol = target * unit, tol * unit
    last = min(max_excluded, len(cents) - 2)
    # No hit with fewer records left out than the count it stopped at.
    for dropped in range(min(found.excluded, last + 1)):
        assert not _brute(cents, target, tol, dropped, max_size)
    if found.hits:
        expected = _brute(cents, target, tol, found.excluded, max_size)
        assert got <= expected and len(got) == min(len(expected), 11)
    elif found.trusted:  # searched to the end: nothing anywhere
        for dropped in range(last + 1):
            assert not _brute(cents, target, tol, dropped, max_size)


def test_the_fee_rate_is_read_off_blocks_with_strays() -> None:
    rng = np.random.default_rng(7)
    lefts, rights = [], []
    for day in range(12):
        members = (rng.integers(300, 90_000, 12) * 100).tolist()
        strays = (rng.integers(300, 90_000, day % 3) * 100).tolist()  # 0, 1 or 2 strays
        block = {"c": "01", "d": day}
        lefts.append({**block, "n": 12 + day % 3, "amounts": members + strays})
        rights.append({**block, "n": 1, "amounts": [_net(members)]})
    fee = block_fee(pl.DataFrame(lefts), pl.DataFrame(rights), "same")
    assert fee is not None
    assert (fee.rate, fee.fee_from, fee.blocks) == ("2.6", "left", 12)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.integers(-300, 900), min_size=2, max_size=8),
    rate=st.sampled_from(["2.6", "1.5", "9"]),
    extra=st.integers(-2, 2),
    fee_on_sums=st.booleans(),
)
def test_subset_search_under_a_fee_agrees_with_brute_force(
    values: list[int], rate: str, extra: int, fee_on_sums: bool
) -> None:
    cond = AmountCondition(abs_tolerance="0.01", fee_rates=(rate,))
    units = [v * 100 for v in values]
    ppm = cond.rate_ppms[0]
    # A target some subset may hit: the first two records' total less the fee (or grossed up).
    base = sum(units[:2])
    if fee_on_sums:
        target = base - int(fee_of(np.array([base], np.int64), ppm)[0]) + extra * 100
    else:
        target = base * 1_000_000 // (1_000_000 - ppm) + extra * 100
    hits = best_subsets(
        np.asarray(units, np.int64), np.zeros(len(units)), target, cond,
        amount_weight=1.0, min_size=2, max_size=len(units), fee_on_sums=fee_on_sums,
    )  # fmt: skip
    expected = set()
    for size in range(2, len(units) + 1):
        for kept in itertools.combinations(range(len(units)), size):
            total = np.array([sum(units[i] for i in kept)], np.int64)
            one = np.array([target], np.int64)
            gap, tol = sum_fit(cond, one, total, fee_on_sums=fee_on_sums)
            if abs(int(gap[0])) <= int(tol[0]):
                expected.add(kept)
    got = {h.members for h in hits}
    assert got <= expected and len(got) == min(len(expected), 10)  # every hit ties: none chosen


def test_a_fee_groups_explanation_names_the_fee() -> None:
    members = [1_234_500, 2_345_600, 3_456_700]
    left = records(*_receipts(members))
    right = records({"id": 100, "reference": "T01", "amount": _net(members)})
    result = reconcile(left, right, rules(_batch_rule(), duplicate_fields=NOT_FLAGGED))
    assert pairs(result) == {((1, 2, 3), (100,)): "auto"}
    text = result.with_explanations().row(0, named=True)["explanation"]
    assert text.startswith(
        "123.45 + 234.56 + 345.67 ≈ 685.3844 (difference -18.2956: a fee of 2.6 %, to 0.01)"
    )
