"""Grouped matching: one record equal to the sum of several (and many-to-many settlements).

Edges are candidate pairs that meet every required condition except the amount (the blocking
key, the date window, fuzzy text); the amount condition is applied to sums.

* ``one_to_many`` / ``many_to_one``: for each record on the "one" side, the subsets of 2..k of its
  neighbours whose sum is within tolerance. If all neighbours together are within tolerance the
  answer is the whole block, settled without search (vectorised: every record sharing the key
  belongs to the group); otherwise a meet-in-the-middle search over integer units.
* ``many_to_many``: each connected component of edges is one block; if the whole component
  balances (at most k per side) it is one group, else subsets of both sides are paired by sum,
  best first, until none is left or the block's search budget (a count of subset sums built
  and compared, :class:`tally.matching.sums.SearchBudget`) is spent: the same input gives the
  same groups on any machine.

Proposals compete for records greedily by score; proposals tied at the same score that share a
record are all marked ambiguous (never decided by row order).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from tally.matching.assignment import bipartite_components
from tally.matching.candidates import (
    AMOUNT,
    DATE,
    CandidateStats,
    IntArray,
    Limits,
    pair_candidates,
)
from tally.matching.conditions import (
    SCORE_SCALE,
    block_spec,
    evaluate,
    pair_frame,
)
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    DateCondition,
    EqualsCondition,
    FuzzyCondition,
    Rule,
    RuleSet,
)
from tally.matching.sums import (
    CHANCE_HITS,
    BudgetExceeded,
    SearchBudget,
    SubsetHit,
    SubsetTables,
    amount_score,
    best_balanced,
    best_subsets,
    block_exclusions,
    fit_score,
    sum_fit,
    tolerance_for,
)


@dataclass
class GroupMatch:
    left: tuple[int, ...]  # positions in the left work frame
    right: tuple[int, ...]
    score_q: int
    difference: int  # sum(right, sign-adjusted) - sum(left), units
    tolerance: int
    edges: tuple[int, ...] = ()  # rows of the edge frame inside the group (evidence)
    tie: bool = False


@dataclass
class GroupOutcome:
    groups: list[GroupMatch] = field(default_factory=list)
    edges: pl.DataFrame = field(default_factory=pl.DataFrame)
    candidates: int = 0
    candidate_stats: CandidateStats = field(default_factory=CandidateStats)
    blocks: int = 0
    over_budget: int = 0
    truncated: int = 0
    search_seconds: float = 0.0


def search_groups(
    lw: pl.DataFrame,
    rw: pl.DataFrame,
    rule: Rule,
    rule_set: RuleSet,
    limits: Limits,
    search_budget: int,
    checkpoint: Callable[[float], None],
) -> GroupOutcome:
    """All groups a grouped rule finds among the (free) records of ``lw`` and ``rw``."""
    amount = rule.amount_condition
    assert amount is not None  # validated: grouped rules have a required amount condition
    spec = block_spec(rule, rule_set)
    cand = pair_candidates(lw, rw, spec, limits)
    out = GroupOutcome(candidates=int(cand.left.size), candidate_stats=cand.stats)
    keys = list(spec.keys)
    pairs = pair_frame(lw.drop(keys), rw.drop(keys), cand.left, cand.right)
    edges = evaluate(pairs, rule, rule_set, keys_verified=True)
    total_w = sum(c.weight for c in rule.conditions)
    required = [
        pl.col(f"p{i}")
        for i, c in enumerate(rule.conditions)
        if c.required and not isinstance(c, AmountCondition)
    ]
    member = [
        pl.when(pl.col(f"p{i}")).then(pl.col(f"s{i}")).otherwise(0.0) * (c.weight / total_w)
        for i, c in enumerate(rule.conditions)
        if not isinstance(c, AmountCondition)
    ]
    edges = edges.filter(pl.all_horizontal(required) if required else pl.lit(True))
    edges = edges.with_columns(
        (pl.sum_horizontal(member) if member else pl.lit(0.0)).alias("_ms"),
        (pl.col(f"R{DATE}") - pl.col(f"L{DATE}")).abs().fill_null(1 << 30).alias("_absd"),
    ).with_row_index("_e")
    out.edges = edges
    amount_weight = amount.weight / total_w
    start = time.perf_counter()
    if rule.cardinality is Cardinality.MANY_TO_MANY:
        proposals = _many_to_many(edges, amount, amount_weight, rule, search_budget, out)
    else:
        one = "l" if rule.cardinality is Cardinality.ONE_TO_MANY else "r"
        proposals = _one_to_many(
            edges, one, amount, amount_weight, rule, limits, search_budget, out, checkpoint
        )
    suggest_q = round(rule.suggest * SCORE_SCALE)
    out.groups = _resolve([g for g in proposals if g.score_q >= suggest_q])
    out.search_seconds = time.perf_counter() - start
    return out


def _one_to_many(
    edges: pl.DataFrame,
    one: str,
    amount: AmountCondition,
    amount_weight: float,
    rule: Rule,
    limits: Limits,
    search_budget: int,
    out: GroupOutcome,
    checkpoint: Callable[[float], None],
) -> list[GroupMatch]:
    many = "r" if one == "l" else "l"
    side = {"l": "L", "r": "R"}
    k = rule.max_group_size
    # Nearest dates first, then id: the candidate order used for truncation.
    ordered = edges.sort(one, "_absd", f"{side[many]}_id")
    ordered = ordered.with_columns(
        pl.len().over(one).alias("_n"),
        pl.int_range(pl.len()).over(one).alias("_rank"),
    ).filter(pl.col("_n") >= 2)
    if ordered.height == 0:
        return []
    tgt, val = f"{side[one]}{AMOUNT}", f"{side[many]}{AMOUNT}"
    orient = -1 if one == "r" else 1  # difference is always right minus left
    # Under fee rates the group's total is the gross amount when the fee comes off the many side.
    fee_on_sums = (amount.fee_from == "left") == (many == "l")
    radius_bound = pl.lit(amount.abs_units, dtype=pl.Int64)
    ppm = amount.widest_ppm
    if ppm:
        pct_bound = (pl.col(tgt).abs() * ppm) // (1_000_000 - ppm) + 1
        if amount.cap_units is not None:
            pct_bound = pl.min_horizontal(pct_bound, pl.lit(amount.cap_units, dtype=pl.Int64))
        radius_bound = (
            radius_bound + pct_bound
            if amount.fee_rates
            else pl.max_horizontal(radius_bound, pct_bound)
        )
    summary = ordered.group_by(one).agg(
        pl.len().alias("n"),
        pl.col(val).sum().alias("total"),
        pl.first(tgt).alias("target"),
        radius_bound.first().alias("radius"),
        pl.col("_ms").mean().alias("ms"),
    )
    # A block whose records all together are within tolerance is one group, settled without
    # search: every record quoting a payout's id belongs to that payout, even when a subset of
    # them happens to come closer to its net amount (charges less a fee per charge).
    settled = summary.filter(
        (pl.col("n") <= k)
        & (pl.col("target") != 0)
        & ((pl.col("total") - pl.col("target")).abs() <= pl.col("radius"))
    )
    proposals: list[GroupMatch] = []
    whole = (
        ordered.join(settled.select(one), on=one, how="inner")
        .group_by(one)
        .agg(
            pl.col("l").alias("_ls"),
            pl.col("r").alias("_rs"),
            pl.col("_e"),
            pl.col("_ms").mean(),
            pl.first(tgt).alias("target"),
            pl.col(val).sum().alias("total"),
        )
        .sort(one)
    )
    for _o, ls, rs, es, ms, target, total in whole.iter_rows():
        gap, tol = _fit(amount, int(target), int(total), fee_on_sums)
        diff = int(total) - int(target)
        if abs(gap) > tol:  # the radius bounds the tolerance from above
            continue
        fit = float(fit_score(amount, np.array([gap]), np.array([tol]))[0])
        proposals.append(
            GroupMatch(
                tuple(sorted(set(ls))),
                tuple(sorted(set(rs))),
                round(min(amount_weight * fit + ms, 1.0) * SCORE_SCALE),
                orient * diff,
                tol,
                tuple(es),
            )
        )
    out.blocks += settled.height

    rest = ordered.join(settled.select(one), on=one, how="anti")
    # Blocks the nearest-candidates search cannot see whole (more candidates than it takes), and
    # every block of a fee rule (a total less a fee is exact, so a few strays less is too): the
    # whole block less a few strays first.
    wide = rest.filter(
        pl.lit(bool(amount.fee_rates)) | (pl.col("_n") > limits.max_group_candidates)
    )
    searched: set[int] = set()
    if wide.height:
        blocks = _block_lists(wide, one, val, tgt)
        for n_done, (o, ls, rs, es, vals, target, ms) in enumerate(blocks.iter_rows()):
            if n_done % 256 == 0:
                checkpoint(0.5 * n_done / max(blocks.height, 1))
            try:
                found = block_exclusions(
                    np.asarray(vals, np.int64),
                    np.asarray(ms, np.float64),
                    int(target),
                    amount,
                    amount_weight=amount_weight,
                    max_excluded=limits.max_block_strays,
                    min_size=2,
                    max_size=k,
                    fee_on_sums=fee_on_sums,
                    budget=SearchBudget(search_budget),
                )
            except BudgetExceeded:
                out.over_budget += 1
                continue
            # A hit chance could have produced as well is for review under a fee (exact); a
            # block left open goes on to the subset search of its nearest candidates.
            if not found.hits or (not found.trusted and not amount.fee_rates):
                continue
            searched.add(int(o))
            out.blocks += 1
            tie = len(found.hits) > 1 or not found.trusted
            proposals += _proposals(found.hits, (ls, rs, es), orient, tie)
    if searched:
        rest = rest.filter(~pl.col(one).is_in(sorted(searched)))
    out.truncated += int(
        rest.group_by(one).agg(pl.len()).filter(pl.col("len") > limits.max_group_candidates).height
    )
    rest = rest.filter(pl.col("_rank") < limits.max_group_candidates)
    grouped = _block_lists(rest, one, val, tgt)
    tables = SubsetTables()
    for n_done, (_o, ls, rs, es, vals, target, ms) in enumerate(grouped.iter_rows()):
        if n_done % 256 == 0:
            done = n_done / max(grouped.height, 1)
            checkpoint(0.5 + 0.5 * done if wide.height else done)
        out.blocks += 1
        try:
            hits = best_subsets(
                np.asarray(vals, np.int64),
                np.asarray(ms, np.float64),
                int(target),
                amount,
                amount_weight=amount_weight,
                min_size=2,
                max_size=k,
                budget=SearchBudget(search_budget),
                fee_on_sums=fee_on_sums,
                tables=tables,
            )
        except BudgetExceeded:
            out.over_budget += 1
            continue
        tie = len(hits) > 1 or any(hit.chance > CHANCE_HITS for hit in hits)
        proposals += _proposals(hits, (ls, rs, es), orient, tie)
    return proposals


def _block_lists(frame: pl.DataFrame, one: str, val: str, tgt: str) -> pl.DataFrame:
    """One row per "one" record: its candidates' positions, edges, amounts and scores."""
    return frame.group_by(one, maintain_order=True).agg(
        pl.col("l").alias("_ls"),
        pl.col("r").alias("_rs"),
        pl.col("_e"),
        pl.col(val).alias("_vals"),
        pl.first(tgt).alias("_target"),
        pl.col("_ms"),
    )


