"""Warnings that explain a poor run: rules reading empty fields, rules that found nothing,
truncated group searches and a low match rate, each with what to do.

A job with no warning and few matches leaves a user guessing (0 of 40,000 bank lines matched and
nothing said, because the default rule scored on a counterparty neither file has). These checks
are cheap (one pass over each rule's fields) and run with every job.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from tally.matching.fields import key_expr
from tally.matching.result import ReconcileResult
from tally.matching.rules import (
    Condition,
    DateCondition,
    EqualsCondition,
    FuzzyCondition,
    Rule,
    RuleSet,
)

LOW_MATCH_SHARE = 0.2  # under a fifth of a side matched: the rules probably do not fit the data


@dataclass(frozen=True)
class JobWarning:
    # field_empty | no_candidates | group_candidates_truncated | group_search_over_budget |
    # low_match_rate
    code: str
    message: str  # what happened, with the figures
    action: str  # what to do about it
    rule: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def job_warnings(
    left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet, result: ReconcileResult
) -> list[JobWarning]:
    """Every warning for a run of ``rule_set`` over the record frames ``left`` and ``right``."""
    warnings = _empty_fields(left, right, rule_set)
    empty_rules = {w.rule for w in warnings}
    for rule in result.stats.rules:
        if (
            rule.candidates == 0
            and rule.left_available
            and rule.right_available
            and rule.name not in empty_rules
        ):
            warnings.append(
                JobWarning(
                    "no_candidates",
                    f"Rule '{rule.name}' found no candidate pair among the "
                    f"{rule.left_available:,} left and {rule.right_available:,} right records "
                    "still unmatched: its required conditions never hold together.",
                    "Check that its fields hold the same values on both sides (a reference "
                    "inside a text needs a derived field) and that its amount sign and date "
                    "window fit, then backtest it on the rules page.",
                    rule.name,
                )
            )
    warnings += _search_limits(result)
    warnings += _low_match_rate(left.height, right.height, result)
    return warnings


def _search_limits(result: ReconcileResult) -> list[JobWarning]:
    """A warning per grouped rule whose sum search left candidates out or skipped blocks: where
    a grouped rule's recall falls as the sources grow (crowded blocks), not a silent loss."""
    warnings: list[JobWarning] = []
    budget = result.stats.search_budget_per_block
    for rule in result.stats.rules:
        if rule.group_candidates_truncated:
            warnings.append(
                JobWarning(
                    "group_candidates_truncated",
                    f"Rule '{rule.name}': {rule.group_candidates_truncated:,} records had more "
                    "candidates than the group search takes; groups among the candidates left "
                    "out were not looked for.",
                    "Narrow the grouped rule's block: an equals condition on a more specific key "
                    "(a reference or its prefix, the counterparty) or a shorter date window.",
                    rule.name,
                )
            )
        if rule.blocks_over_budget:
            warnings.append(
                JobWarning(
                    "group_search_over_budget",
                    f"Rule '{rule.name}': {rule.blocks_over_budget:,} blocks needed more subset "
                    f"sums than the search budget ({budget:,} per block) allows; they were "
                    "skipped, and groups inside them were not looked for.",
                    "Narrow the grouped rule's block (a more specific key or a shorter date "
                    "window), lower its max_group_size, or tighten its amount tolerance.",
                    rule.name,
                )
            )
    return warnings


def _empty_fields(left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet) -> list[JobWarning]:
    warnings: list[JobWarning] = []
    for rule in rule_set.rules:
        reads: list[tuple[str, str, pl.Expr, Condition]] = []
        for cond in rule.conditions:
            if isinstance(cond, EqualsCondition | FuzzyCondition):
                reads.append(("left", cond.field, key_expr(cond.field, (), rule_set), cond))
                right_key = key_expr(cond.other_field, (), rule_set)
                reads.append(("right", cond.other_field, right_key, cond))
            elif isinstance(cond, DateCondition):
                reads.append(("left", cond.field, pl.col(cond.field), cond))
                reads.append(("right", cond.other_field, pl.col(cond.other_field), cond))
        for side, name, expr, cond in reads:
            frame = left if side == "left" else right
            if frame.height == 0 or _filled(frame, expr):
                continue
            warnings.append(
                JobWarning(
                    "field_empty",
                    f"Rule '{rule.name}' reads {name}, which is empty in every record of the "
                    f"{side} source: {_consequence(rule, cond)}",
                    f"Map a column of the {side} file to {name} (upload it again with the "
                    "mapping), or change the rule to a field that source fills; 'Propose from "
                    "your data' on the rules page suggests rules from the fields both sides have.",
                    rule.name,
                )
            )
            break  # one warning per rule says enough
    return warnings


def _consequence(rule: Rule, cond: Condition) -> str:
    if cond.required:
        return "the rule cannot match anything."
    best = 1 - cond.weight / sum(c.weight for c in rule.conditions)
    if best < rule.auto:
        return (
            f"that optional condition never adds to the score, so the rule's matches score at "
            f"most {best:.2f}, below its auto threshold {rule.auto:.2f}: none is accepted "
            "without review."
        )
    return "that optional condition never adds to the score."


def _filled(frame: pl.DataFrame, expr: pl.Expr) -> bool:
    values = frame.select(expr.alias("_v"))["_v"]
    if values.dtype == pl.List:
        return bool(values.list.len().fill_null(0).gt(0).any())
    return values.null_count() < values.len()


def _low_match_rate(n_left: int, n_right: int, result: ReconcileResult) -> list[JobWarning]:
    settled = result.matches.filter(
        (pl.col("category") == "matched") & (pl.col("status") != "ambiguous")
    ).select("match_key")
    linked = result.links.join(settled, on="match_key", how="semi")
    warnings = []
    for side, total in (("left", n_left), ("right", n_right)):
        if total == 0:
            continue
        matched = linked.filter(pl.col("side") == side)["record_id"].n_unique()
        if matched < LOW_MATCH_SHARE * total:
            warnings.append(
                JobWarning(
                    "low_match_rate",
                    f"Only {matched:,} of {total:,} {side} records ({matched / total:.0%}) "
                    "matched.",
                    "The rules probably do not fit these files: read the other warnings, compare "
                    "an unmatched record with its nearest candidates, or let Tally propose rules "
                    "from your data on the rules page and backtest them.",
                )
            )
    return warnings
