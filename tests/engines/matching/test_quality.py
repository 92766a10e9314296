"""Precision and recall per synthetic scenario (pair level, auto + suggested matches).

The expected figures are what the engine achieves today on these seeded scenarios; each is
asserted with a small margin so that a regression fails while noise from an unrelated change
(e.g. a different tie-break inside a baseline) does not.
"""

from __future__ import annotations

import pytest

from tally.matching import reconcile
from tally.matching.backtest import precision_recall, predicted_pairs
from tally.matching.synthetic import SCENARIOS, generate

N, SEED, MARGIN = 400, 7, 0.01

# scenario: (precision, recall) of the optimal strategy
EXPECTED = {
    "clean_keys": (1.0, 1.0),
    "timing_shifts": (1.0, 0.97),  # the tail beyond the window becomes discrepancies
    "fee_deductions": (1.0, 0.96),  # fees above the 2% tolerance become discrepancies
    "rounding": (1.0, 1.0),
    "reference_typos": (1.0, 1.0),
    "split_payments": (1.0, 1.0),
    # Either line of a pair imported twice is matched (the truth names one of the two, hence
    # 0.97); the other is left to the duplicates tab, not to review (asserted below).
    "duplicates": (0.97, 0.97),
    "missing_records": (0.96, 1.0),  # look-alikes without partner are indistinguishable
    "buried_references": (1.0, 1.0),
    "batch_payments": (1.0, 1.0),
    "near_duplicate_amounts": (1.0, 1.0),
    "many_to_many": (1.0, 1.0),
}

# (scenario, strategy): (precision, recall) of the baselines where they go wrong
BASELINES = {
    ("near_duplicate_amounts", "greedy_best"): (0.67, 0.50),
    ("near_duplicate_amounts", "first_match"): (0.92, 0.85),
    ("reference_typos", "first_match"): (0.895, 0.895),
}


def test_every_scenario_has_an_expectation() -> None:
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_optimal_precision_recall(name: str) -> None:
    scenario = generate(name, N, seed=SEED)
    result = reconcile(scenario.left, scenario.right, scenario.rule_set)
    pr = precision_recall(result, scenario.truth)
    precision, recall = EXPECTED[name]
    assert pr.precision >= precision - MARGIN, pr
    assert pr.recall >= recall - MARGIN, pr
    if name == "clean_keys":
        assert pr.precision >= 0.99 and pr.recall >= 0.99


@pytest.mark.parametrize(("name", "strategy"), sorted(BASELINES))
def test_baselines_err_where_optimal_does_not(name: str, strategy: str) -> None:
    scenario = generate(name, N, seed=SEED)
    result = reconcile(scenario.left, scenario.right, scenario.rule_set, strategy=strategy)
    pr = precision_recall(result, scenario.truth)
    precision, recall = BASELINES[name, strategy]
    assert pr.precision == pytest.approx(precision, abs=0.03)
    assert pr.recall == pytest.approx(recall, abs=0.03)
    optimal = EXPECTED[name]
    assert pr.precision < optimal[0] or pr.recall < optimal[1]


def test_scenarios_land_in_the_right_categories() -> None:
    dup = generate("duplicates", N, seed=SEED)
    result = reconcile(dup.left, dup.right, dup.rule_set)
    assert result.duplicates.height == 2 * (N // 20)
    # A line imported twice does not tie with its own copy: no review item, the copy stays
    # unmatched (and flagged), besides the scenario's partnerless noise.
    assert result.stats.counts["ambiguous"] == 0
    twin_of = dict(result.duplicates.select("record_id", "group").iter_rows())
    found = {(twin_of.get(lid, lid), rid) for lid, rid in predicted_pairs(result).iter_rows()}
    truth = {(twin_of.get(lid, lid), rid) for lid, rid in dup.truth.iter_rows()}
    assert found == truth  # every pair found, through one line of each twin
    matched_twins = set(result.links["record_id"].to_list()) & set(twin_of)
    assert len(matched_twins) == N // 20  # one line of each twin matched, the other left

    late = generate("timing_shifts", N, seed=SEED)
    result = reconcile(late.left, late.right, late.rule_set)
    missing = precision_recall(result, late.truth).false_negatives
    assert result.stats.counts["discrepancies"] == missing > 0

    lonely = generate("missing_records", N, seed=SEED)
    result = reconcile(lonely.left, lonely.right, lonely.rule_set)
    assert result.unmatched_left_ids.len() == N // 5
    assert result.unmatched_right_ids.len() == N // 5


def test_generator_is_deterministic() -> None:
    a = generate("batch_payments", 50, seed=3)
    b = generate("batch_payments", 50, seed=3)
    assert a.left.equals(b.left) and a.right.equals(b.right) and a.truth.equals(b.truth)
    assert not generate("batch_payments", 50, seed=4).left.equals(a.left)
