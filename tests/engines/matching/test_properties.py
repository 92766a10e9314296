"""Invariants on random small inputs: exclusivity, completeness, row-order independence."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tally.matching import RuleSet, reconcile

from .helpers import amount, date, equals, records, rule, rules

RULE_SETS: list[RuleSet] = [
    rules(
        rule("ref", equals(normalisers=["case"]), amount("0.02"), date(2)),
        rule("amt", amount("0.01"), date(1), suggest=0.5),
    ),
    rules(
        rule("ref", equals(), amount(), date(3)),
        rule("split", equals(), amount("0.01"), date(3), cardinality="one_to_many"),
        rule("merge", equals(), amount("0.01"), date(3), cardinality="many_to_one"),
    ),
    rules(
        rule("settle", equals(), amount(), date(5), cardinality="many_to_many"),
        rule("amt", amount(), suggest=0.5),
    ),
]

record = st.fixed_dictionaries(
    {
        "reference": st.sampled_from(["A", "a", "B", "C", None]),
        "amount": st.sampled_from(["1.00", "1.01", "2.00", "3.00", "-1.00", "0.99"]),
        "day": st.integers(0, 4),
    }
)


def _frame(rows: list[dict[str, Any]], offset: int) -> pl.DataFrame:
    return records(*({**r, "id": offset + n} for n, r in enumerate(rows)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    left=st.lists(record, max_size=9),
    right=st.lists(record, max_size=9),
    which=st.integers(0, len(RULE_SETS) - 1),
    seed=st.integers(0, 99),
)
def test_invariants(
    left: list[dict[str, Any]], right: list[dict[str, Any]], which: int, seed: int
) -> None:
    lf, rf = _frame(left, 1), _frame(right, 100)
    result = reconcile(lf, rf, RULE_SETS[which])
    links = result.links.join(result.matches.select("match_key", "status"), on="match_key")
    for side, frame, unmatched in (
        ("left", lf, result.unmatched_left_ids),
        ("right", rf, result.unmatched_right_ids),
    ):
        mine = links.filter(pl.col("side") == side)
        claiming = mine.filter(pl.col("status") != "ambiguous")["record_id"].to_list()
        review = set(mine.filter(pl.col("status") == "ambiguous")["record_id"].to_list())
        assert len(claiming) == len(set(claiming)), "a record claimed twice"
        assert review.isdisjoint(claiming), "a record both claimed and under review"
        linked = set(claiming) | review
        assert linked.isdisjoint(unmatched.to_list())
        assert linked | set(unmatched.to_list()) == set(frame["id"].to_list())
    every_match_has_both_sides = links.group_by("match_key").agg(pl.col("side").n_unique())
    assert (every_match_has_both_sides["side"] == 2).all()

    shuffled = reconcile(
        lf.sample(fraction=1.0, shuffle=True, seed=seed),
        rf.sample(fraction=1.0, shuffle=True, seed=seed + 1),
        RULE_SETS[which],
    )
    assert shuffled.matches.equals(result.matches)
    assert shuffled.links.equals(result.links)
