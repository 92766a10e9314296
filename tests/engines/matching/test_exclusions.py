"""Proposals rejected in an earlier job are never made again; their records stay available."""

from __future__ import annotations

from tally.matching import reconcile
from tally.matching.state import Exclusions, proposal_signature

from .helpers import amount, date, equals, one_to_one, pairs, records, rule, rules


def test_a_rejected_pair_frees_both_records_for_other_partners() -> None:
    left = records({"id": 1, "reference": "A", "amount": "10.00"})
    right = records(
        {"id": 11, "reference": "A", "amount": "10.00"},
        {"id": 12, "reference": "A", "amount": "10.00", "day": 1},
    )
    chosen = rules(rule("ref", equals(), amount(), date(3)))
    assert one_to_one(reconcile(left, right, chosen)) == {(1, 11): "auto"}

    result = reconcile(left, right, chosen, exclusions=Exclusions(frozenset({"1|11"})))
    assert one_to_one(result) == {(1, 12): "auto"}
    assert result.unmatched_right_ids.to_list() == [11]


def test_a_rejected_discrepancy_is_not_reported_again() -> None:
    left = records({"id": 1, "reference": "A", "amount": "10.00"})
    right = records({"id": 11, "reference": "A", "amount": "15.00"})
    chosen = rules(rule("ref", equals(), amount(), date(3), report_discrepancies=True))
    assert reconcile(left, right, chosen).matches["category"].to_list() == ["discrepancy"]

    result = reconcile(left, right, chosen, exclusions=Exclusions(frozenset({"1|11"})))
    assert result.matches.height == 0
    assert (result.unmatched_left_ids.to_list(), result.unmatched_right_ids.to_list()) == (
        [1],
        [11],
    )


def test_a_rejected_group_is_not_proposed_again() -> None:
    left = records({"reference": "R1", "amount": "120.00"})
    right = records(
        {"id": 11, "reference": "R1", "amount": "50.00"},
        {"id": 12, "reference": "R1", "amount": "70.00"},
    )
    split = rules(rule("split", equals(), amount(), date(5), cardinality="one_to_many"))
    assert pairs(reconcile(left, right, split)) == {((1,), (11, 12)): "auto"}

    rejected = Exclusions(frozenset({proposal_signature([1], [12, 11])}))
    result = reconcile(left, right, split, exclusions=rejected)
    assert pairs(result) == {}
    assert sorted(result.unmatched_right_ids.to_list()) == [11, 12]
