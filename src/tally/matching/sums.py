"""Bounded subset-sum search over integer units (meet in the middle), and blocks less strays.

Given a target and up to ~24 candidate amounts, find every subset of 2..k members whose sum is
within the amount tolerance of the target, score them and keep the best. Everything is integer
arithmetic; the enumeration is vectorised with numpy by doubling subset tables.

A block larger than that (a card scheme's day of a terminal: dozens of receipts, a few of which
belong to another day's batch or to none) is searched the other way round
(:func:`block_exclusions`): the whole block less at most a few records, so the cost grows with
the strays, not with the members.
"""

from __future__ import annotations

import math
from collections import OrderedDict
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
    # Under fee rates: how many hits chance alone would give the search (its sums near the
    # target, spread evenly over the tolerance); above CHANCE_HITS a lone hit is for review.
    chance: float = 0.0


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


def fee_of(gross: IntArray, ppm: int) -> IntArray:
    """The fee at ``ppm`` of each gross amount, floored to a unit (as
    :func:`tally.matching.conditions.fee_rate_difference` computes it for pairs)."""
    return (gross // PPM) * ppm + ((gross % PPM) * ppm) // PPM


def sum_fit(
    cond: AmountCondition, one: IntArray, sums: IntArray, *, fee_on_sums: bool
) -> tuple[IntArray, IntArray]:
    """(gap, tolerance) of group totals ``sums`` against their "one" record's amount ``one``.

    Under a percentage the gap is the difference; under ``fee_rates`` it is how far the net
    amount is from the gross one less the nearest rate (the fee is taken off the group's total
    when ``fee_on_sums``, off the one record otherwise), within ``abs_tolerance``.
    """
    if not cond.fee_rates:
        return sums - one, tolerance_for(cond, one, sums)
    gross, net = (sums, one) if fee_on_sums else (one, sums)
    gaps = np.stack([net - (gross - fee_of(gross, ppm)) for ppm in cond.rate_ppms])
    nearest = np.abs(gaps).argmin(axis=0)
    gap = np.take_along_axis(gaps, nearest[None, :], axis=0)[0]
    return gap.astype(np.int64), np.full(gap.shape, cond.abs_units, np.int64)


def fit_score(cond: AmountCondition, gap: IntArray, tol: IntArray) -> FloatArray:
    """The amount part of a group's score. Under fee rates every gap within the tolerance is the
    fee's rounding, not a better or worse fit: two subsets within it tie (and go to review)."""
    if cond.fee_rates:
        return np.ones(gap.shape, np.float64)
    return amount_score(gap, tol)


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


Table = tuple[IntArray, IntArray, FloatArray, IntArray]


class SubsetTables:
    """The subset tables one search built last, by their members' amounts and scores.

    A search has a block per record of the "one" side, and neighbouring records (a
    counterparty's payments days apart) share their candidates: at 1M x 1M, 86 % of the tables
    rule inference's sum searches built repeated one built earlier in the same search
    (bench/infer/REPORT.md). Only the ``capacity`` latest are kept (a table of 10 members is
    ~20 KB; a search of a whole source has as many blocks as records). A table is read, never
    written.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._built: OrderedDict[tuple[bytes, bytes, int, bool], Table] = OrderedDict()
        self._capacity = capacity

    def table(
        self, values: IntArray, scores: FloatArray, max_size: int, *, by_sum: bool = False
    ) -> Table:
        """:func:`subset_table` of ``values``; with ``by_sum`` its rows in (stable) order of
        their sums."""
        values = np.ascontiguousarray(values, np.int64)
        scores = np.ascontiguousarray(scores, np.float64)
        key = (values.tobytes(), scores.tobytes(), max_size, by_sum)
        found = self._built.get(key)
        if found is not None:
            self._built.move_to_end(key)
            return found
        found = subset_table(values, scores, max_size)
        if by_sum:
            order = np.argsort(found[0], kind="stable")
            found = (found[0][order], found[1][order], found[2][order], found[3][order])
        for array in found:
            array.flags.writeable = False
        self._built[key] = found
        if len(self._built) > self._capacity:
            self._built.popitem(last=False)
        return found


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
    fee_on_sums: bool = True,
    tables: SubsetTables | None = None,
) -> list[SubsetHit]:
    """The best-scoring subsets (several only when tied) whose sum is within tolerance.

    ``member_scores`` are each member's weighted non-amount score; a subset scores
    ``amount_weight * amount_score + mean(member_scores)``. ``fee_on_sums``: under fee rates,
    whether the subset's total is the gross amount (see :func:`sum_fit`). ``tables``: the
    tables of the search this block is part of, reused where its candidates repeat; the budget
    is spent as if each were built.
    """
    n = values.size
    if n < min_size:
        return []
    budget = budget or SearchBudget()
    tables = tables or SubsetTables()
    half = n if n <= 12 else n // 2
    a_sums, a_sizes, a_sc, a_masks = tables.table(values[:half], member_scores[:half], max_size)
    b_sums, b_sizes, b_sc, b_masks = tables.table(
        values[half:], member_scores[half:], max_size, by_sum=True
    )
    budget.spend(a_sums.size + b_sums.size)
    radius = int(amount_radius(np.array([target], np.int64), cond)[0])
    if cond.fee_rates:  # the rounding tolerance is grossed up with the amount
        lo, hi = _fee_window(cond, target, fee_on_sums)
        radius = max(radius, target - lo, hi - target)
    start = np.searchsorted(b_sums, target - radius - a_sums, side="left")
    end = np.searchsorted(b_sums, target + radius - a_sums, side="right")
    counts = end - start
    total = int(counts.sum())
    budget.spend(total)
    if total == 0:
        return []
    chance = 0.0
    if cond.fee_rates:
        # Every sum within the radius, spread over it evenly: what chance puts within the fee's
        # rounding. Only the sums near the gross (or net) amount of each rate are compared.
        chance = total * (2 * cond.abs_units + 1) / (2 * radius + 1)
        start = np.searchsorted(b_sums, lo - a_sums, side="left")
        end = np.searchsorted(b_sums, hi - a_sums, side="right")
        counts = np.maximum(end - start, 0)
        total = int(counts.sum())
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
    gap, tol = sum_fit(cond, target_arr, sums, fee_on_sums=fee_on_sums)
    ok = np.abs(gap) <= tol
    if not ok.any():
        return []
    ia, ib, size, diff, gap, tol = ia[ok], ib[ok], size[ok], diff[ok], gap[ok], tol[ok]
    score = amount_weight * fit_score(cond, gap, tol) + (a_sc[ia] + b_sc[ib]) / size
    score_q = np.rint(np.clip(score, 0.0, 1.0) * SCORE_SCALE).astype(np.int64)
    best = score_q.max()
    winners = np.flatnonzero(score_q == best)[:MAX_ALTERNATIVES]
    masks = a_masks[ia[winners]] | (b_masks[ib[winners]] << half)
    hits = []
    for k, mask in zip(winners.tolist(), masks.tolist(), strict=True):
        members = tuple(i for i in range(n) if (mask >> i) & 1)
        hits.append(SubsetHit(members, int(diff[k]), int(tol[k]), int(score_q[k]), chance))
    return sorted(hits, key=lambda h: h.members)


def _fee_window(cond: AmountCondition, target: int, fee_on_sums: bool) -> tuple[int, int]:
    """The sums (lowest, highest) that can be within ``abs_tolerance`` of ``target`` under one
    of the fee rates: ``target`` less the fee, or the gross amount ``target`` is the net of, a
    unit wider each way for the flooring."""
    tol = cond.abs_units
    ends: list[int] = []
    for ppm in cond.rate_ppms:
        if fee_on_sums:  # s - fee(s) = target +- tol: s = (target +- tol) / (1 - rate)
            ends += [(target - tol) * PPM // (PPM - ppm), -((-(target + tol) * PPM) // (PPM - ppm))]
        else:
            net = target - int(fee_of(np.array([target], np.int64), ppm)[0])
            ends += [net - tol, net + tol]
    return min(ends) - 2, max(ends) + 2


# Blocks less strays (block_exclusions). A hit is taken as a match only when chance would put
# fewer than this many of the block's other totals within the tolerance: the totals near the
# target, counted in a window _CHANCE_WIDTH times as wide, tell how crowded the sums are there.
# Measured on the acquirer case at 100k (`python -m bench.quality.run --sizes 100000
# --generators acquirer_de --methods inferred`): the blocks a bar of 0.1 adds to one of 0.05 were
# right 97 % of the time (the bar a rule's estimated precision must clear), overall precision
# 0.9996; 0.02 left a third of the batches to review.
CHANCE_HITS = 0.1
_CHANCE_WIDTH = 500
_MAX_BLOCK = 62  # members are bits of an int64 mask


@dataclass(frozen=True)
class BlockHits:
    """What :func:`block_exclusions` found: every hit with the fewest strays for which chance
    stays rare (``excluded`` strays at most), and whether chance was rare enough to trust them."""

    hits: list[SubsetHit]
    excluded: int
    trusted: bool


def exclusion_count(n: int, max_excluded: int) -> int:
    """Subsets of at most ``max_excluded`` of ``n`` records: the totals a block search builds."""
    return sum(math.comb(n, i) for i in range(min(max_excluded, n) + 1))


def block_exclusions(
    values: IntArray,
    member_scores: FloatArray,
    target: int,
    cond: AmountCondition,
    *,
    amount_weight: float,
    max_excluded: int,
    min_size: int,
    max_size: int,
    fee_on_sums: bool = True,
    budget: SearchBudget | None = None,
) -> BlockHits:
    """The whole block less at most ``max_excluded`` records, when its total is within tolerance.

    Strays are excluded a few at a time (0, 1, 2, ...): at each count the block's totals less
    that many records are compared with the target, and the search stops at the first count
    with a hit, or before the count at which chance hits (estimated from how many totals fall
    near the target) would no longer be rare. Several hits at that count are an ambiguity: all
    are returned, for review. Every total built is spent from ``budget`` before it is built.
    """
    n = values.size
    if n < min_size or n > _MAX_BLOCK:
        return BlockHits([], 0, False)
    budget = budget or SearchBudget()
    budget.spend(1)  # the whole block's total
    total = int(values.sum())
    score_total = float(member_scores.sum())
    # Totals of the block less each subset of s records, grown one stray at a time.
    ex_sums = np.zeros(1, np.int64)
    ex_sc = np.zeros(1, np.float64)
    ex_masks = np.zeros(1, np.int64)
    ex_last = np.full(1, -1, np.int64)  # highest excluded index (each subset built once)
    chance = 0.0
    most = min(max_excluded, n - min_size)
    if not _reachable(values, total, target, cond, fee_on_sums, most):
        return BlockHits([], most, True)
    for excluded in range(most + 1):
        if excluded:
            ex_sums, ex_sc, ex_masks, ex_last = _one_more(
                values, member_scores, ex_sums, ex_sc, ex_masks, ex_last, budget
            )
        size = n - excluded
        if size > max_size:
            continue
        kept = total - ex_sums
        gap, tol = sum_fit(
            cond, np.full(kept.shape, target, np.int64), kept, fee_on_sums=fee_on_sums
        )
        # Expected chance hits: the totals within _CHANCE_WIDTH windows of the target, spread
        # evenly, times the share of that span the tolerance covers.
        window = 2 * tol + 1
        chance += float((np.abs(gap) <= _CHANCE_WIDTH * window).sum()) / (2 * _CHANCE_WIDTH)
        hit = np.flatnonzero(np.abs(gap) <= tol)
        trusted = chance <= CHANCE_HITS
        if hit.size or not trusted:
            found = _block_hits(
                hit, kept - target, ex_sc, ex_masks, gap, tol, size, score_total, n, cond,
                amount_weight,
            )  # fmt: skip
            return BlockHits(found, excluded, trusted)
    return BlockHits([], max_excluded, True)


def _reachable(
    values: IntArray, total: int, target: int, cond: AmountCondition, fee_on_sums: bool, most: int
) -> bool:
    """Whether the block less at most ``most`` records can come within reach of the target:
    its totals lie between the total less the ``most`` largest and less the ``most`` smallest
    (a settlement row of another kind, a rental fee, is not worth enumerating)."""
    ordered = np.sort(values)
    low = total - int(np.maximum(ordered[::-1][:most], 0).sum())  # less the positive largest
    high = total - int(np.minimum(ordered[:most], 0).sum())  # less the negative smallest
    radius = int(amount_radius(np.array([target], np.int64), cond)[0])
    lo, hi = target - radius, target + radius
    if cond.fee_rates:
        fee_lo, fee_hi = _fee_window(cond, target, fee_on_sums)
        lo, hi = min(lo, fee_lo), max(hi, fee_hi)
    return high >= lo and low <= hi


def _one_more(
    values: IntArray,
    scores: FloatArray,
    sums: IntArray,
    sc: FloatArray,
    masks: IntArray,
    last: IntArray,
    budget: SearchBudget,
) -> tuple[IntArray, FloatArray, IntArray, IntArray]:
    """The subsets of one more record: each subset extended by each record after its last one."""
    grow = values.size - 1 - last
    count = int(grow.sum())
    budget.spend(count)
    parent = np.repeat(np.arange(sums.size), grow)
    offsets = np.cumsum(grow) - grow
    added = last[parent] + 1 + (np.arange(count) - np.repeat(offsets, grow))
    return (
        sums[parent] + values[added],
        sc[parent] + scores[added],
        masks[parent] | (np.int64(1) << added),
        added,
    )


def _block_hits(
    hit: IntArray,
    diff: IntArray,
    ex_sc: FloatArray,
    ex_masks: IntArray,
    gap: IntArray,
    tol: IntArray,
    size: int,
    score_total: float,
    n: int,
    cond: AmountCondition,
    amount_weight: float,
) -> list[SubsetHit]:
    hit = hit[: MAX_ALTERNATIVES + 1]  # one more than kept anywhere: enough to see a tie
    score = amount_weight * fit_score(cond, gap[hit], tol[hit]) + (score_total - ex_sc[hit]) / size
    score_q = np.rint(np.clip(score, 0.0, 1.0) * SCORE_SCALE).astype(np.int64)
    everyone = (1 << n) - 1
    out = []
    for j, k in enumerate(hit.tolist()):
        mask = everyone & ~int(ex_masks[k])
        members = tuple(i for i in range(n) if (mask >> i) & 1)
        out.append(SubsetHit(members, int(diff[k]), int(tol[k]), int(score_q[j])))
    return sorted(out, key=lambda h: h.members)


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