def _proposals(
    hits: list[SubsetHit], block: tuple[list[int], list[int], list[int]], orient: int, tie: bool
) -> list[GroupMatch]:
    """The groups of a block's hits (indices into its candidate lists ``block``)."""
    ls, rs, es = block
    return [
        GroupMatch(
            tuple(sorted({ls[i] for i in hit.members})),
            tuple(sorted({rs[i] for i in hit.members})),
            hit.score_q,
            orient * hit.difference,
            hit.tolerance,
            tuple(es[i] for i in hit.members),
            tie=tie,
        )
        for hit in hits
    ]


def _fit(amount: AmountCondition, target: int, total: int, fee_on_sums: bool) -> tuple[int, int]:
    gap, tol = sum_fit(
        amount, np.array([target], np.int64), np.array([total], np.int64), fee_on_sums=fee_on_sums
    )
    return int(gap[0]), int(tol[0])


def _tol(amount: AmountCondition, a: int, b: int) -> int:
    return int(tolerance_for(amount, np.array([a], np.int64), np.array([b], np.int64))[0])


def _many_to_many(
    edges: pl.DataFrame,
    amount: AmountCondition,
    amount_weight: float,
    rule: Rule,
    search_budget: int,
    out: GroupOutcome,
) -> list[GroupMatch]:
    if edges.height == 0:
        return []
    k = rule.max_group_size
    li = edges["l"].to_numpy()
    ri = edges["r"].to_numpy()
    lu, lid = np.unique(li, return_inverse=True)
    ru, rid = np.unique(ri, return_inverse=True)
    labels = bipartite_components(lid, rid, lu.size, ru.size)
    frame = edges.with_columns(pl.Series("_c", labels[lid])).sort("_c", "l", "r")
    # Every component's nodes and edges in one pass, then sliced per component: a polars call per
    # component costs more than the sum search itself when there are thousands of small ones.
    lnodes = _component_nodes(frame, "l", f"L{AMOUNT}")
    rnodes = _component_nodes(frame, "r", f"R{AMOUNT}")
    comp_e, comp_l, comp_r = (frame[c].to_numpy() for c in ("_e", "l", "r"))
    edge_cuts = _cuts(frame["_c"].to_numpy())
    proposals: list[GroupMatch] = []
    side_cap = 12
    for c in range(edge_cuts.size - 1):
        out.blocks += 1
        lpos, lval, lms = (a[lnodes.cuts[c] : lnodes.cuts[c + 1]] for a in lnodes.columns)
        rpos, rval, rms = (a[rnodes.cuts[c] : rnodes.cuts[c + 1]] for a in rnodes.columns)
        edge_rows = slice(edge_cuts[c], edge_cuts[c + 1])
        if lpos.size + rpos.size < 3:
            continue
        if lpos.size <= k and rpos.size <= k:
            diff = int(rval.sum()) - int(lval.sum())
            tol = _tol(amount, int(lval.sum()), int(rval.sum()))
            if abs(diff) <= tol:
                score = amount_weight * float(amount_score(np.array([diff]), np.array([tol]))[0])
                score += float(np.concatenate([lms, rms]).mean())
                proposals.append(
                    GroupMatch(
                        tuple(lpos.tolist()),
                        tuple(rpos.tolist()),
                        round(min(score, 1.0) * SCORE_SCALE),
                        diff,
                        tol,
                        tuple(comp_e[edge_rows].tolist()),
                    )
                )
                continue
        if lpos.size > side_cap or rpos.size > side_cap:
            out.over_budget += 1
            continue
        free_l = np.ones(lpos.size, np.bool_)
        free_r = np.ones(rpos.size, np.bool_)
        budget = SearchBudget(search_budget)  # one per component, across its rounds
        while free_l.any() and free_r.any():
            fl, fr = np.flatnonzero(free_l), np.flatnonzero(free_r)
            try:
                hits = best_balanced(
                    lval[fl].astype(np.int64),
                    lms[fl].astype(np.float64),
                    rval[fr].astype(np.int64),
                    rms[fr].astype(np.float64),
                    amount,
                    amount_weight=amount_weight,
                    max_size=k,
                    budget=budget,
                )
            except BudgetExceeded:
                out.over_budget += 1
                break
            if not hits:
                break
            for hit in hits:
                lset = tuple(int(lpos[fl[i]]) for i in hit.left)
                rset = tuple(int(rpos[fr[i]]) for i in hit.right)
                inside = np.isin(comp_l[edge_rows], lset) & np.isin(comp_r[edge_rows], rset)
                proposals.append(
                    GroupMatch(
                        lset,
                        rset,
                        hit.score_q,
                        hit.difference,
                        hit.tolerance,
                        tuple(comp_e[edge_rows][inside].tolist()),
                        tie=len(hits) > 1,
                    )
                )
                free_l[[fl[i] for i in hit.left]] = False
                free_r[[fr[i] for i in hit.right]] = False
    return proposals


