"""Evaluating a rule's conditions on candidate pairs: pass/fail, scores and evidence.

All of it is vectorised over a *pair frame* whose columns are the two records' values side by
side (``L_<col>``, ``R_<col>``). Amount checks are integer arithmetic on units; only scores (not
money) are floats.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz import process as rf_process

from tally.matching.candidates import AMOUNT, DATE, POS, BlockSpec, IntArray
from tally.matching.fields import ROW, field_expr, is_multi, key_expr, normalise
from tally.matching.rules import (
    PPM,
    AmountCondition,
    DateCondition,
    EqualsCondition,
    FuzzyCondition,
    Rule,
    RuleSet,
)

SCORE_SCALE = 1_000_000  # scores are compared as integers in millionths, so ties are exact
# Within tolerance an amount or date scores linearly from 1.0 (exact) down to EDGE_SCORE at the
# tolerance limit: a pair the rule accepts stays well above a typical suggest threshold while
# closer pairs still rank first.
EDGE_SCORE = 0.7

_SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio,
    "partial_ratio": fuzz.partial_ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
}


def block_spec(rule: Rule, rule_set: RuleSet) -> BlockSpec:
    keys: list[str] = []
    lists: list[bool] = []
    for i, cond in enumerate(rule.conditions):
        if isinstance(cond, EqualsCondition) and cond.blocks:
            keys.append(f"_k{i}")
            lists.append(_cond_is_multi(cond, rule_set))
    amount = rule.amount_condition
    date = rule.date_condition
    return BlockSpec(
        keys=tuple(keys),
        list_keys=tuple(lists),
        amount=amount if amount is not None and amount.required else None,
        date_window=date.window_days if date is not None and date.required else None,
        grouped=rule.cardinality.value != "one_to_one",
    )


def _cond_is_multi(cond: EqualsCondition | FuzzyCondition, rule_set: RuleSet) -> bool:
    return is_multi(cond.field, rule_set) or is_multi(cond.other_field, rule_set)


def work_frames(
    left: pl.DataFrame, right: pl.DataFrame, rule: Rule, rule_set: RuleSet
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Both sides' work frames, computed in parallel (normalising keys is the costly part)."""
    lw, rw = pl.collect_all(
        [
            left.lazy().select(work_exprs(left.columns, rule, rule_set, "left")),
            right.lazy().select(work_exprs(right.columns, rule, rule_set, "right")),
        ]
    )
    return lw, rw


def work_frame(
    frame: pl.DataFrame, rule: Rule, rule_set: RuleSet, side: str, *, raw_values: bool = False
) -> pl.DataFrame:
    """The columns a rule needs from one side: ``_pos``, ``_amt``, ``_d`` and per condition.

    Equals conditions get ``_k{i}`` (the normalised key) and ``_x{i}`` (the raw value, only to
    tell "equal" from "equal after normalising"): a hash unless ``raw_values`` is set.
    """
    return frame.select(work_exprs(frame.columns, rule, rule_set, side, raw_values=raw_values))


