"""Candidate generation: exact against brute force, bounded on adversarial keys."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.matching.candidates import (
    Candidates,
    Limits,
    pair_candidates,
    reads_amounts,
    window_search,
)
from tally.matching.conditions import block_spec, work_frame
from tally.matching.fields import prepare_side
from tally.matching.rules import RuleSet

from .helpers import amount, date, equals, records, rule, rules


@settings(max_examples=60, deadline=None)
@given(
    left=st.lists(
        st.tuples(st.integers(0, 2), st.integers(-50, 50), st.integers(0, 6)), max_size=25
    ),
    right=st.lists(st.tuples(st.integers(0, 2), st.integers(-50, 50)), max_size=25),
    huge=st.booleans(),
)
def test_window_search_equals_brute_force(
    left: list[tuple[int, int, int]], right: list[tuple[int, int]], huge: bool
) -> None:
    scale = 10**17 if huge else 1  # forces the rank-compressed path for huge values
    lb = np.array([b for b, _, _ in left], np.uint64)
    lv = np.array([v * scale for _, v, _ in left], np.int64)
    lr = np.array([r * scale for _, _, r in left], np.int64)
    rb = np.array([b for b, _ in right], np.uint64)
    rv = np.array([v * scale for _, v in right], np.int64)
    li, ri, truncated = window_search(lb, lv, lr, rb, rv, cap=1000)
    got = sorted(zip(li.tolist(), ri.tolist(), strict=True))
    want = sorted(
        (i, j)
        for i in range(len(left))
        for j in range(len(right))
        if lb[i] == rb[j] and abs(int(lv[i]) - int(rv[j])) <= int(lr[i])
    )
    assert got == want
    assert truncated == 0


def test_window_search_caps_candidates_nearest_first() -> None:
    rv = np.arange(100, dtype=np.int64)
    _, ri, truncated = window_search(
        np.zeros(1, np.uint64),
        np.array([50], np.int64),
        np.array([100], np.int64),
        np.zeros(100, np.uint64),
        rv,
        cap=4,
    )
    assert truncated == 1
    assert sorted(rv[ri].tolist()) == [48, 49, 50, 51]


def _candidates(
    left: pl.DataFrame, right: pl.DataFrame, rs: RuleSet, limits: Limits | None = None
) -> Candidates:
    r = rs.rules[0]
    lw = work_frame(prepare_side(left, "left"), r, rs, "left")
    rw = work_frame(prepare_side(right, "right"), r, rs, "right")
    return pair_candidates(lw, rw, block_spec(r, rs), limits or Limits())


def test_key_join_pairs_only_equal_keys_and_marks_them_keyed() -> None:
    rs = rules(rule("r", equals(normalisers=["case"]), amount("1")))
    left = records({"reference": "a", "amount": "5"}, {"reference": "B", "amount": "5"})
    right = records({"reference": "A", "amount": "500"}, {"reference": "c", "amount": "5"})
    cand = _candidates(left, right, rs)
    assert list(zip(cand.left.tolist(), cand.right.tolist(), strict=True)) == [(0, 0)]
    assert cand.keyed.tolist() == [True]  # amount is checked later (a discrepancy candidate)


def test_frequent_key_uses_the_amount_window_instead_of_all_pairs() -> None:
    # 200 x 200 records share one junk reference: a plain join would make 40,000 pairs.
    n = 200
    left = records(*({"reference": "N/A", "amount": f"{i}.00"} for i in range(n)))
    right = records(*({"reference": "N/A", "amount": f"{i}.00"} for i in range(n)))
    rs = rules(rule("r", equals(), amount("0.50")))
    cand = _candidates(left, right, rs)
    assert cand.stats.frequent_keys == 1
    assert cand.left.size == n
    assert bool((cand.left == cand.right).all())
    assert not cand.keyed.any()  # frequent keys never produce discrepancies


def test_frequent_key_without_window_is_skipped_and_counted() -> None:
    left = records(*({"reference": "X", "amount": "1"} for _ in range(20)))
    right = records(*({"reference": "X", "amount": "1"} for _ in range(20)))
    rs = rules(rule("r", equals(), amount("0", required=False)))
    cand = _candidates(left, right, rs)
    assert cand.left.size == 0
    assert cand.stats.skipped_keys == 1


def test_tolerance_only_rule_respects_date_buckets() -> None:
    left = records({"amount": "10", "day": 0}, {"amount": "10", "day": 10})
    right = records(
        {"amount": "10.01", "day": 2}, {"amount": "10", "day": 14}, {"amount": "10", "day": 7}
    )
    rs = rules(rule("r", amount("0.01"), date(3)))
    cand = _candidates(left, right, rs)
    got = set(zip(cand.left.tolist(), cand.right.tolist(), strict=True))
    # Buckets of 2w+1 days: every pair within the window, nothing two buckets away (the exact
    # date check happens when scoring).
    assert {(0, 0), (1, 2)} <= got
    assert (0, 1) not in got


def test_multi_valued_keys_pair_once_per_record_pair() -> None:
    rs = rules(
        rule("r", equals("inv", right_field="reference"), amount("1000")),
        derived_fields=[{"name": "inv", "pattern": r"(?P<n>INV-\d+)", "multiple": True}],
    )
    left = records({"description": "INV-1 INV-2 INV-1", "amount": "3"})
    right = records({"reference": "INV-1"}, {"reference": "INV-2"}, {"reference": "INV-3"})
    cand = _candidates(left, right, rs)
    assert sorted(cand.right.tolist()) == [0, 1]


def test_sign_opposite_compares_negated_right_amounts() -> None:
    rs = rules(rule("r", amount("0", sign="opposite")))
    left = records({"amount": "-12.50"}, {"amount": "12.50"})
    right = records({"amount": "12.50"})
    cand = _candidates(left, right, rs)
    assert cand.left.tolist() == [0]


@settings(max_examples=60, deadline=None)
@given(
    refs=st.lists(st.sampled_from(["A", "B", "N/A", None]), min_size=1, max_size=30),
    amounts=st.lists(st.integers(1, 40), min_size=60, max_size=60),
    moved=st.lists(st.integers(1, 40), min_size=60, max_size=60),
    keyed=st.booleans(),
    grouped=st.booleans(),
)
def test_candidates_that_read_no_amounts_do_not_change_with_them(
    refs: list[str | None], amounts: list[int], moved: list[int], keyed: bool, grouped: bool
) -> None:
    # Rule inference counts a decoy's candidates (the right amounts moved) only when
    # reads_amounts says the candidates read them: otherwise they are the real run's.
    half = len(refs) // 2
    keyed = keyed or grouped  # a grouped rule searches within a key
    conditions = [equals()] if keyed else []
    cardinality = "one_to_many" if grouped else "one_to_one"
    rs = rules(rule("r", *conditions, amount("2"), date(4), cardinality=cardinality))
    left = records(
        *(
            {"reference": r, "amount": str(a), "day": i % 5}
            for i, (r, a) in enumerate(zip(refs[:half], amounts, strict=False))
        )
    )
    found = []
    for values in (amounts, moved):
        right = records(
            *(
                {"reference": r, "amount": str(a), "day": i % 7}
                for i, (r, a) in enumerate(zip(refs[half:], values[half:], strict=False))
            )
        )
        found.append(_candidates(left, right, rs, Limits(key_join_max_per_side=3)))
    spec = block_spec(rs.rules[0], rs)
    if not reads_amounts(spec, found[0].stats):
        assert found[0].left.tolist() == found[1].left.tolist()
        assert found[0].right.tolist() == found[1].right.tolist()
    assert reads_amounts(spec, found[0].stats) == (
        not grouped and (not keyed or found[0].stats.frequent_keys > 0)
    )
