"""Duplicates within one source: records equal on the key fields, amount and booking date."""

from __future__ import annotations

import polars as pl

from tally.matching.fields import field_expr, is_multi
from tally.matching.result import DUPLICATE_SCHEMA
from tally.matching.rules import RECORD_VALUE_FIELDS, RuleSet


def find_duplicates(frame: pl.DataFrame, rule_set: RuleSet, side: str) -> pl.DataFrame:
    """Rows of ``(side, record_id, group)`` for every record that has a twin on its own side.

    Missing key values compare equal here (two identical lines without a reference are still
    suspicious), but a record with none of the key fields set is never reported.
    """
    # Amount and booking date always take part; a non-text field named too is compared as itself.
    names = [n for n in rule_set.resolved_duplicate_fields() if n not in ("amount", "booking_date")]
    keys: list[pl.Expr] = []
    for n, name in enumerate(names):
        expr = pl.col(name) if name in RECORD_VALUE_FIELDS else field_expr(name, rule_set)
        if is_multi(name, rule_set):
            expr = expr.list.join("|")
        keys.append(expr.alias(f"_f{n}"))
    key_cols = [f"_f{n}" for n in range(len(names))]
    work = frame.select(pl.col("id"), pl.col("amount"), pl.col("booking_date"), *keys)
    if key_cols:
        work = work.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in key_cols]))
    group_cols = [*key_cols, "amount", "booking_date"]
    # A hash finds the few candidate rows cheaply; the exact grouping runs on those only.
    work = work.filter(pl.struct(group_cols).hash().is_duplicated())
    dup = work.with_columns(
        pl.len().over(group_cols).alias("_n"),
        pl.col("id").min().over(group_cols).alias("group"),
    ).filter(pl.col("_n") > 1)
    return dup.select(
        pl.lit(side).alias("side"), pl.col("id").alias("record_id"), pl.col("group")
    ).cast(DUPLICATE_SCHEMA)  # type: ignore[arg-type]