@dataclass(frozen=True)
class _ComponentNodes:
    """One side's nodes (position, amount, best member score) sorted by component, then position;
    component ``c`` holds rows ``cuts[c]:cuts[c + 1]``."""

    columns: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]
    cuts: IntArray


def _component_nodes(frame: pl.DataFrame, side: str, amount: str) -> _ComponentNodes:
    nodes = frame.group_by("_c", side).agg(pl.first(amount), pl.col("_ms").max()).sort("_c", side)
    pos, val, ms = (np.asarray(nodes[c].to_numpy()) for c in (side, amount, "_ms"))
    return _ComponentNodes((pos, val, ms), _cuts(nodes["_c"].to_numpy()))


def _cuts(labels: np.ndarray[Any, Any]) -> IntArray:
    """Row offsets where each run of equal (sorted) component labels starts, plus the end."""
    starts = np.flatnonzero(np.diff(labels)) + 1
    return np.concatenate([[0], starts, [labels.size]]).astype(np.int64)


def _resolve(proposals: list[GroupMatch]) -> list[GroupMatch]:
    """Greedy by score level; proposals of one level sharing a record are all ambiguous."""
    proposals = sorted(proposals, key=lambda g: (-g.score_q, g.left, g.right))
    used_l: set[int] = set()
    used_r: set[int] = set()
    chosen: list[GroupMatch] = []
    level_start = 0
    while level_start < len(proposals):
        level = proposals[level_start].score_q
        level_end = level_start
        while level_end < len(proposals) and proposals[level_end].score_q == level:
            level_end += 1
        batch = [
            g
            for g in proposals[level_start:level_end]
            if used_l.isdisjoint(g.left) and used_r.isdisjoint(g.right)
        ]
        count_l = Counter(i for g in batch for i in g.left)
        count_r = Counter(i for g in batch for i in g.right)
        for g in batch:
            shared = any(count_l[i] > 1 for i in g.left) or any(count_r[i] > 1 for i in g.right)
            chosen.append(
                GroupMatch(
                    g.left,
                    g.right,
                    g.score_q,
                    g.difference,
                    g.tolerance,
                    g.edges,
                    tie=g.tie or shared,
                )
            )
        used_l.update(count_l)
        used_r.update(count_r)
        level_start = level_end
    return chosen


