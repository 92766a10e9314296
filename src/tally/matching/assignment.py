"""Exclusive assignment of scored candidate pairs: each record in at most one pair.

The optimal strategy maximises the total (integer) score within every connected component of the
candidate graph:

* a component of one left and one right record is taken as is (the overwhelmingly common case,
  handled vectorised);
* a star (one record on one side) takes its best edge, vectorised;
* other components up to :attr:`Limits.exact_component_nodes` nodes are solved exactly with
  ``scipy.optimize.linear_sum_assignment``;
* larger components fall back to greedy by score (counted in the stats).

Ties are never broken by row order: an edge is *firm* only if it belongs to every optimal
assignment. Edges that belong to some but not all optimal assignments are *ambiguous* and go to
review. In the greedy fallback the same holds per score level.

``greedy_best`` and ``first_match`` are baselines for benchmarking only: they do guess.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import polars as pl

from tally.matching.candidates import IntArray, Limits

UNASSIGNED, FIRM, AMBIGUOUS = 0, 1, 2
StatusArray = npt.NDArray[np.int8]


def bipartite_components(left: IntArray, right: IntArray, n_left: int, n_right: int) -> IntArray:
    """The connected component of every node of the graph whose edges join ``left[i]`` (of
    ``n_left`` nodes) and ``right[i]`` (of ``n_right``): labels of the left nodes first, then the
    right ones."""
    # scipy is imported when a job matches, not with the package: it is ~45 MB of RSS that the
    # server and `tally worker` would otherwise hold while they only ingest (bench/rss/REPORT.md).
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix(
        (np.ones(left.size, np.int8), (left, n_left + right)), shape=(n_left + n_right,) * 2
    )
    labels: IntArray = connected_components(graph, directed=False)[1].astype(np.int64)
    return labels


class Strategy(StrEnum):
    OPTIMAL = "optimal"
    GREEDY_BEST = "greedy_best"  # baseline: best score first, ties by row order
    FIRST_MATCH = "first_match"  # baseline: each left record takes its first free candidate


@dataclass
class AssignmentStats:
    one_to_one: int = 0  # components of exactly one left and one right record
    star: int = 0  # one record on one side, several on the other
    exact: int = 0  # solved with linear_sum_assignment
    greedy_fallback: int = 0  # too large: greedy by score level
    sizes: Counter[str] = field(default_factory=Counter)  # components by number of records

    def merge(self, other: AssignmentStats) -> None:
        self.one_to_one += other.one_to_one
        self.star += other.star
        self.exact += other.exact
        self.greedy_fallback += other.greedy_fallback
        self.sizes.update(other.sizes)


def size_bucket(nodes: int) -> str:
    for limit, label in ((2, "2"), (3, "3"), (4, "4"), (8, "5-8"), (16, "9-16"), (64, "17-64")):
        if nodes <= limit:
            return label
    return "65+"


def assign(
    left: IntArray,
    right: IntArray,
    weight: IntArray,
    strategy: Strategy = Strategy.OPTIMAL,
    limits: Limits | None = None,
) -> tuple[StatusArray, AssignmentStats]:
    """Status per edge (0 unassigned, 1 firm, 2 ambiguous) for unique ``(left, right)`` edges.

    ``weight`` must be positive integers (quantised scores). Row order of the edges never
    changes the result of the optimal strategy.
    """
    limits = limits or Limits()
    status = np.zeros(left.shape, np.int8)
    stats = AssignmentStats()
    if left.size == 0:
        return status, stats
    if strategy is Strategy.GREEDY_BEST:
        order = np.lexsort((right, left, -weight))
        _take_in_order(left, right, order, status)
        return status, stats
    if strategy is Strategy.FIRST_MATCH:
        _take_in_order(left, right, np.lexsort((right, left)), status)
        return status, stats

    _, lid = np.unique(left, return_inverse=True)
    _, rid = np.unique(right, return_inverse=True)
    n_l, n_r = int(lid.max()) + 1, int(rid.max()) + 1
    deg_l = np.bincount(lid, minlength=n_l)
    deg_r = np.bincount(rid, minlength=n_r)
    single = (deg_l[lid] == 1) & (deg_r[rid] == 1)
    status[single] = FIRM
    stats.one_to_one = int(single.sum())
    stats.sizes["2"] += stats.one_to_one
    rest = np.flatnonzero(~single)
    if rest.size == 0:
        return status, stats

    labels = bipartite_components(lid[rest], rid[rest], n_l, n_r)
    comp = labels[lid[rest]]
    frame = pl.DataFrame(
        {"e": rest, "c": comp, "l": lid[rest], "r": rid[rest], "w": weight[rest]}
    ).with_columns(
        pl.col("l").n_unique().over("c").alias("nl"),
        pl.col("r").n_unique().over("c").alias("nr"),
        pl.len().over("c").alias("ne"),
    )
    sizes = frame.group_by("c").agg(pl.first("nl"), pl.first("nr"), pl.first("ne"))
    for _c, nl, nr, _ne in sizes.iter_rows():
        stats.sizes[size_bucket(nl + nr)] += 1

    star = frame.filter((pl.col("nl") == 1) | (pl.col("nr") == 1))
    if star.height:
        best = star.with_columns(pl.col("w").max().over("c").alias("wmax")).filter(
            pl.col("w") == pl.col("wmax")
        )
        best = best.with_columns(pl.len().over("c").alias("nbest"))
        edges = best["e"].to_numpy()
        status[edges] = np.where(best["nbest"].to_numpy() == 1, FIRM, AMBIGUOUS)
        stats.star = int(star["c"].n_unique())

    general = frame.filter((pl.col("nl") > 1) & (pl.col("nr") > 1))
    is_small = (
        (pl.col("nl") <= SMALL)
        & (pl.col("nr") <= SMALL)
        & (pl.col("nl") + pl.col("nr") <= limits.exact_component_nodes)
    )
    small = general.filter(is_small)
    if small.height:
        _solve_small(small, status)
        stats.exact += int(small["c"].n_unique())
    large = general.filter(~is_small).sort("c", "l", "r")
    if large.height:
        _solve_general(large, status, stats, limits)
    return status, stats


SMALL = 4  # components up to 4 x 4 are solved together by enumerating every matching


def _all_matchings(n: int) -> npt.NDArray[np.float64]:
    """Every partial matching of an n x n grid as a 0/1 row over its n*n cells."""
    rows: list[list[int]] = [[]]
    for i in range(n):
        free = [(m, j) for m in rows for j in range(n) if all(c % n != j for c in m)]
        rows = rows + [[*m, i * n + j] for m, j in free]
    out = np.zeros((len(rows), n * n), np.float64)
    for k, cells in enumerate(rows):
        out[k, cells] = 1.0
    return out


_MATCHINGS = _all_matchings(SMALL)  # 209 matchings of a 4 x 4 grid


def _solve_small(frame: pl.DataFrame, status: StatusArray) -> None:
    """All components of at most 4 x 4 records at once, by brute force over their matchings.

    The value of every matching is one matrix product (float64 is exact for these integer
    sums); an edge is firm if every optimal matching holds it, ambiguous if some do.
    """
    local = frame.with_columns(
        (pl.col("c").rank("dense") - 1).alias("k"),
        (pl.col("l").rank("dense").over("c") - 1).alias("i"),
        (pl.col("r").rank("dense").over("c") - 1).alias("j"),
    )
    k = as_int(local["k"])
    cell = as_int(local["i"]) * SMALL + as_int(local["j"])
    n_comp = int(k.max()) + 1
    weights = np.zeros((n_comp, SMALL * SMALL), np.float64)
    missing = np.ones((n_comp, SMALL * SMALL), np.float64)
    weights[k, cell] = as_int(local["w"])
    missing[k, cell] = 0.0
    values = weights @ _MATCHINGS.T
    values[(missing @ _MATCHINGS.T) > 0] = -1.0  # uses a pair that is not a candidate
    optimal = (values == values.max(axis=1, keepdims=True)).astype(np.float64)
    holding = optimal @ _MATCHINGS  # per cell: how many optimal matchings use it
    count = optimal.sum(axis=1, keepdims=True)
    held, everywhere = holding[k, cell], count[k, 0]
    edges = as_int(local["e"])
    status[edges] = np.where(held == everywhere, FIRM, np.where(held > 0, AMBIGUOUS, UNASSIGNED))


def as_int(series: pl.Series) -> IntArray:
    return series.to_numpy().astype(np.int64, copy=False)


def _take_in_order(left: IntArray, right: IntArray, order: IntArray, status: StatusArray) -> None:
    used_l: set[int] = set()
    used_r: set[int] = set()
    for e in order.tolist():
        a, b = int(left[e]), int(right[e])
        if a in used_l or b in used_r:
            continue
        used_l.add(a)
        used_r.add(b)
        status[e] = FIRM


def _solve_general(
    frame: pl.DataFrame, status: StatusArray, stats: AssignmentStats, limits: Limits
) -> None:
    local = frame.with_columns(
        (pl.col("l").rank("dense").over("c") - 1).alias("i"),
        (pl.col("r").rank("dense").over("c") - 1).alias("j"),
    )
    bounds = np.flatnonzero(np.diff(as_int(local["c"]))) + 1
    parts = [np.split(as_int(local[name]), bounds) for name in ("e", "i", "j", "w")]
    for e, li, ri, w in zip(*parts, strict=True):
        nodes = int(li.max()) + int(ri.max()) + 2
        if nodes <= limits.exact_component_nodes and e.size <= limits.exact_component_edges:
            status[e] = solve_exact(li, ri, w)
            stats.exact += 1
        else:
            status[e] = solve_greedy_levels(li, ri, w)
            stats.greedy_fallback += 1


def _optimum(matrix: npt.NDArray[np.int64]) -> tuple[int, IntArray, IntArray]:
    if matrix.size == 0:
        empty = np.zeros(0, np.int64)
        return 0, empty, empty
    from scipy.optimize import linear_sum_assignment  # see bipartite_components

    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return int(matrix[rows, cols].sum()), rows.astype(np.int64), cols.astype(np.int64)


def solve_exact(li: IntArray, ri: IntArray, w: IntArray) -> StatusArray:
    """Statuses for one component: firm if in every optimum, ambiguous if in some."""
    n_l, n_r = int(li.max()) + 1, int(ri.max()) + 1
    matrix = np.zeros((n_l, n_r), np.int64)
    matrix[li, ri] = w
    best, rows, cols = _optimum(matrix)
    chosen = [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if matrix[i, j] > 0]
    out = np.zeros(li.shape, np.int8)
    index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(li, ri, strict=True))}
    # Usually the optimum is unique, which one more solve proves: penalise the chosen edges by
    # one unit at a finer scale; any other optimal assignment would then score strictly higher.
    scale = len(chosen) + 1
    trial = matrix * scale
    trial[[i for i, _ in chosen], [j for _, j in chosen]] -= 1
    if _optimum(trial)[0] == best * scale - len(chosen):
        for pair in chosen:
            out[index[pair]] = FIRM
        return out
    forced: list[tuple[int, int]] = []
    loose: list[tuple[int, int]] = []
    for i, j in chosen:
        trial = matrix.copy()
        trial[i, j] = 0
        (loose if _optimum(trial)[0] == best else forced).append((i, j))
    for pair in forced:
        out[index[pair]] = FIRM
    if not loose:
        return out
    taken_l = {i for i, _ in forced}
    taken_r = {j for _, j in forced}
    for k, (a, b) in enumerate(zip(li.tolist(), ri.tolist(), strict=True)):
        if a in taken_l or b in taken_r:
            continue
        rest = np.delete(np.delete(matrix, a, axis=0), b, axis=1)
        if int(matrix[a, b]) + _optimum(rest)[0] == best:
            out[k] = AMBIGUOUS
    return out


def solve_greedy_levels(li: IntArray, ri: IntArray, w: IntArray) -> StatusArray:
    """Greedy by score level; within a level, edges competing for a record are ambiguous."""
    out = np.zeros(li.shape, np.int8)
    used_l: set[int] = set()
    used_r: set[int] = set()
    order = np.argsort(-w, kind="stable")
    levels = np.split(order, np.flatnonzero(np.diff(w[order])) + 1)
    lefts, rights = li.tolist(), ri.tolist()
    for level in levels:
        idx = [k for k in level.tolist() if lefts[k] not in used_l and rights[k] not in used_r]
        count_l = Counter(lefts[k] for k in idx)
        count_r = Counter(rights[k] for k in idx)
        for k in idx:
            single = count_l[lefts[k]] == 1 and count_r[rights[k]] == 1
            out[k] = FIRM if single else AMBIGUOUS
        used_l.update(count_l)
        used_r.update(count_r)
    return out
