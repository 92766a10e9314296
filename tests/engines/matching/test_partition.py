"""Partitioned matching gives exactly one run's result: matches, review, unmatched, duplicates.

The gate of the partition plan (tally.matching.partition): every case compares a partitioned run
with a single ``reconcile`` field by field and expects zero differences.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from bench.quality.generators import GENERATORS
from bench.quality.generators import generate as generate_case
from bench.quality.hand_rules import hand_rules
from bench.quality.knowledge import KNOWLEDGE
from bench.quality.load import load_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal, assert_series_equal

from tally.matching import ReconcileResult, RuleSet, reconcile
from tally.matching.fields import INPUT_COLUMNS
from tally.matching.infer import infer_rules
from tally.matching.partition import plan_partitions, shared_key
from tally.matching.partition_run import reconcile_partitioned
from tally.matching.synthetic import SCENARIOS, generate, generate_mixed

from .helpers import amount, date, equals, rule, rules

DAY0 = dt.date(2024, 1, 1)


def assert_same(single: ReconcileResult, split: ReconcileResult) -> None:
    assert_frame_equal(split.matches, single.matches)
    assert_frame_equal(split.links, single.links)
    assert_frame_equal(split.duplicates, single.duplicates)
    assert_series_equal(split.unmatched_left_ids, single.unmatched_left_ids)
    assert_series_equal(split.unmatched_right_ids, single.unmatched_right_ids)
    assert split.stats.counts == single.stats.counts


def compare(
    left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet, parts: int = 4
) -> tuple[ReconcileResult, int]:
    single = reconcile(left, right, rule_set)
    plan = plan_partitions(left, right, rule_set, parts=parts)
    assert plan.parts == parts, plan.reason
    split = reconcile_partitioned(left, right, rule_set, plan, workers=2)
    assert_same(single, split)
    return single, sum(1 for n in plan.records_per_part if n)


def keyed_only(rule_set: RuleSet) -> RuleSet:
    """The rules holding the first rule's first key condition: a set sharing one key."""
    first = rule_set.rules[0].key_conditions[0]
    kept = [r for r in rule_set.rules if first in r.key_conditions]
    return RuleSet.model_validate(
        {**rule_set.model_dump(), "rules": [r.model_dump() for r in kept]}
    )


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_synthetic_scenarios_match_alike_partitioned(name: str) -> None:
    scenario = generate(name, 400, seed=11)
    if not scenario.rule_set.rules[0].key_conditions:
        pytest.skip(f"{name}: no keyed rule to partition by")
    rule_set = keyed_only(scenario.rule_set)
    single, used = compare(scenario.left, scenario.right, rule_set)
    assert used > 1
    assert single.matches.height > 0


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_the_quality_generators_match_alike_partitioned(name: str, tmp_path: Path) -> None:
    """Each generator's hand-written rules (the inferred ones where the team wrote none), kept
    to those sharing the first rule's key: equal in parts; a generator whose key is multi-valued
    (remittance texts quoting several invoices) is declined by the plan, with the reason."""
    loaded = load_case(generate_case(name, 400, seed=7, directory=tmp_path))
    left, right = loaded.left.frame, loaded.right.frame
    if name in KNOWLEDGE:
        rule_set = hand_rules(loaded, KNOWLEDGE[name])
    else:
        rule_set = infer_rules(left, right).rule_set
    assert rule_set.rules[0].key_conditions, "every generator has a key to find"
    rule_set = keyed_only(rule_set)
    plan = plan_partitions(left, right, rule_set, parts=4)
    if plan.parts == 1:
        assert "share no single-valued" in plan.reason
        return
    single, used = compare(left, right, rule_set)
    assert used > 1
    assert single.stats.counts["matches"] > 50


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=INPUT_COLUMNS)


