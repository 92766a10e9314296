"""Explaining non-matches, comparing runs, scoring against truth."""

from __future__ import annotations

import polars as pl
import pytest

from tally.matching import reconcile
from tally.matching.backtest import diff_results, precision_recall
from tally.matching.explain import nearest_candidates
from tally.matching.synthetic import generate

from .helpers import amount, date, equals, records, rule, rules

RULES = rules(
    rule("ref", equals(normalisers=["case"]), amount("0.10"), date(3)),
    rule("amt", amount("0.10"), date(3)),
)


def test_nearest_candidates_say_what_failed_and_by_how_much() -> None:
    left = records({"reference": "INV-1", "amount": "100.00", "day": 0})
    right = records(
        {"id": 11, "reference": "inv-1", "amount": "100.00", "day": 6},
        {"id": 12, "reference": "INV-2", "amount": "100.15", "day": 1},
        {"id": 13, "reference": "INV-3", "amount": "500.00", "day": 40},
    )
    near = nearest_candidates(left.row(0, named=True), right, RULES, limit=2)
    assert [c.record_id for c in near] == [11, 12]
    assert near[0].rule == "ref"
    assert near[0].failed == ["date 6 days apart (window 3)"]
    assert near[0].passed == ["reference equal after normalising case", "amount equal"]
    assert near[1].failed == ["amount off by 0.15 (tolerance 0.10)"]
    assert near[0].closeness > near[1].closeness
    assert not near[0].matches_rule


def test_nearest_candidates_for_a_right_record_and_reference_differences() -> None:
    left = records({"reference": "INV-9", "amount": "10.00"})
    right = records({"id": 11, "reference": "INV-8", "amount": "10.00"})
    near = nearest_candidates(right, left, rules(rule("ref", equals(), amount())), side="right")
    assert near[0].record_id == 1
    assert near[0].failed == ["reference differs ('INV-9' vs 'INV-8')"]


def test_nearest_candidates_rejects_more_than_one_record() -> None:
    with pytest.raises(ValueError, match="exactly one row"):
        nearest_candidates(records({"amount": "1"}, {"amount": "2"}), records(), RULES)


def test_diff_results_finds_added_lost_and_changed() -> None:
    left = records(
        {"reference": "A", "amount": "10"},
        {"reference": "B", "amount": "20", "day": 0},
        {"reference": None, "amount": "30"},
    )
    right = records(
        {"id": 11, "reference": "A", "amount": "10"},
        {"id": 12, "reference": "B", "amount": "20", "day": 2},
        {"id": 13, "reference": "C", "amount": "30"},
    )
    old = reconcile(left, right, rules(rule("ref", equals(), amount(), date(3))))
    new = reconcile(
        left,
        right,
        rules(rule("ref", equals(), amount(), date(1)), rule("amt", amount(), date(3))),
    )
    diff = diff_results(old, new)
    assert diff.unchanged == 1  # A
    assert diff.added.select("left_ids", "right_ids").to_dicts() == [
        {"left_ids": [3], "right_ids": [13]}
    ]
    assert diff.lost.height == 0
    (changed,) = diff.changed.to_dicts()
    assert (changed["left_ids"], changed["old_rule"], changed["new_rule"]) == ([2], "ref", "amt")
    back = diff_results(new, old)
    assert back.lost.select("left_ids").to_series().to_list() == [[3]]


def test_precision_recall_counts_group_members_and_ignores_review() -> None:
    scenario = generate("split_payments", 40, seed=1)
    result = reconcile(scenario.left, scenario.right, scenario.rule_set)
    perfect = precision_recall(result, scenario.truth)
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    wrong = scenario.truth.with_columns(pl.col("right_id").reverse())
    worse = precision_recall(result, wrong)
    assert worse.false_positives == worse.false_negatives > 0
    assert worse.precision < 1.0 and worse.recall < 1.0
