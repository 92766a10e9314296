"""Job warnings computed from a run: each fires on a crafted case and says what to do."""

from __future__ import annotations

from tally.matching import Limits, reconcile
from tally.matching.guards import job_warnings

from .helpers import amount, date, equals, fuzzy, records, rule, rules


def _codes(left, right, rule_set, **options):  # type: ignore[no-untyped-def]
    result = reconcile(left, right, rule_set, **options)
    return {(w.code, w.rule): w for w in job_warnings(left, right, rule_set, result)}


def test_an_empty_optional_field_explains_why_nothing_is_auto() -> None:
    left = records({"id": 1, "amount": "10"}, {"id": 2, "amount": "20"})
    right = records({"id": 11, "amount": "10"}, {"id": 12, "amount": "20"})
    scored = rule("r", amount(), date(3), fuzzy("counterparty", required=False), auto=0.95)
    warning = _codes(left, right, rules(scored))["field_empty", "r"]
    assert "at most 0.67, below its auto threshold 0.95" in warning.message
    assert warning.action.startswith("Map a column of the left file to counterparty")


def test_a_rule_whose_keys_never_meet_found_no_candidates() -> None:
    left = records({"id": 1, "reference": "A-1", "amount": "10"})
    right = records({"id": 11, "reference": "B-1", "amount": "10"})
    found = _codes(left, right, rules(rule("keyed", equals(), amount())))
    assert (
        "found no candidate pair among the 1 left and 1 right"
        in found["no_candidates", "keyed"].message
    )
    assert ("low_match_rate", None) in found


def test_truncated_group_candidates_and_a_good_run_without_warnings() -> None:
    left = records({"id": 1, "reference": "R", "amount": "30"})
    right = records(
        *({"id": 10 + i, "reference": "R", "amount": f"{i + 1}", "day": i % 3} for i in range(6))
    )
    split = rule("split", equals(), amount(), date(5), cardinality="one_to_many")
    found = _codes(left, right, rules(split), limits=Limits(max_group_candidates=3))
    assert "Narrow the grouped rule's block" in found["group_candidates_truncated", None].action

    good_left = records({"id": 1, "reference": "A", "amount": "10"})
    good_right = records({"id": 11, "reference": "A", "amount": "10"})
    assert _codes(good_left, good_right, rules(rule("r", equals(), amount()))) == {}


def test_a_group_search_over_its_budget_says_so_and_what_to_do() -> None:
    left = records({"id": 1, "reference": "R", "amount": "10.00"})
    right = records(*({"id": 10 + i, "reference": "R", "amount": "1.00"} for i in range(20)))
    grouped = rule("split", equals(), amount(), cardinality="one_to_many", max_group_size=10)
    # transaction_id (empty) tells the twenty 1.00 records apart: none is a duplicate.
    rule_set = rules(grouped, duplicate_fields=["transaction_id"])
    found = _codes(left, right, rule_set, search_budget_per_block=1_000)
    warning = found["group_search_over_budget", None]
    assert "1 blocks of grouped rules" in warning.message
    assert "(1,000 per block)" in warning.message
    assert "Narrow the grouped rule's block" in warning.action
