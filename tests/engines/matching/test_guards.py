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
    warning = found["group_candidates_truncated", "split"]
    assert warning.message.startswith("Rule 'split': 1 records had more candidates")
    assert "Narrow the grouped rule's block" in warning.action

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
    warning = found["group_search_over_budget", "split"]
    assert warning.message.startswith("Rule 'split': 1 blocks needed more subset sums")
    assert "(1,000 per block)" in warning.message
    assert "Narrow the grouped rule's block" in warning.action


def test_search_limits_are_counted_per_grouped_rule_in_the_run_statistics() -> None:
    # Two grouped rules on separate keys: only the one whose block is crowded reports it.
    left = records(
        {"id": 1, "reference": "CROWD", "amount": "30"},
        {"id": 2, "counterparty": "Calm GmbH", "amount": "3"},
    )
    right = records(
        *(
            {"id": 10 + i, "reference": "CROWD", "amount": f"{i + 1}", "day": i % 3}
            for i in range(6)
        ),
        {"id": 30, "counterparty": "Calm GmbH", "amount": "1"},
        {"id": 31, "counterparty": "Calm GmbH", "amount": "2"},
    )
    calm = rule("calm", equals("counterparty"), amount(), date(5), cardinality="one_to_many")
    crowd = rule("crowd", equals(), amount(), date(5), cardinality="one_to_many")
    result = reconcile(left, right, rules(calm, crowd), limits=Limits(max_group_candidates=3))
    by_name = {r.name: r for r in result.stats.rules}
    assert by_name["crowd"].group_candidates_truncated == 1
    assert by_name["calm"].group_candidates_truncated == 0
    assert by_name["calm"].auto == 1
    assert result.stats.group_candidates_truncated == 1
    warnings = job_warnings(left, right, rules(calm, crowd), result)
    assert [(w.code, w.rule) for w in warnings] == [("group_candidates_truncated", "crowd")]