def work_exprs(
    columns: list[str], rule: Rule, rule_set: RuleSet, side: str, *, raw_values: bool = False
) -> list[pl.Expr]:
    exprs: list[pl.Expr] = [
        pl.col("id"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias(POS),
    ]
    if ROW in columns:
        exprs.append(pl.col(ROW))
    amount = rule.amount_condition
    factor = amount.sign_factor if amount is not None and side == "right" else 1
    exprs.append((pl.col("amount") * factor).alias(AMOUNT))
    date = rule.date_condition
    if date is not None:
        name = date.field if side == "left" else date.other_field
        exprs.append(pl.col(name).cast(pl.Int32).alias(DATE))
    else:
        exprs.append(pl.col("booking_date").cast(pl.Int32).alias(DATE))
    for i, cond in enumerate(rule.conditions):
        if isinstance(cond, EqualsCondition):
            name = cond.field if side == "left" else cond.other_field
            key = key_expr(name, cond.normalisers, rule_set)
            raw = field_expr(name, rule_set)
            if _cond_is_multi(cond, rule_set):
                if not is_multi(name, rule_set):
                    key, raw = pl.concat_list(key).list.drop_nulls(), pl.concat_list(raw)
            elif not raw_values:
                raw = pl.when(raw.is_not_null()).then(raw.hash())
            exprs += [key.alias(f"_k{i}"), raw.alias(f"_x{i}")]
        elif isinstance(cond, FuzzyCondition):
            name = cond.field if side == "left" else cond.other_field
            text = field_expr(name, rule_set)
            if is_multi(name, rule_set):
                text = text.list.join(" ")
            exprs.append(normalise(text, cond.normalisers).alias(f"_t{i}"))
    return exprs


def pair_frame(left: pl.DataFrame, right: pl.DataFrame, li: IntArray, ri: IntArray) -> pl.DataFrame:
    """Gather both records of every pair into one frame (``L_*`` and ``R_*`` columns)."""
    lg = left.drop(POS)[li] if li.size else left.drop(POS).clear()
    rg = right.drop(POS)[ri] if ri.size else right.drop(POS).clear()
    return pl.concat(
        [
            lg.rename({c: f"L{c}" if c.startswith("_") else f"L_{c}" for c in lg.columns}),
            rg.rename({c: f"R{c}" if c.startswith("_") else f"R_{c}" for c in rg.columns}),
            pl.DataFrame({"l": li, "r": ri}, schema={"l": pl.Int64, "r": pl.Int64}),
        ],
        how="horizontal",
    )


def amount_tolerance_expr(cond: AmountCondition, a_l: pl.Expr, a_r: pl.Expr) -> pl.Expr:
    """The allowed |difference| for a pair: max(absolute, pct of the larger amount capped at
    ``max_abs``), in units.

    ``floor(M * ppm / 10^6)`` is computed split into quotient and remainder so it never
    overflows int64; comparing an integer difference with the floor is exact.
    """
    tol = pl.lit(cond.abs_units, dtype=pl.Int64)
    ppm = cond.pct_ppm
    if ppm:
        big = pl.max_horizontal(a_l.abs(), a_r.abs())
        pct = (big // PPM) * ppm + ((big % PPM) * ppm) // PPM
        if cond.cap_units is not None:
            pct = pl.min_horizontal(pct, pl.lit(cond.cap_units, dtype=pl.Int64))
        tol = pl.max_horizontal(tol, pct)
    return tol


def fee_rate_difference(cond: AmountCondition, a_l: pl.Expr, a_r: pl.Expr) -> pl.Expr:
    """Under ``fee_rates``: how far the net side's amount is from the gross side's less the
    nearest of the rates, in units (the fee floored to a unit: the tolerance holds its
    rounding; a fee of a negative amount is negative, so refunds net the same way)."""
    gross, net = (a_l, a_r) if cond.fee_from == "left" else (a_r, a_l)
    gaps = [
        net - (gross - ((gross // PPM) * ppm + ((gross % PPM) * ppm) // PPM))
        for ppm in cond.rate_ppms
    ]
    return pl.min_horizontal([g.abs() for g in gaps])


def evaluate(
    pairs: pl.DataFrame, rule: Rule, rule_set: RuleSet, *, keys_verified: bool = False
) -> pl.DataFrame:
    """Add per-condition pass flags (``p{i}``), scores (``s{i}``) and evidence values.

    With ``keys_verified`` (pairs from :func:`pair_candidates`) the required equalities are known
    to hold and their key columns need not be present.

    Also ``all_pass`` (every required condition holds), ``key_pass`` (every required condition
    other than amount/date holds: the discrepancy candidates), ``score`` and ``score_q``.
    """
    cols: list[pl.Expr] = []
    for i, cond in enumerate(rule.conditions):
        multi = isinstance(cond, EqualsCondition) and _cond_is_multi(cond, rule_set)
        known = keys_verified and isinstance(cond, EqualsCondition) and cond.blocks
        cols += _condition_columns(i, cond, multi, known)
    out = pairs.with_columns(cols)
    fuzzy = [(i, c) for i, c in enumerate(rule.conditions) if isinstance(c, FuzzyCondition)]
    for i, cond in fuzzy:
        sim = fuzzy_similarity(out[f"L_t{i}"], out[f"R_t{i}"], cond.scorer)
        out = out.with_columns(pl.Series(f"v{i}_sim", sim, dtype=pl.Float64))
        out = out.with_columns(
            (pl.col(f"v{i}_sim") >= cond.threshold).alias(f"p{i}"),
            (pl.col(f"v{i}_sim") / 100.0).alias(f"s{i}"),
        )
    return out.with_columns(_summary_columns(rule))


def _condition_columns(i: int, cond: Any, multi: bool, known: bool) -> list[pl.Expr]:
    if isinstance(cond, EqualsCondition):
        key_l, key_r = pl.col(f"L_k{i}"), pl.col(f"R_k{i}")
        raw_l, raw_r = pl.col(f"L_x{i}"), pl.col(f"R_x{i}")
        if multi:
            equal = key_l.list.set_intersection(key_r).list.len() > 0
            shared = raw_l.list.set_intersection(raw_r).list.len()
            exact = shared > 0
        else:
            equal, exact = key_l == key_r, raw_l == raw_r
            shared = exact.cast(pl.UInt32)
        if known:
            equal = pl.lit(True)
        elif cond.missing == "pass":
            present = (key_l.list.len() > 0) & (key_r.list.len() > 0) if multi else None
            if present is None:
                present = key_l.is_not_null() & key_r.is_not_null()
            equal = equal.fill_null(False) | ~present.fill_null(False)
        return [
            equal.fill_null(False).alias(f"p{i}"),
            pl.lit(1.0).alias(f"s{i}"),
            exact.fill_null(False).alias(f"v{i}_exact"),
            shared.fill_null(0).cast(pl.UInt32).alias(f"v{i}_shared"),
        ]
    if isinstance(cond, AmountCondition):
        a_l, a_r = pl.col(f"L{AMOUNT}"), pl.col(f"R{AMOUNT}")
        diff = fee_rate_difference(cond, a_l, a_r) if cond.fee_rates else a_r - a_l
        tol = amount_tolerance_expr(cond, a_l, a_r)
        ratio = diff.abs().cast(pl.Float64) / tol.cast(pl.Float64)
        score = pl.when(tol > 0).then(1.0 - (1.0 - EDGE_SCORE) * ratio).otherwise(1.0)
        return [
            diff.alias(f"v{i}_diff"),
            tol.alias(f"v{i}_tol"),
            (diff.abs() <= tol).alias(f"p{i}"),
            score.clip(0.0, 1.0).alias(f"s{i}"),
        ]
    if isinstance(cond, DateCondition):
        days = pl.col(f"R{DATE}") - pl.col(f"L{DATE}")
        window = cond.window_days
        ratio = days.abs().cast(pl.Float64) / max(window, 1)
        score = 1.0 - (1.0 - EDGE_SCORE) * ratio if window else pl.lit(1.0)
        within = days.abs() <= window
        if cond.direction != "either":
            within = within & (days >= 0 if cond.direction == "right_after" else days <= 0)
        return [
            days.alias(f"v{i}_days"),
            within.fill_null(False).alias(f"p{i}"),
            pl.when(days.is_null()).then(0.0).otherwise(score).clip(0.0, 1.0).alias(f"s{i}"),
        ]
    return []  # fuzzy: computed with rapidfuzz outside polars


def _summary_columns(rule: Rule) -> list[pl.Expr]:
    weights = [c.weight for c in rule.conditions]
    total = sum(weights)
    parts = [
        pl.when(pl.col(f"p{i}")).then(pl.col(f"s{i}")).otherwise(0.0) * (w / total)
        for i, w in enumerate(weights)
    ]
    score = pl.sum_horizontal(parts).clip(0.0, 1.0)
    required = [pl.col(f"p{i}") for i, c in enumerate(rule.conditions) if c.required]
    key_required = [
        pl.col(f"p{i}")
        for i, c in enumerate(rule.conditions)
        if c.required and not isinstance(c, AmountCondition | DateCondition)
    ]
    return [
        pl.all_horizontal(required).alias("all_pass"),
        (pl.all_horizontal(key_required) if key_required else pl.lit(True)).alias("key_pass"),
        (score * SCORE_SCALE).round().cast(pl.Int64).alias("score_q"),
    ]


def soft_score_expr(rule: Rule) -> pl.Expr:
    """A closeness score in [0, 1] that also grades failing conditions.

    Used to rank discrepancies and near misses: a failing amount scores
    ``0.5 * scale / (scale + excess)`` where ``scale`` is the tolerance (at least 1% of the
    amount), a failing date likewise in days, a failing fuzzy half its similarity, a failing
    equality zero.
    """
    total = sum(c.weight for c in rule.conditions)
    parts: list[pl.Expr] = []
    for i, cond in enumerate(rule.conditions):
        ok = pl.col(f"s{i}")
        if isinstance(cond, AmountCondition):
            tol = pl.col(f"v{i}_tol")
            big = pl.max_horizontal(pl.col(f"L{AMOUNT}").abs(), pl.col(f"R{AMOUNT}").abs())
            scale = pl.max_horizontal(tol, big // 100, pl.lit(1, dtype=pl.Int64)).cast(pl.Float64)
            excess = (pl.col(f"v{i}_diff").abs() - tol).cast(pl.Float64)
            bad = 0.5 * scale / (scale + excess)
        elif isinstance(cond, DateCondition):
            w = float(max(cond.window_days, 1))
            excess = (pl.col(f"v{i}_days").abs() - cond.window_days).cast(pl.Float64)
            bad = (0.5 * w / (w + excess)).fill_null(0.0)
        elif isinstance(cond, FuzzyCondition):
            bad = pl.col(f"s{i}") * 0.5
        else:
            bad = pl.lit(0.0)
        parts.append(pl.when(pl.col(f"p{i}")).then(ok).otherwise(bad) * (cond.weight / total))
    return (pl.sum_horizontal(parts).clip(0.0, 1.0) * SCORE_SCALE).round().cast(pl.Int64)


def fuzzy_similarity(left: pl.Series, right: pl.Series, scorer: str) -> np.ndarray[Any, Any]:
    """Pairwise similarity 0..100 (0 when either text is missing), via ``rapidfuzz.cpdist``."""
    if left.len() == 0:
        return np.zeros(0, np.float64)
    missing = (left.is_null() | right.is_null()).to_numpy()
    sims = rf_process.cpdist(
        left.fill_null("").to_list(),
        right.fill_null("").to_list(),
        scorer=_SCORERS[scorer],
        workers=-1,
    )
    out = np.asarray(sims, dtype=np.float64)
    out[missing] = 0.0
    return out


def _lit(value: Any) -> pl.Expr:
    return pl.lit(json.dumps(value, separators=(",", ":")))


def _bool(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr).then(pl.lit("true")).otherwise(pl.lit("false"))


def _num(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).fill_null("null")


def _either(cond: pl.Expr, yes: str, no: str) -> pl.Expr:
    return pl.when(cond).then(pl.lit(yes)).otherwise(pl.lit(no))


def condition_evidence(rule: Rule) -> list[pl.Expr]:
    """JSON text pieces (to concatenate) for every condition of a pair frame's rows.

    Kept compact because it is stored per match: normalisers appear only when the raw values
    differed, ``passed`` only when false, ``required`` only when false.
    """
    items: list[pl.Expr] = []
    for i, cond in enumerate(rule.conditions):
        head: dict[str, Any] = {"type": cond.type}
        if isinstance(cond, EqualsCondition | FuzzyCondition | DateCondition):
            head["field"] = cond.field
            if cond.right_field and cond.right_field != cond.field:
                head["right_field"] = cond.right_field
        if not cond.required:
            head["required"] = False
        items.append(pl.lit(("," if i else "") + json.dumps(head, separators=(",", ":"))[:-1]))
        if isinstance(cond, EqualsCondition):
            norms = json.dumps(list(cond.normalisers), separators=(",", ":"))
            loose = f',"exact":false,"normalisers":{norms}' if cond.normalisers else ""
            items.append(_either(pl.col(f"v{i}_exact"), ',"exact":true', loose))
            shared = pl.col(f"v{i}_shared")
            items.append(
                pl.when(shared > 1)
                .then(pl.concat_str(pl.lit(',"shared_values":'), shared.cast(pl.String)))
                .otherwise(pl.lit(""))
            )
        elif isinstance(cond, AmountCondition):
            items += [
                pl.lit(',"difference":'),
                _num(pl.col(f"v{i}_diff")),
                pl.lit(',"tolerance":'),
                _num(pl.col(f"v{i}_tol")),
            ]
            if cond.sign == "opposite":
                items.append(pl.lit(',"sign":"opposite"'))
        elif isinstance(cond, DateCondition):
            items += [
                pl.lit(',"days":'),
                _num(pl.col(f"v{i}_days")),
                pl.lit(f',"window":{cond.window_days}'),
            ]
        elif isinstance(cond, FuzzyCondition):
            items += [
                pl.lit(',"similarity":'),
                _num(pl.col(f"v{i}_sim").round(1)),
                pl.lit(f',"threshold":{json.dumps(cond.threshold)}'),
            ]
        items.append(_either(pl.col(f"p{i}"), "}", ',"passed":false}'))
    return items


def pair_evidence_expr(rule: Rule, tie: pl.Expr, kind: str = "pair") -> pl.Expr:
    """The evidence JSON object of pair matches (``kind`` pair or discrepancy)."""
    return pl.concat_str(
        [
            pl.lit(f'{{"kind":"{kind}","conditions":['),
            *condition_evidence(rule),
            pl.lit("]"),
            _either(tie, ',"tie":true}', "}"),
        ]
    )


def as_int_array(series: pl.Series) -> IntArray:
    return cast(IntArray, series.to_numpy().astype(np.int64, copy=False))
