"""Grouped matching: sums over integer units, bounded search, ambiguity, budgets."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.matching import AmountCondition, reconcile
from tally.matching.sums import (
    BudgetExceeded,
    SearchBudget,
    best_balanced,
    best_subsets,
    subset_table,
)

from .helpers import amount, date, equals, match_rows, pairs, records, rule, rules

# Records alike in reference, amount and date are flagged duplicates (a row exported twice) and
# never grouped together; these tests mean distinct records that happen to look alike, so they
# compare a field none of them has.
NOT_FLAGGED = ["transaction_id"]


def split_rule(
    cardinality: str = "one_to_many", tolerance: str = "0", **opts: object
) -> dict[str, object]:
    return rule("split", equals(), amount(tolerance), date(5), cardinality=cardinality, **opts)


def test_one_to_many_with_arithmetic_evidence() -> None:
    left = records({"reference": "R1", "amount": "120.00"})
    right = records(
        {"id": 11, "reference": "R1", "amount": "50.00", "day": -1},
        {"id": 12, "reference": "R1", "amount": "70.00"},
    )
    result = reconcile(left, right, rules(split_rule()))
    assert pairs(result) == {((1,), (11, 12)): "auto"}
    row = result.with_explanations().row(0, named=True)
    assert row["explanation"].startswith("120.00 = 50.00 + 70.00; reference equal")
    assert row["date_difference_days"] == -1
    evidence = json.loads(row["evidence"])
    assert (evidence["kind"], evidence["left"], evidence["right"]) == (
        "group",
        [1_200_000],
        [500_000, 700_000],
    )


def test_one_to_many_searches_the_right_subset() -> None:
    left = records({"reference": "R1", "amount": "120.00"})
    right = records(
        {"id": 11, "reference": "R1", "amount": "50.00"},
        {"id": 12, "reference": "R1", "amount": "70.00"},
        {"id": 13, "reference": "R1", "amount": "33.00"},  # a credit note for something else
    )
    result = reconcile(left, right, rules(split_rule()))
    assert pairs(result) == {((1,), (11, 12)): "auto"}
    assert result.unmatched_right_ids.to_list() == [13]


def test_many_to_one_mirrors() -> None:
    left = records(
        {"reference": "R1", "amount": "20.00"},
        {"reference": "R1", "amount": "30.00"},
        {"reference": "R1", "amount": "50.00"},
    )
    right = records({"id": 11, "reference": "R1", "amount": "50.00"})
    result = reconcile(left, right, rules(split_rule("many_to_one")))
    # {20, 30} and {50} alone... {50} is a single record, groups need two: the pair wins.
    assert pairs(result) == {((1, 2), (11,)): "auto"}


def test_tolerance_on_sums_and_difference() -> None:
    left = records({"reference": "R1", "amount": "100.00"})
    right = records(
        {"id": 11, "reference": "R1", "amount": "60.00"},
        {"id": 12, "reference": "R1", "amount": "39.98"},
    )
    result = reconcile(left, right, rules(split_rule(tolerance="0.05")))
    (row,) = match_rows(result)
    assert row["right"] == (11, 12)
    assert row["amount_difference"] == -200
    assert "(difference -0.02, within 0.05)" in result.with_explanations()["explanation"][0]


def test_equal_subsets_are_ambiguous() -> None:
    left = records({"reference": "R1", "amount": "100.00"})
    right = records(
        {"id": 11, "reference": "R1", "amount": "60.00"},
        {"id": 12, "reference": "R1", "amount": "40.00"},
        {"id": 13, "reference": "R1", "amount": "40.00"},
    )
    result = reconcile(left, right, rules(split_rule(), duplicate_fields=NOT_FLAGGED))
    assert pairs(result) == {((1,), (11, 12)): "ambiguous", ((1,), (11, 13)): "ambiguous"}


def test_competing_groups_share_no_record() -> None:
    left = records({"reference": "R", "amount": "30.00"}, {"reference": "R", "amount": "30.00"})
    right = records(
        {"id": 11, "reference": "R", "amount": "10.00"},
        {"id": 12, "reference": "R", "amount": "20.00"},
    )
    result = reconcile(left, right, rules(split_rule(), duplicate_fields=NOT_FLAGGED))
    assert set(pairs(result).values()) == {"ambiguous"}


def test_batch_payment_quoting_several_invoices() -> None:
    left = records({"description": "Sammelzahlung INV-1, INV-2, INV-3", "amount": "60.00"})
    right = records(
        {"id": 11, "reference": "INV-1", "amount": "10.00"},
        {"id": 12, "reference": "INV-2", "amount": "20.00"},
        {"id": 13, "reference": "INV-3", "amount": "30.00"},
        {"id": 14, "reference": "INV-4", "amount": "30.00"},
    )
    rs = rules(
        rule("batch", equals("inv", right_field="reference"), amount(), cardinality="one_to_many"),
        derived_fields=[{"name": "inv", "pattern": r"(?P<n>INV-\d+)", "multiple": True}],
    )
    assert pairs(reconcile(left, right, rs)) == {((1,), (11, 12, 13)): "auto"}


def test_many_to_many_settlement_and_stray_line() -> None:
    settle = '{"settlement": "S1"}'
    left = records(
        {"amount": "30.00", "extra": settle},
        {"amount": "70.00", "extra": settle},
        {"amount": "13.00", "extra": settle},  # belongs elsewhere
    )
    right = records(
        {"id": 11, "amount": "45.00", "extra": settle},
        {"id": 12, "amount": "55.00", "extra": settle},
    )
    rs = rules(
        rule("settle", equals("extra.settlement"), amount(), date(5), cardinality="many_to_many")
    )
    result = reconcile(left, right, rs)
    assert pairs(result) == {((1, 2), (11, 12)): "auto"}
    assert result.unmatched_left_ids.to_list() == [3]
    assert result.stats.blocks_searched == 1


def test_many_to_many_keeps_each_settlement_to_its_own_records_and_edges() -> None:
    # Three components searched in one pass: one needs a subset search (stray line), one balances
    # as a whole, one is too small to group. Each group's date difference comes from its own edges.
    s1, s2, s3 = (json.dumps({"settlement": f"S{n}"}) for n in (1, 2, 3))
    left = records(
        {"amount": "30.00", "extra": s1},
        {"amount": "70.00", "extra": s1},
        {"amount": "13.00", "extra": s1},  # belongs elsewhere
        {"amount": "100.00", "extra": s2},
        {"amount": "5.00", "extra": s3},
    )
    right = records(
        {"id": 11, "amount": "45.00", "extra": s1, "day": -2},
        {"id": 12, "amount": "55.00", "extra": s1, "day": -2},
        {"id": 13, "amount": "60.00", "extra": s2, "day": -4},
        {"id": 14, "amount": "40.00", "extra": s2},
        {"id": 15, "amount": "7.00", "extra": s3},
    )
    rs = rules(
        rule("settle", equals("extra.settlement"), amount(), date(5), cardinality="many_to_many")
    )
    result = reconcile(left, right, rs)
    days = {(r["left"], r["right"]): r["date_difference_days"] for r in match_rows(result)}
    assert pairs(result) == {((1, 2), (11, 12)): "auto", ((4,), (13, 14)): "auto"}
    assert days == {((1, 2), (11, 12)): -2, ((4,), (13, 14)): -4}
    assert result.unmatched_left_ids.sort().to_list() == [3, 5]
    assert result.unmatched_right_ids.to_list() == [15]
    assert result.stats.blocks_searched == 3


def test_budget_is_reported_per_block() -> None:
    # 20 candidates, sums reachable many ways: a zero budget skips the block and counts it.
    left = records({"reference": "R", "amount": "10.00"})
    right = records(*({"id": 10 + i, "reference": "R", "amount": "1.00"} for i in range(20)))
    rs = rules(split_rule(max_group_size=10), duplicate_fields=NOT_FLAGGED)
    result = reconcile(left, right, rs, search_budget_per_block=0)
    assert result.stats.blocks_over_budget == 1
    assert result.stats.search_budget_per_block == 0
    assert result.matches.height == 0


def test_the_search_budget_is_a_count_so_results_do_not_depend_on_speed() -> None:
    # 20 candidates of 1.00 for 10.00: reachable many ways. The search spends a count of
    # subset sums, so every run gives the same outcome (no clock is read), and the budget
    # decides it: enough to search the block finds the (tied, so ambiguous) groups, less skips
    # the block and says so.
    left = records({"reference": "R", "amount": "10.00"})
    right = records(*({"id": 10 + i, "reference": "R", "amount": "1.00"} for i in range(20)))
    rs = rules(split_rule(max_group_size=10), duplicate_fields=NOT_FLAGGED)
    outcomes = set()
    for _ in range(3):
        result = reconcile(left, right, rs, search_budget_per_block=10_000_000)
        outcomes.add((match_rows(result).__repr__(), result.stats.blocks_over_budget))
    assert len(outcomes) == 1
    assert next(iter(outcomes))[1] == 0
    searched = reconcile(left, right, rs, search_budget_per_block=10_000_000)
    assert searched.matches.height > 0
    small = reconcile(left, right, rs, search_budget_per_block=1_000)
    assert small.stats.blocks_over_budget == 1
    assert small.matches.height == 0


def test_a_block_summing_within_tolerance_as_a_whole_is_one_group() -> None:
    # A payout: four charges less a fee per charge. Three of the charges alone come closer to
    # the net amount than all four, but every record quoting the payout belongs to it.
    left = records(
        *(
            {"id": i + 1, "reference": "PO-7", "amount": amount}
            for i, amount in enumerate(("100.00", "50.00", "20.00", "3.00"))
        )
    )
    right = records({"id": 11, "reference": "PO-7", "amount": "169.00"})
    rs = rules(
        rule(
            "payout", equals("reference"), amount(abs_tolerance="5.00"), cardinality="many_to_one"
        ),
        duplicate_fields=NOT_FLAGGED,
    )
    result = reconcile(left, right, rs)
    assert set(pairs(result)) == {((1, 2, 3, 4), (11,))}


def test_group_rule_respects_records_taken_by_earlier_rules() -> None:
    left = records({"reference": "R", "amount": "50.00"}, {"reference": "R", "amount": "120.00"})
    right = records(
        {"id": 11, "reference": "R", "amount": "50.00"},
        {"id": 12, "reference": "R", "amount": "70.00"},
    )
    rs = rules(rule("one", equals(), amount(), report_discrepancies=False), split_rule())
    result = reconcile(left, right, rs)
    assert pairs(result) == {((1,), (11,)): "auto"}
    assert result.unmatched_left_ids.to_list() == [2]
    assert result.unmatched_right_ids.to_list() == [12]


COND = AmountCondition(abs_tolerance="0")


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.integers(-30, 60), min_size=2, max_size=14),
    target=st.integers(-50, 150),
    k=st.integers(2, 4),
)
def test_best_subsets_equals_brute_force(values: list[int], target: int, k: int) -> None:
    hits = best_subsets(
        np.array(values, np.int64),
        np.zeros(len(values)),
        target,
        COND,
        amount_weight=1.0,
        min_size=2,
        max_size=k,
    )
    want = sorted(
        combo
        for size in range(2, k + 1)
        for combo in itertools.combinations(range(len(values)), size)
        if sum(values[i] for i in combo) == target
    )
    got = [h.members for h in hits]
    if len(want) <= 10:
        assert got == want
    else:  # at most ten alternatives are reported, all of them real
        assert len(got) == 10 and set(got) <= set(want)


def test_best_balanced_prefers_the_closest_pair_of_subsets() -> None:
    cond = AmountCondition(abs_tolerance="0.0002")  # 2 units
    hits = best_balanced(
        np.array([5, 7], np.int64),
        np.zeros(2),
        np.array([4, 9, 12], np.int64),
        np.zeros(3),
        cond,
        amount_weight=1.0,
        max_size=3,
    )
    # {5, 7} = {4, 9} - 1 is within tolerance too, but the exact {5, 7} = {12} scores higher.
    assert [(h.left, h.right, h.difference) for h in hits] == [((0, 1), (2,), 0)]


def test_budget_exceeded_raises_for_huge_searches() -> None:
    with pytest.raises(BudgetExceeded):
        best_subsets(
            np.ones(24, np.int64),
            np.zeros(24),
            5,
            COND,
            amount_weight=1.0,
            min_size=2,
            max_size=10,
            budget=SearchBudget(1000),
        )


def test_group_below_the_suggest_threshold_is_not_proposed() -> None:
    left = records({"reference": "R1", "amount": "100.00", "day": 0})
    right = records(
        {"id": 11, "reference": "R1", "amount": "60.00", "day": 5},
        {"id": 12, "reference": "R1", "amount": "40.00", "day": 5},
    )
    # Key 1.0, amount exact 1.0, dates at the edge of the window 0.7: score 0.9.
    assert len(pairs(reconcile(left, right, rules(split_rule(suggest=0.9))))) == 1
    assert pairs(reconcile(left, right, rules(split_rule(suggest=0.91, auto=0.95)))) == {}


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.integers(-(10**12), 10**12), max_size=12),
    k=st.integers(0, 12),
    data=st.data(),
)
def test_subset_table_lists_every_small_subset_in_mask_order(
    values: list[int], k: int, data: st.DataObject
) -> None:
    scores = data.draw(
        st.lists(st.floats(0, 1), min_size=len(values), max_size=len(values)), label="scores"
    )
    sums, sizes, score_sums, masks = subset_table(
        np.array(values, np.int64), np.array(scores, np.float64), k
    )
    # Ascending masks and each score sum added in member order: which of tied subsets a search
    # reports, and its score to the last bit, depend on both.
    want = [m for m in range(1 << len(values)) if bin(m).count("1") <= k]
    assert masks.tolist() == want
    members = [[i for i in range(len(values)) if (m >> i) & 1] for m in want]
    assert sums.tolist() == [sum(values[i] for i in ms) for ms in members]
    assert sizes.tolist() == [len(ms) for ms in members]
    added = []
    for ms in members:
        total = 0.0
        for i in ms:
            total += scores[i]
        added.append(total)
    assert score_sums.tolist() == added