def skewed(n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One reference on 30% of the rows, many records equal in amount and date (twins), a
    share exported twice, the rest on references of a few records each."""
    rng = np.random.default_rng(seed)
    left: list[dict[str, Any]] = []
    right: list[dict[str, Any]] = []
    for i in range(n):
        hot = rng.random() < 0.3
        reference = "ACME" if hot else f"INV-{rng.integers(0, n // 3):05d}"
        cents = int(rng.choice([1000, 2500, 9999])) if hot else int(rng.integers(100, 5000))
        day = DAY0 + dt.timedelta(days=int(rng.integers(0, 20)))
        row = {"reference": reference, "amount": cents * 100, "booking_date": day}
        left.append({**row, "id": 2 * i + 1, "value_date": day})
        copies = 2 if rng.random() < 0.05 else 1
        for copy in range(copies):
            shift = dt.timedelta(days=int(rng.integers(0, 3)))
            right.append(
                {**row, "id": 10 * i + copy + 2, "booking_date": day + shift, "value_date": day}
            )
        if rng.random() < 0.1:  # an instalment pair settling one left line
            half = cents * 50
            right.append({**row, "id": 10 * i + 7, "amount": half, "value_date": day})
            right.append({**row, "id": 10 * i + 8, "amount": cents * 100 - half, "value_date": day})
    return _frame(left), _frame(right)


SKEW_RULES = rules(
    rule("ref", equals(normalisers=["case"]), amount(), date(2)),
    rule("ref_fee", equals(normalisers=["case"]), amount("1.00"), date(4), suggest=0.5),
    rule("split", equals(normalisers=["case"]), amount(), date(3), cardinality="one_to_many"),
)


def test_a_skewed_key_with_twins_matches_alike_partitioned() -> None:
    left, right = skewed(600, seed=3)
    single, used = compare(left, right, SKEW_RULES)
    assert used > 1
    assert single.stats.counts["ambiguous"] > 0  # the twins tie: review is compared too
    assert single.stats.counts["duplicate_records"] > 0


def test_an_oversized_key_is_cut_at_date_gaps_and_matches_alike() -> None:
    left, right = skewed(600, seed=4)
    # The hot reference also books in a second month, far beyond every rule's reach.
    later = pl.col("booking_date") + pl.duration(days=60)
    hot = pl.col("reference") == "ACME"
    odd = (pl.col("id") % 4) < 2
    shift = [
        pl.when(hot & odd).then(later).otherwise(pl.col(c)).alias(c) for c in ("booking_date",)
    ]
    left, right = (
        left.with_columns(shift),
        right.with_columns(
            pl.when(hot & odd).then(later).otherwise(pl.col("booking_date")).alias("booking_date")
        ),
    )
    plan = plan_partitions(left, right, SKEW_RULES, parts=4)
    assert plan.split_keys == 1 and plan.oversized_keys == 0
    single = reconcile(left, right, SKEW_RULES)
    assert_same(single, reconcile_partitioned(left, right, SKEW_RULES, plan))


def test_rules_without_a_shared_key_run_as_one_part() -> None:
    scenario = generate("clean_keys", 100, seed=1)  # reference rule, then amount + date only
    plan = plan_partitions(scenario.left, scenario.right, scenario.rule_set, parts=4)
    assert plan.parts == 1 and "share no" in plan.reason
    assert isinstance(shared_key(scenario.rule_set), str)


def test_the_plan_does_not_depend_on_row_order() -> None:
    left, right = skewed(300, seed=5)
    plan = plan_partitions(left, right, SKEW_RULES, parts=3)
    shuffled = left.sample(fraction=1.0, shuffle=True, seed=2)
    again = plan_partitions(shuffled, right, SKEW_RULES, parts=3)
    by_id = dict(zip(left["id"], plan.left_part, strict=True))
    assert [by_id[i] for i in shuffled["id"]] == again.left_part.tolist()


RULE_SETS = [
    SKEW_RULES,
    rules(rule("settle", equals(), amount(), date(5), cardinality="many_to_many")),
    rules(
        rule("merge", equals(), amount("0.01"), date(3), cardinality="many_to_one"),
        rule("ref", equals(), amount("0.05"), date(3)),
    ),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(RULE_SETS) - 1),
    st.integers(0, 10_000),
    st.integers(2, 5),
)
def test_random_small_sets_match_alike_partitioned(which: int, seed: int, parts: int) -> None:
    rng = np.random.default_rng(seed)
    rows = []
    for side in range(2):
        n = int(rng.integers(5, 60))
        rows.append(
            _frame(
                [
                    {
                        "id": side * 1000 + i,
                        "reference": str(rng.choice(["a", "A", "b", "c", "d", "e", None])),
                        "amount": int(rng.choice([100, 200, 300, 500])) * 100,
                        "booking_date": DAY0 + dt.timedelta(days=int(rng.integers(0, 8))),
                    }
                    for i in range(n)
                ]
            )
        )
    rule_set = RULE_SETS[which]
    plan = plan_partitions(rows[0], rows[1], rule_set, parts=parts)
    single = reconcile(rows[0], rows[1], rule_set)
    assert_same(single, reconcile_partitioned(rows[0], rows[1], rule_set, plan, workers=2))


def test_units_of_every_size_spread_over_the_parts() -> None:
    """Split payments (a key with one left and two right records) land in every part, not all
    in the first: records balance the parts, and so does the grouped rules' work."""
    scenario = generate_mixed(4000, seed=7, split_share=0.05)
    plan = plan_partitions(scenario.left, scenario.right, keyed_only(scenario.rule_set), parts=4)
    keyed = scenario.left["reference"].is_not_null().to_numpy()  # the rest: one unit of its own
    extra_right = np.bincount(plan.right_part, minlength=4) - np.bincount(
        plan.left_part[keyed], minlength=4
    )
    assert extra_right.sum() == scenario.right.height - int(keyed.sum()) > 100
    assert extra_right.min() > extra_right.sum() / 8  # each part holds some, none all
