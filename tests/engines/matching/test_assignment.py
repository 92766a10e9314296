"""Exclusive assignment: optimal per component, ties to review, never row order."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.matching.assignment import AMBIGUOUS, FIRM, Strategy, assign, solve_exact
from tally.matching.candidates import Limits


def run(edges: list[tuple[int, int, int]], **kwargs: object) -> dict[tuple[int, int], int]:
    li = np.array([e[0] for e in edges], np.int64)
    ri = np.array([e[1] for e in edges], np.int64)
    w = np.array([e[2] for e in edges], np.int64)
    status, _ = assign(li, ri, w, **kwargs)  # type: ignore[arg-type]
    return {(a, b): int(s) for (a, b, _), s in zip(edges, status.tolist(), strict=True) if s}


def test_one_to_one_components_are_firm() -> None:
    assert run([(0, 0, 5), (1, 1, 7)]) == {(0, 0): FIRM, (1, 1): FIRM}


def test_star_takes_best_edge_or_reports_the_tie() -> None:
    assert run([(0, 0, 9), (0, 1, 8)]) == {(0, 0): FIRM}
    assert run([(0, 0, 9), (0, 1, 9), (0, 2, 3)]) == {(0, 0): AMBIGUOUS, (0, 1): AMBIGUOUS}
    assert run([(0, 0, 9), (1, 0, 9)]) == {(0, 0): AMBIGUOUS, (1, 0): AMBIGUOUS}


def test_chain_where_greedy_is_wrong() -> None:
    # The best single pair (0,0) would leave both others unmatched; the optimum takes the two
    # slightly worse pairs.
    edges = [(0, 0, 95), (0, 1, 90), (1, 0, 90)]
    assert run(edges) == {(0, 1): FIRM, (1, 0): FIRM}
    assert run(edges, strategy=Strategy.GREEDY_BEST) == {(0, 0): FIRM}


def test_full_tie_goes_to_review() -> None:
    edges = [(0, 0, 5), (0, 1, 5), (1, 0, 5), (1, 1, 5)]
    assert run(edges) == dict.fromkeys([(0, 0), (0, 1), (1, 0), (1, 1)], AMBIGUOUS)


def test_tie_that_does_not_change_the_outcome_is_resolved() -> None:
    # (0,0) and (1,0) tie for right 0, but only one assignment covers right 1 too.
    assert run([(0, 0, 9), (1, 0, 9), (1, 1, 8)]) == {(0, 0): FIRM, (1, 1): FIRM}


def test_greedy_fallback_marks_level_ties_ambiguous() -> None:
    limits = Limits(exact_component_nodes=2)
    edges = [(0, 0, 9), (1, 0, 9), (1, 1, 5), (2, 2, 1), (2, 3, 7), (3, 3, 7)]
    got = run(edges, limits=limits)
    assert got[(0, 0)] == AMBIGUOUS and got[(1, 0)] == AMBIGUOUS
    assert (1, 1) not in got  # left 1 is under review already
    assert got[(2, 3)] == AMBIGUOUS and got[(3, 3)] == AMBIGUOUS


def test_first_match_baseline_takes_first_free_candidate() -> None:
    edges = [(0, 0, 1), (0, 1, 99), (1, 0, 99)]
    assert run(edges, strategy=Strategy.FIRST_MATCH) == {(0, 0): FIRM}


def _brute_force(
    edges: list[tuple[int, int, int]],
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(edges in every optimal matching, edges in some optimal matching)."""
    best, optimal = -1, []
    for k in range(len(edges) + 1):
        for combo in itertools.combinations(edges, k):
            ls = [e[0] for e in combo]
            rs = [e[1] for e in combo]
            if len(set(ls)) < k or len(set(rs)) < k:
                continue
            value = sum(e[2] for e in combo)
            pairs = {(e[0], e[1]) for e in combo}
            if value > best:
                best, optimal = value, [pairs]
            elif value == best:
                optimal.append(pairs)
    every = set.intersection(*optimal) if optimal else set()
    some = set.union(*optimal) if optimal else set()
    return every, some


edge_lists = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 4)),
    min_size=1,
    max_size=9,
    unique_by=lambda e: (e[0], e[1]),
)


@settings(max_examples=150, deadline=None)
@given(edges=edge_lists, seed=st.integers(0, 1000))
def test_optimal_matches_brute_force_and_ignores_order(
    edges: list[tuple[int, int, int]], seed: int
) -> None:
    every, some = _brute_force(edges)
    got = run(edges)
    assert {e for e, s in got.items() if s == FIRM} == every
    assert {e for e, s in got.items() if s == AMBIGUOUS} == some - every
    shuffled = list(edges)
    np.random.default_rng(seed).shuffle(shuffled)
    assert run(shuffled) == got


wide_edge_lists = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(1, 3)),
    min_size=1,
    max_size=10,
    unique_by=lambda e: (e[0], e[1]),
)


@settings(max_examples=100, deadline=None)
@given(edges=wide_edge_lists)
def test_components_beyond_four_by_four_match_brute_force(
    edges: list[tuple[int, int, int]],
) -> None:
    every, some = _brute_force(edges)
    got = run(edges)
    assert {e for e, s in got.items() if s == FIRM} == every
    assert {e for e, s in got.items() if s == AMBIGUOUS} == some - every
    # The per-component LSA solver on its own (the engine uses it above 4 x 4).
    li = np.array([e[0] for e in edges], np.int64)
    ri = np.array([e[1] for e in edges], np.int64)
    _, lc = np.unique(li, return_inverse=True)
    _, rc = np.unique(ri, return_inverse=True)
    status = solve_exact(lc, rc, np.array([e[2] for e in edges], np.int64))
    direct = {(a, b): int(x) for (a, b, _), x in zip(edges, status.tolist(), strict=True) if x}
    assert {e for e, x in direct.items() if x == FIRM} == every
    assert {e for e, x in direct.items() if x == AMBIGUOUS} == some - every


@settings(max_examples=60, deadline=None)
@given(edges=edge_lists)
def test_greedy_fallback_never_double_assigns(edges: list[tuple[int, int, int]]) -> None:
    got = run(edges, limits=Limits(exact_component_nodes=2))
    firm = [e for e, s in got.items() if s == FIRM]
    assert len({a for a, _ in firm}) == len(firm)
    assert len({b for _, b in firm}) == len(firm)
    claimed_l = {a for a, _ in firm}
    claimed_r = {b for _, b in firm}
    for (a, b), s in got.items():
        if s == AMBIGUOUS:
            assert a not in claimed_l and b not in claimed_r
