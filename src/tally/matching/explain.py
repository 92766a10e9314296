"""Explaining non-matches: the closest records on the other side and why they did not match."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from tally.matching.conditions import SCORE_SCALE, evaluate, pair_frame, soft_score_expr, work_frame
from tally.matching.evidence import explain_condition
from tally.matching.fields import INPUT_COLUMNS, ROW, prepare_side
from tally.matching.rules import (
    AmountCondition,
    DateCondition,
    EqualsCondition,
    FuzzyCondition,
    Rule,
    RuleSet,
)


@dataclass(frozen=True)
class NearCandidate:
    """A record on the other side, how close it came under its best rule, and what failed."""

    record_id: int
    rule: str
    closeness: float  # 0..1; failing conditions graded by how far they missed
    matches_rule: bool  # every required condition holds (it lost to a better pair, or a threshold)
    failed: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)


def nearest_candidates(
    record: Mapping[str, Any] | pl.DataFrame,
    other_side_df: pl.DataFrame,
    rule_set: RuleSet,
    limit: int = 5,
    *,
    side: Literal["left", "right"] = "left",
) -> list[NearCandidate]:
    """The ``limit`` records of ``other_side_df`` closest to ``record`` under any rule.

    ``record`` is one record (a mapping or a one-row frame) of ``side``; the other frame is the
    opposite side. Each candidate lists the conditions it failed and by how much ("amount off by
    0.15 (tolerance 0.10)", "date 6 days apart (window 3)", "reference differs"). Grouped rules
    are compared pairwise here, so their amount condition reads against a single record.
    """
    one = record if isinstance(record, pl.DataFrame) else _one_row(record)
    if one.height != 1:
        raise ValueError(f"record must be exactly one row, got {one.height}")
    mine = prepare_side(one, side)
    theirs = prepare_side(other_side_df, "right" if side == "left" else "left")
    if theirs.height == 0 or limit <= 0:
        return []
    other = "right" if side == "left" else "left"
    twins = prepare_side(theirs.filter(_twin_filter(mine, rule_set)).drop(ROW), other)
    best: dict[int, NearCandidate] = {}
    for rule in rule_set.rules:
        found = _rule_candidates(mine, theirs, rule, rule_set, side, limit)
        if twins.height:
            found += _rule_candidates(mine, twins, rule, rule_set, side, twins.height)
        for cand in found:
            current = best.get(cand.record_id)
            if current is None or cand.closeness > current.closeness:
                best[cand.record_id] = cand
    ranked = sorted(best.values(), key=lambda c: (-c.closeness, c.record_id))
    # A record with the very same amount and date is what a reviewer looks for first, even when
    # the rules score it low (its reference differs): it is always listed.
    twin_ids = set(twins["id"].to_list())
    first = [c for c in ranked if c.record_id in twin_ids][:limit]
    rest = [c for c in ranked if c.record_id not in twin_ids]
    return sorted([*first, *rest[: limit - len(first)]], key=lambda c: (-c.closeness, c.record_id))


def _twin_filter(mine: pl.DataFrame, rule_set: RuleSet) -> pl.Expr:
    """Records of the other side with the record's amount (under any sign convention of the rule
    set's amount conditions) and booking date."""
    amount = int(mine["amount"][0])
    day = mine["booking_date"][0]
    factors = {
        c.sign_factor
        for rule in rule_set.rules
        for c in rule.conditions
        if isinstance(c, AmountCondition)
    } or {1}
    if day is None:
        return pl.lit(False)
    same_date: pl.Expr = pl.col("booking_date") == pl.lit(day, dtype=pl.Date)
    return pl.col("amount").is_in([amount * f for f in sorted(factors)]) & same_date


def _one_row(record: Mapping[str, Any]) -> pl.DataFrame:
    schema = {k: v for k, v in INPUT_COLUMNS.items() if k in record}
    return pl.DataFrame([dict(record)], schema=schema)


def _rule_candidates(
    mine: pl.DataFrame,
    theirs: pl.DataFrame,
    rule: Rule,
    rule_set: RuleSet,
    side: str,
    limit: int,
) -> list[NearCandidate]:
    if side == "left":
        lw = work_frame(mine, rule, rule_set, "left", raw_values=True)
        rw = work_frame(theirs, rule, rule_set, "right", raw_values=True)
        li = np.zeros(rw.height, np.int64)
        ri = np.arange(rw.height, dtype=np.int64)
    else:
        lw = work_frame(theirs, rule, rule_set, "left", raw_values=True)
        rw = work_frame(mine, rule, rule_set, "right", raw_values=True)
        li = np.arange(lw.height, dtype=np.int64)
        ri = np.zeros(lw.height, np.int64)
    scored = evaluate(pair_frame(lw, rw, li, ri), rule, rule_set)
    other_id = "R_id" if side == "left" else "L_id"
    top = (
        scored.with_columns(soft_score_expr(rule).alias("_soft"))
        .sort(["_soft", other_id], descending=[True, False])
        .head(limit)
    )
    out: list[NearCandidate] = []
    for row in top.iter_rows(named=True):
        failed: list[str] = []
        passed: list[str] = []
        for i, cond in enumerate(rule.conditions):
            text = explain_condition(_condition_evidence(i, cond, row))
            if row[f"p{i}"]:
                passed.append(text)
            elif isinstance(cond, EqualsCondition):
                failed.append(f"{text} ({_show(row[f'L_x{i}'])} vs {_show(row[f'R_x{i}'])})")
            else:
                failed.append(text)
        out.append(
            NearCandidate(
                record_id=int(row[other_id]),
                rule=rule.name,
                closeness=round(row["_soft"] / SCORE_SCALE, 6),
                matches_rule=bool(row["all_pass"]),
                failed=failed,
                passed=passed,
            )
        )
    return out


def _show(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return repr(value)


def _condition_evidence(i: int, cond: Any, row: Mapping[str, Any]) -> dict[str, Any]:
    ev: dict[str, Any] = {"type": cond.type, "passed": bool(row[f"p{i}"])}
    if isinstance(cond, EqualsCondition | FuzzyCondition | DateCondition):
        ev["field"] = cond.field
        if cond.right_field and cond.right_field != cond.field:
            ev["right_field"] = cond.right_field
    if isinstance(cond, EqualsCondition):
        ev["exact"] = bool(row[f"v{i}_exact"])
        if (row.get(f"v{i}_shared") or 0) > 1:
            ev["shared_values"] = int(row[f"v{i}_shared"])
        ev["normalisers"] = list(cond.normalisers)
    elif isinstance(cond, AmountCondition):
        ev["difference"] = row[f"v{i}_diff"]
        ev["tolerance"] = row[f"v{i}_tol"]
        if cond.sign == "opposite":
            ev["sign"] = "opposite"
    elif isinstance(cond, DateCondition):
        ev["days"] = row[f"v{i}_days"]
        ev["window"] = cond.window_days
    elif isinstance(cond, FuzzyCondition):
        ev["similarity"] = row[f"v{i}_sim"]
        ev["threshold"] = cond.threshold
    return ev
