"""reconcile end to end on tiny frames: rule types, categories, priority, determinism, cancel."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tally.matching import MatchingCancelled, reconcile
from tally.matching.result import DUPLICATE_SCHEMA, LINK_SCHEMA, MATCH_SCHEMA
from tally.matching.synthetic import generate

from .helpers import (
    amount,
    date,
    equals,
    fuzzy,
    match_rows,
    one_to_one,
    pairs,
    records,
    rule,
    rules,
)

REF_RULE = rule(
    "ref",
    equals(normalisers=["case", "whitespace", "punctuation", "leading_zeros"]),
    amount("2.00"),
    date(3),
    auto=0.9,
    suggest=0.6,
)


def test_exact_reference_with_tolerances_and_evidence_sentence() -> None:
    left = records(
        {"reference": "INV-0042", "amount": "100.00", "day": 0},
        {"reference": "INV-7", "amount": "50.00", "day": 0},
    )
    right = records(
        {"id": 11, "reference": "inv 42", "amount": "98.80", "day": 2},
        {"id": 12, "reference": "INV-7", "amount": "50.00", "day": 0},
    )
    result = reconcile(left, right, rules(REF_RULE))
    rows = {r["left"]: r for r in match_rows(result)}
    assert rows[(1,)]["right"] == (11,)
    assert rows[(1,)]["status"] == "suggested"
    assert rows[(1,)]["amount_difference"] == -12_000
    assert rows[(1,)]["date_difference_days"] == 2
    assert rows[(2,)]["status"] == "auto" and rows[(2,)]["score"] == 1.0
    sentence = result.with_explanations().filter(pl.col("match_key") == rows[(1,)]["match_key"])
    assert sentence["explanation"].item() == (
        "reference equal after normalising case, whitespace, punctuation, leading zeros; "
        "amount -1.20 (within 2.00); booked 2 days later"
    )
    evidence = json.loads(rows[(2,)]["evidence"])
    assert evidence["kind"] == "pair"
    assert [c["type"] for c in evidence["conditions"]] == ["equals", "amount", "date"]


def test_result_frames_have_the_documented_schema_and_order() -> None:
    scenario = generate("clean_keys", 60, seed=5)
    result = reconcile(scenario.left, scenario.right, scenario.rule_set)
    assert dict(result.matches.schema) == MATCH_SCHEMA
    assert dict(result.links.schema) == LINK_SCHEMA
    assert dict(result.duplicates.schema) == DUPLICATE_SCHEMA
    assert result.matches["match_key"].to_list() == list(range(1, result.matches.height + 1))
    assert result.links.equals(result.links.sort("match_key", "side", "record_id"))
    assert set(result.matches["status"]) <= {"auto", "suggested", "ambiguous"}
    linked_left = set(result.links.filter(pl.col("side") == "left")["record_id"])
    assert linked_left.isdisjoint(result.unmatched_left_ids.to_list())
    assert len(linked_left) + result.unmatched_left_ids.len() == scenario.left.height


def test_percentage_tolerance_is_exact_at_the_boundary() -> None:
    # 1% of the larger amount (100.00) is 1.00: a 1.00 difference passes, 1.0001 does not.
    left = records({"reference": "A", "amount": "100.00"}, {"reference": "B", "amount": "100.00"})
    right = records(
        {"id": 11, "reference": "A", "amount": "99.00"},
        {"id": 12, "reference": "B", "amount": "98.9999"},
    )
    rs = rules(rule("r", equals(), amount("0", pct_tolerance="1"), suggest=0.5))
    result = reconcile(left, right, rs)
    assert one_to_one(result) == {(1, 11): "suggested"}
    disc = result.matches.filter(pl.col("category") == "discrepancy")
    assert disc["amount_difference"].to_list() == [-10_001]


def test_sign_opposite_pairs_debits_with_credits() -> None:
    left = records({"reference": "A", "amount": "-75.00"})
    right = records({"id": 11, "reference": "A", "amount": "75.00"})
    same = reconcile(left, right, rules(rule("r", equals(), amount())))
    opposite = reconcile(left, right, rules(rule("r", equals(), amount(sign="opposite"))))
    assert one_to_one(same) == {}
    assert one_to_one(opposite) == {(1, 11): "auto"}
    assert opposite.matches["amount_difference"].item() == 0


def test_value_date_window_and_cross_field_equality() -> None:
    left = records({"description": "ref X-1", "amount": "10", "value_date": None, "day": 0})
    right = records({"id": 11, "reference": "ref X-1", "amount": "10", "day": 0})
    by_value = rules(
        rule(
            "r",
            equals("description", right_field="reference"),
            amount(),
            date(1, field="value_date"),
        )
    )
    by_booking = rules(
        rule(
            "r",
            equals("description", right_field="reference"),
            amount(),
            date(1, field="booking_date"),
        )
    )
    assert one_to_one(reconcile(left, right, by_value)) == {}  # no value date: cannot pass
    assert one_to_one(reconcile(left, right, by_booking)) == {(1, 11): "auto"}


def test_fuzzy_condition_required_and_optional() -> None:
    left = records({"description": "ACME GmbH rent March", "amount": "500"})
    right = records(
        {"id": 11, "description": "Rent March ACME GmbH", "amount": "500"},
        {"id": 12, "description": "Unrelated", "amount": "500"},
    )
    required = rules(rule("r", amount(), fuzzy(threshold=80), suggest=0.5))
    assert one_to_one(reconcile(left, right, required)) == {(1, 11): "auto"}
    # Optional: both pass the amount, the similarity decides who scores higher.
    optional = rules(rule("r", amount(), fuzzy(threshold=80, required=False), suggest=0.4))
    assert one_to_one(reconcile(left, right, optional)) == {(1, 11): "auto"}
    alone = reconcile(left, right.filter(pl.col("id") == 12), optional)
    assert one_to_one(alone) == {(1, 12): "suggested"}


def test_extra_and_derived_fields_match() -> None:
    left = records({"description": "Zahlung INV-100123 ff", "amount": "10"})
    right = records({"id": 11, "extra": '{"invoice_no": "inv-100123"}', "amount": "10"})
    rs = rules(
        rule("r", equals("inv", right_field="extra.invoice_no", normalisers=["case"]), amount()),
        derived_fields=[{"name": "inv", "pattern": r"(?P<no>INV-\d+)"}],
    )
    result = reconcile(left, right, rs)
    assert one_to_one(result) == {(1, 11): "auto"}
    assert "left inv / right extra.invoice_no equal" in result.with_explanations()["explanation"][0]


def test_ties_go_to_review_instead_of_guessing() -> None:
    left = records({"reference": "A", "amount": "10"}, {"reference": "A", "amount": "10"})
    right = records({"id": 11, "reference": "A", "amount": "10"})
    # Two records alike but not flagged as duplicates (no transaction id to compare): a real tie.
    rs = rules(rule("r", equals(), amount()), duplicate_fields=["transaction_id"])
    result = reconcile(left, right, rs)
    assert one_to_one(result) == {(1, 11): "ambiguous", (2, 11): "ambiguous"}
    assert result.unmatched_left_ids.len() == 0
    evidence = json.loads(result.matches["evidence"][0])
    assert evidence["tie"] is True
    assert "tied with another candidate" in result.with_explanations()["explanation"][0]


def test_chain_where_greedy_is_wrong_is_solved_optimally() -> None:
    left = records({"amount": "100.00"}, {"amount": "100.04"})
    right = records({"id": 11, "amount": "100.01"}, {"id": 12, "amount": "99.97"})
    rs = rules(rule("r", amount("0.05"), date(0)))
    assert one_to_one(reconcile(left, right, rs)).keys() == {(1, 12), (2, 11)}
    greedy = reconcile(left, right, rs, strategy="greedy_best")
    assert one_to_one(greedy).keys() == {(1, 11)}


def test_rules_apply_in_priority_order_and_records_are_used_once() -> None:
    left = records({"reference": "A", "amount": "10"}, {"reference": None, "amount": "10"})
    right = records({"id": 11, "reference": "A", "amount": "10"})
    first_ref = rules(rule("ref", equals(), amount()), rule("amt", amount()))
    first_amt = rules(rule("amt", amount()), rule("ref", equals(), amount()))
    assert one_to_one(reconcile(left, right, first_ref)) == {(1, 11): "auto"}
    assert match_rows(reconcile(left, right, first_ref))[0]["rule"] == "ref"
    # The amount-only rule first: two equal candidates for one record -> review, not a guess.
    amt_first = reconcile(left, right, first_amt)
    assert set(one_to_one(amt_first).values()) == {"ambiguous"}
    assert {r["rule"] for r in match_rows(amt_first)} == {"amt"}


def test_thresholds_split_auto_suggested_and_nothing() -> None:
    left = records({"reference": "A", "amount": "10.00", "day": 0})
    right = records({"id": 11, "reference": "A", "amount": "10.00", "day": 3})
    rs = rules(rule("r", equals(), amount("1"), date(3), auto=0.95, suggest=0.9))
    assert one_to_one(reconcile(left, right, rs)) == {(1, 11): "suggested"}  # score 0.9
    rs = rules(rule("r", equals(), amount("1"), date(3), auto=0.99, suggest=0.95))
    result = reconcile(left, right, rs)
    assert one_to_one(result) == {}
    assert result.unmatched_left_ids.to_list() == [1]


def test_discrepancies_report_differences_each_record_once() -> None:
    left = records(
        {"reference": "A", "amount": "100.00", "day": 0},
        {"reference": "B", "amount": "50.00", "day": 0},
        {"reference": "B", "amount": "50.00", "day": 1},
    )
    right = records(
        {"id": 11, "reference": "A", "amount": "115.00", "day": 0},
        {"id": 12, "reference": "B", "amount": "50.00", "day": 9},
    )
    result = reconcile(left, right, rules(REF_RULE))
    disc = [r for r in match_rows(result) if r["category"] == "discrepancy"]
    by_right = {r["right"]: r for r in disc}
    assert by_right[(11,)]["left"] == (1,)
    assert by_right[(11,)]["amount_difference"] == 150_000
    assert by_right[(11,)]["status"] == "suggested"
    # Right 12 is 8 or 9 days from the two B lines: the closer one wins, the other is unmatched.
    assert by_right[(12,)]["left"] == (3,)
    assert by_right[(12,)]["date_difference_days"] == 8
    assert result.unmatched_left_ids.to_list() == [2]
    sentences = set(result.with_explanations()["explanation"])
    assert "reference equal; amount off by 15.00 (tolerance 2.00); booked the same day" in sentences
    assert "reference equal; amount equal; date 8 days apart (window 3)" in sentences


def test_later_rule_beats_discrepancy() -> None:
    left = records({"reference": "A", "amount": "10", "day": 0})
    right = records({"id": 11, "reference": "A", "amount": "10", "day": 6})
    rs = rules(REF_RULE, rule("wide", equals(), amount(), date(7)))
    rows = match_rows(reconcile(left, right, rs))
    assert [(r["rule"], r["category"]) for r in rows] == [("wide", "matched")]


def test_duplicates_within_a_source() -> None:
    left = records(
        {"reference": "A", "amount": "10", "day": 0},
        {"reference": "a", "amount": "10", "day": 0},  # differs in case: not a duplicate
        {"reference": "A", "amount": "10", "day": 0},
        {"reference": None, "amount": "10", "day": 0},
        {"reference": None, "amount": "10", "day": 0},
    )
    right = records({"id": 11, "reference": "A", "amount": "10"})
    result = reconcile(left, right, rules(rule("r", equals(), amount())))
    assert result.duplicates.to_dicts() == [
        {"side": "left", "record_id": 1, "group": 1},
        {"side": "left", "record_id": 3, "group": 1},
    ]
    assert result.stats.counts["duplicate_records"] == 2


def test_empty_inputs() -> None:
    empty = records()
    result = reconcile(empty, records({"amount": "1"}), rules(REF_RULE))
    assert result.matches.height == 0
    assert result.unmatched_right_ids.to_list() == [1]


@pytest.mark.parametrize(
    "name", ["near_duplicate_amounts", "duplicates", "split_payments", "many_to_many"]
)
def test_results_do_not_depend_on_row_order(name: str) -> None:
    scenario = generate(name, 120, seed=11)
    first = reconcile(scenario.left, scenario.right, scenario.rule_set)
    for seed in (1, 2):
        shuffled = reconcile(
            scenario.left.sample(fraction=1.0, shuffle=True, seed=seed),
            scenario.right.sample(fraction=1.0, shuffle=True, seed=seed + 7),
            scenario.rule_set,
        )
        assert shuffled.matches.equals(first.matches)
        assert shuffled.links.equals(first.links)
        assert shuffled.duplicates.equals(first.duplicates)
        assert shuffled.unmatched_left_ids.equals(first.unmatched_left_ids)


def test_progress_is_monotonic_and_reaches_one() -> None:
    scenario = generate("split_payments", 60, seed=2)
    seen: list[float] = []
    reconcile(scenario.left, scenario.right, scenario.rule_set, progress=seen.append)
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    assert len(seen) >= 5


def test_cancel_raises_between_phases() -> None:
    scenario = generate("clean_keys", 60, seed=2)
    calls = 0

    def cancel_on_third() -> bool:
        nonlocal calls
        calls += 1
        return calls >= 3

    with pytest.raises(MatchingCancelled):
        reconcile(scenario.left, scenario.right, scenario.rule_set, should_cancel=cancel_on_third)
    with pytest.raises(MatchingCancelled):
        reconcile(scenario.left, scenario.right, scenario.rule_set, should_cancel=lambda: True)


def test_stats_count_phases_and_components() -> None:
    scenario = generate("near_duplicate_amounts", 80, seed=3)
    result = reconcile(scenario.left, scenario.right, scenario.rule_set)
    stats = result.stats.as_dict()
    assert stats["components"]["exact"] > 0  # the chains
    assert stats["components"]["one_to_one"] > 0
    assert {"prepare", "candidates", "scoring", "assignment", "total"} <= stats["timings"].keys()
    assert stats["counts"]["matches"] == result.matches.height
    assert json.dumps(stats)  # JSON-able
    assert 0.99 < sum(result.stats.phase_shares().values()) < 1.01
    assert pairs(result)  # something matched


def test_currency_key_blocks_without_pairing_every_record() -> None:
    # "currency" is a key far too frequent to join pairwise: the sorted window takes over within
    # each currency, and no discrepancies come from it (it identifies nothing).
    left = records(
        *({"amount": f"{i}.00", "currency": "EUR"} for i in range(1, 30)),
        {"id": 99, "amount": "5.00", "currency": "USD"},
    )
    right = records(
        *({"id": 100 + i, "amount": f"{i}.00", "currency": "USD"} for i in range(1, 30))
    )
    result = reconcile(left, right, rules(rule("r", equals("currency"), amount())))
    assert one_to_one(result) == {(99, 105): "auto"}
    assert result.stats.frequent_keys == 2  # EUR (left) and USD (right)
    assert result.stats.counts["discrepancies"] == 0


def test_candidate_truncation_is_counted() -> None:
    from tally.matching import Limits

    left = records({"amount": "10.00"})
    right = records(*({"id": 10 + i, "amount": "10.00"} for i in range(10)))
    result = reconcile(left, right, rules(rule("r", amount())), limits=Limits(max_candidates=4))
    assert result.stats.candidates_truncated == 1
    assert len(one_to_one(result)) == 4  # a tie among the four kept candidates
    assert set(one_to_one(result).values()) == {"ambiguous"}


def test_candidates_scoring_alike_are_told_apart_by_the_values_they_share() -> None:
    # Two fees of one day and amount, each naming its own mandate: every ledger line shares the
    # account with both, but its mandate with one alone. Not a tie for review: the pair with
    # more values in common wins, and its evidence says so.
    rs = rules(
        rule("r", equals("ref", right_field="ref"), amount("0"), auto=0.5, suggest=0.5),
        derived_fields=[{"name": "ref", "source": "description", "pattern": r"(?P<v>\d{4,})",
                         "multiple": True}],
    )  # fmt: skip
    left = records(
        {"description": "FEE MANDATE 7477 ACCOUNT 44021", "amount": "-5"},
        {"description": "FEE MANDATE 2177 ACCOUNT 44021", "amount": "-5"},
    )
    right = records(
        {"id": 11, "description": "fee 2177 account 44021", "amount": "-5"},
        {"id": 12, "description": "fee 7477 account 44021", "amount": "-5"},
    )
    result = reconcile(left, right, rs)
    assert result.matches["status"].to_list() == ["auto", "auto"]
    pairs = result.links.pivot(on="side", index="match_key", values="record_id")
    assert sorted(pairs.select("left", "right").iter_rows()) == [(1, 12), (2, 11)]
    evidence = [json.loads(e)["conditions"][0] for e in result.matches["evidence"]]
    assert [e.get("shared_values") for e in evidence] == [2, 2]