class EdgeValues:
    """The edge frame's evidence columns as Python lists, for cheap per-group summaries."""

    def __init__(self, edges: pl.DataFrame, rule: Rule) -> None:
        days = edges.select((pl.col(f"R{DATE}") - pl.col(f"L{DATE}")).alias("d"))["d"]
        self.days: list[int | None] = days.to_list()
        self.columns: dict[str, list[Any]] = {}
        for i, cond in enumerate(rule.conditions):
            names = [f"p{i}"]
            if isinstance(cond, EqualsCondition):
                names.append(f"v{i}_exact")
            elif isinstance(cond, FuzzyCondition):
                names.append(f"v{i}_sim")
            for name in names:
                if name in edges.columns:
                    self.columns[name] = edges[name].to_list()

    def all(self, name: str, rows: tuple[int, ...]) -> bool:
        values = self.columns[name]
        return bool(rows) and all(values[r] for r in rows)

    def mean(self, name: str, rows: tuple[int, ...]) -> float:
        values = [self.columns[name][r] or 0.0 for r in rows]
        return sum(values) / len(values) if values else 0.0


def group_evidence(
    group: GroupMatch,
    rule: Rule,
    edges: EdgeValues,
    left_amounts: IntArray,
    right_amounts: IntArray,
) -> tuple[dict[str, object], int | None]:
    """Evidence dict for a group and its signed largest date difference."""
    rows = group.edges
    amount = rule.amount_condition
    conds: list[dict[str, object]] = []
    known = [d for d in (edges.days[r] for r in rows) if d is not None]
    days = max(known, key=lambda d: (abs(d), d)) if known else None
    for i, cond in enumerate(rule.conditions):
        if isinstance(cond, AmountCondition):
            continue
        head: dict[str, object] = {"type": cond.type, "field": cond.field}
        if cond.right_field and cond.right_field != cond.field:
            head["right_field"] = cond.right_field
        if isinstance(cond, EqualsCondition):
            head["exact"] = edges.all(f"v{i}_exact", rows)
            if not head["exact"] and cond.normalisers:
                head["normalisers"] = list(cond.normalisers)
        elif isinstance(cond, DateCondition):
            head["max_days"] = days
            head["window"] = cond.window_days
        elif isinstance(cond, FuzzyCondition):
            head["similarity"] = round(edges.mean(f"v{i}_sim", rows), 1)
            head["threshold"] = cond.threshold
        if not edges.all(f"p{i}", rows):
            head["passed"] = False
        conds.append(head)
    evidence: dict[str, object] = {
        "kind": "group",
        "left": [int(left_amounts[i]) for i in group.left],
        "right": [int(right_amounts[i]) for i in group.right],
        "difference": group.difference,
        "tolerance": group.tolerance,
        "conditions": conds,
        "tie": group.tie,
    }
    if amount is not None and amount.sign == "opposite":
        evidence["sign"] = "opposite"
    if amount is not None and amount.fee_rates:
        # The difference is the fee itself; the tolerance is its rounding.
        evidence["fee_rates"] = list(amount.fee_rates)
    return evidence, days
