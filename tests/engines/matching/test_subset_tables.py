"""A search's subset tables, built once and reused where its blocks share their candidates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.matching import AmountCondition
from tally.matching.sums import (
    BudgetExceeded,
    SearchBudget,
    SubsetTables,
    best_subsets,
    subset_table,
)

COND = AmountCondition(abs_tolerance="0.0002")  # 2 units


def _same(got: tuple[np.ndarray, ...], want: tuple[np.ndarray, ...]) -> bool:
    return all(g.dtype == w.dtype and np.array_equal(g, w) for g, w in zip(got, want, strict=True))


def test_a_table_is_subset_table_and_by_sum_its_rows_in_stable_sum_order() -> None:
    values = np.array([5, -3, 5, 0, 7], np.int64)
    scores = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    tables = SubsetTables()
    plain = subset_table(values, scores, 3)
    assert _same(tables.table(values, scores, 3), plain)
    order = np.argsort(plain[0], kind="stable")
    assert _same(tables.table(values, scores, 3, by_sum=True), tuple(a[order] for a in plain))


def test_a_repeated_block_reuses_its_table_and_nobody_can_change_it() -> None:
    tables = SubsetTables()
    values, scores = np.array([1, 2, 3], np.int64), np.zeros(3)
    first = tables.table(values, scores, 2)
    assert tables.table(values.copy(), scores.copy(), 2) is first
    with pytest.raises(ValueError):
        first[0][0] = 99
    # Other scores, another size or another order of the rows: another table.
    assert tables.table(values, np.full(3, 0.5), 2) is not first
    assert tables.table(values, scores, 3) is not first
    assert tables.table(values, scores, 2, by_sum=True) is not first


def test_only_the_latest_tables_are_kept() -> None:
    tables = SubsetTables(capacity=2)
    scores = np.zeros(2)
    first = tables.table(np.array([1, 2], np.int64), scores, 2)
    tables.table(np.array([3, 4], np.int64), scores, 2)
    assert tables.table(np.array([1, 2], np.int64), scores, 2) is first  # used: kept
    tables.table(np.array([5, 6], np.int64), scores, 2)  # evicts [3, 4], the least recent
    assert tables.table(np.array([1, 2], np.int64), scores, 2) is first
    rebuilt = tables.table(np.array([3, 4], np.int64), scores, 2)
    assert _same(rebuilt, subset_table(np.array([3, 4], np.int64), scores, 2))


@settings(max_examples=60, deadline=None)
@given(
    blocks=st.lists(
        st.tuples(
            st.lists(st.integers(-40, 80), min_size=0, max_size=16),
            st.integers(-60, 200),
        ),
        min_size=1,
        max_size=8,
    ),
    scores=st.lists(st.sampled_from([0.0, 0.25, 0.3, 1 / 3]), min_size=16, max_size=16),
    k=st.integers(2, 5),
)
def test_a_search_sharing_tables_finds_what_separate_searches_find(
    blocks: list[tuple[list[int], int]], scores: list[float], k: int
) -> None:
    # Blocks repeating their candidates (one's whole list, or one of its halves) with other
    # targets: what a shared search reports, and its scores to the last bit, are unchanged.
    blocks = blocks + [(values, target + 1) for values, target in blocks]
    blocks = blocks + [([*values[:12], 7], target) for values, target in blocks]
    tables = SubsetTables(capacity=4)
    for values, target in blocks:
        amounts, member_scores = np.array(values, np.int64), np.array(scores[: len(values)])
        shared, alone = (
            best_subsets(
                amounts, member_scores, target, COND, amount_weight=0.5, min_size=2,
                max_size=k, tables=memo,
            )
            for memo in (tables, None)
        )  # fmt: skip
        assert shared == alone


def test_a_reused_table_spends_the_budget_as_if_it_were_built() -> None:
    tables = SubsetTables()
    for _ in range(2):
        with pytest.raises(BudgetExceeded):
            best_subsets(
                np.ones(24, np.int64), np.zeros(24), 5, COND, amount_weight=1.0, min_size=2,
                max_size=10, budget=SearchBudget(1000), tables=tables,
            )  # fmt: skip
