"""Bounded subset-sum search over integer units (meet in the middle).

Given a target and up to ~24 candidate amounts, find every subset of 2..k members whose sum is
within the amount tolerance of the target, score them and keep the best. Everything is integer
arithmetic; the enumeration is vectorised with numpy by doubling subset tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tally.matching.candidates import IntArray, amount_radius
from tally.matching.conditions import EDGE_SCORE, SCORE_SCALE
from tally.matching.rules import PPM, AmountCondition

FloatArray = npt.NDArray[np.float64]
MAX_ALTERNATIVES = 10


@dataclass(frozen=True)
class SubsetHit:
    members: tuple[int, ...]  # indices into the candidate list
    difference: int  # sum(subset) - target, in units
    tolerance: int
    score_q: int


class BudgetExceeded(Exception):
    """The search was larger than allowed; the block is skipped and counted."""


# Subset sums a block's search may build and compare. A count, not a time: the same input
# gives the same matches on any machine, under any load. One million took 0.2-0.3 s (20
# candidates of one amount, groups of up to 10; 2 cores, load average 10), about the time
# budget (0.25 s per block) it replaces.
DEFAULT_SEARCH_BUDGET = 1_000_000


@dataclass
class SearchBudget:
    """What one block's sum search may still spend: subset sums built plus pairs of them
    compared. Spending more raises :class:`BudgetExceeded` before the work is done."""

    remaining: int = DEFAULT_SEARCH_BUDGET

    def spend(self, work: int) -> None:
        if work > self.remaining:
            self.remaining = 0
            raise BudgetExceeded(f"{work} subset sums and pairs over the block's budget")
        self.remaining -= work


def tolerance_for(cond: AmountCondition, a: IntArray, b: IntArray) -> IntArray:
    """Allowed |difference| per pair of totals (max of absolute and % of the larger, capped)."""
    tol = np.full(a.shape, cond.abs_units, dtype=np.int64)
    ppm = cond.pct_ppm
    if ppm:
        big = np.maximum(np.abs(a), np.abs(b))
        pct = (big // PPM) * ppm + ((big % PPM) * ppm) // PPM
        if cond.cap_units is not None:
            pct = np.minimum(pct, cond.cap_units)
        tol = np.maximum(tol, pct)
    return tol


def amount_score(diff: IntArray, tol: IntArray) -> FloatArray:
    safe = np.where(tol > 0, tol, 1).astype(np.float64)
    return np.where(tol > 0, 1.0 - (1.0 - EDGE_SCORE) * np.abs(diff) / safe, 1.0)


def subset_table(
    values: IntArray, scores: FloatArray, max_size: int
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """(sums, sizes, score sums, masks) of every subset of at most ``max_size`` members.

    Each member doubles the table (the subsets without it, then those with it), so subsets come
    in increasing mask order and each score sum adds its members in index order. Sum, size and
    mask are one integer table, doubled in place while every subset grows: a search makes two
    tables per target, thousands per rule tried on a sample, and growing four arrays apart took
    twice the CPU (3,000 tables of 10 members: 0.30 -> 0.15 s; bench/infer/REPORT.md)."""
    n = values.size
    members = np.stack(
        [
            values.astype(np.int64),
            np.ones(n, np.int64),
            np.left_shift(1, np.arange(n, dtype=np.int64)),
        ],
        axis=1,
    )
    # While no subset has max_size members every one grows: the table doubles in place.
    whole = min(n, max(max_size, 0))
    table = np.zeros((1 << whole, 3), np.int64)
    sc = np.zeros(1 << whole, np.float64)
    for i, s in enumerate(scores[:whole].tolist()):
        half = 1 << i
        table[half : 2 * half] = table[:half] + members[i]
        sc[half : 2 * half] = sc[:half] + s
    for i, s in enumerate(scores[whole:].tolist(), start=whole):
        keep = table[:, 1] < max_size
        table = np.concatenate([table, table[keep] + members[i]])
        sc = np.concatenate([sc, sc[keep] + s])
    return table[:, 0], table[:, 1], sc, table[:, 2]


def best_subsets(
    values: IntArray,
    member_scores: FloatArray,
    target: int,
    cond: AmountCondition,
    *,
    amount_weight: float,
    min_size: int,
    max_size: int,
    budget: SearchBudget | None = None,
) -> list[SubsetHit]:
    """The best-scoring subsets (several only when tied) whose sum is within tolerance.

    ``member_scores`` are each member's weighted non-amount score; a subset scores
    ``amount_weight * amount_score + mean(member_scores)``.
    """
    n = values.size
    if n < min_size:
        return []
    budget = budget or SearchBudget()
    half = n if n <= 12 else n // 2
    a_sums, a_sizes, a_sc, a_masks = subset_table(values[:half], member_scores[:half], max_size)
    b_sums, b_sizes, b_sc, b_masks = subset_table(values[half:], member_scores[half:], max_size)
    budget.spend(a_sums.size + b_sums.size)
    order = np.argsort(b_sums, kind="stable")
    b_sums, b_sizes, b_sc, b_masks = b_sums[order], b_sizes[order], b_sc[order], b_masks[order]
    radius = int(amount_radius(np.array([target], np.int64), cond)[0])
    start = np.searchsorted(b_sums, target - radius - a_sums, side="left")
    end = np.searchsorted(b_sums, target + radius - a_sums, side="right")
    counts = end - start
    total = int(counts.sum())
    budget.spend(total)
    if total == 0:
        return []
    ia = np.repeat(np.arange(a_sums.size), counts)
    offsets = np.cumsum(counts) - counts
    ib = np.repeat(start, counts) + (np.arange(total) - np.repeat(offsets, counts))
    size = a_sizes[ia] + b_sizes[ib]
    ok = (size >= min_size) & (size <= max_size)
    ia, ib, size = ia[ok], ib[ok], size[ok]
    if ia.size == 0:
        return []
    sums = a_sums[ia] + b_sums[ib]
    target_arr = np.full(sums.shape, target, np.int64)
    diff = sums - target
    tol = tolerance_for(cond, target_arr, sums)
    ok = np.abs(diff) <= tol
    if not ok.any():
        return []
    ia, ib, size, diff, tol = ia[ok], ib[ok], size[ok], diff[ok], tol[ok]
    score = amount_weight * amount_score(diff, tol) + (a_sc[ia] + b_sc[ib]) / size
    score_q = np.rint(np.clip(score, 0.0, 1.0) * SCORE_SCALE).astype(np.int64)
    best = score_q.max()
    winners = np.flatnonzero(score_q == best)[:MAX_ALTERNATIVES]
    masks = a_masks[ia[winners]] | (b_masks[ib[winners]] << half)
    hits = []
    for k, mask in zip(winners.tolist(), masks.tolist(), strict=True):
        members = tuple(i for i in range(n) if (mask >> i) & 1)
        hits.append(SubsetHit(members, int(diff[k]), int(tol[k]), int(score_q[k])))
    return sorted(hits, key=lambda h: h.members)


@dataclass(frozen=True)
class BalancedHit:
    left: tuple[int, ...]
    right: tuple[int, ...]
    difference: int  # sum(right) - sum(left)
    tolerance: int
    score_q: int


def best_balanced(
    left_values: IntArray,
    left_scores: FloatArray,
    right_values: IntArray,
    right_scores: FloatArray,
    cond: AmountCondition,
    *,
    amount_weight: float,
    max_size: int,
    min_total: int = 3,
    budget: SearchBudget | None = None,
) -> list[BalancedHit]:
    """Best (left subset, right subset) pairs with equal sums within tolerance (ties kept)."""
    budget = budget or SearchBudget()
    l_sums, l_sizes, l_sc, l_masks = subset_table(left_values, left_scores, max_size)
    r_sums, r_sizes, r_sc, r_masks = subset_table(right_values, right_scores, max_size)
    budget.spend(l_sums.size + r_sums.size)
    keep_l, keep_r = l_sizes > 0, r_sizes > 0
    l_sums, l_sizes, l_sc, l_masks = l_sums[keep_l], l_sizes[keep_l], l_sc[keep_l], l_masks[keep_l]
    r_sums, r_sizes, r_sc, r_masks = r_sums[keep_r], r_sizes[keep_r], r_sc[keep_r], r_masks[keep_r]
    order = np.argsort(r_sums, kind="stable")
    r_sums, r_sizes, r_sc, r_masks = r_sums[order], r_sizes[order], r_sc[order], r_masks[order]
    radius = amount_radius(l_sums, cond)
    start = np.searchsorted(r_sums, l_sums - radius, side="left")
    end = np.searchsorted(r_sums, l_sums + radius, side="right")
    counts = end - start
    total = int(counts.sum())
    budget.spend(total)
    if total == 0:
        return []
    il = np.repeat(np.arange(l_sums.size), counts)
    offsets = np.cumsum(counts) - counts
    ir = np.repeat(start, counts) + (np.arange(total) - np.repeat(offsets, counts))
    size = l_sizes[il] + r_sizes[ir]
    ok = size >= min_total
    il, ir, size = il[ok], ir[ok], size[ok]
    diff = r_sums[ir] - l_sums[il]
    tol = tolerance_for(cond, l_sums[il], r_sums[ir])
    ok = np.abs(diff) <= tol
    if not ok.any():
        return []
    il, ir, size, diff, tol = il[ok], ir[ok], size[ok], diff[ok], tol[ok]
    score = amount_weight * amount_score(diff, tol) + (l_sc[il] + r_sc[ir]) / size
    score_q = np.rint(np.clip(score, 0.0, 1.0) * SCORE_SCALE).astype(np.int64)
    best = score_q.max()
    winners = np.flatnonzero(score_q == best)[:MAX_ALTERNATIVES]
    hits = []
    for k in winners.tolist():
        lm, rm = int(l_masks[il[k]]), int(r_masks[ir[k]])
        hits.append(
            BalancedHit(
                tuple(i for i in range(left_values.size) if (lm >> i) & 1),
                tuple(i for i in range(right_values.size) if (rm >> i) & 1),
                int(diff[k]),
                int(tol[k]),
                int(score_q[k]),
            )
        )
    return sorted(hits, key=lambda h: (h.left, h.right))
