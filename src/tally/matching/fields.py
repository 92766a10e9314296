"""Record frames: validation, normalisers, ``extra.<name>`` access and derived fields."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from tally.matching.rules import (
    DATE_FIELDS,
    EXTRA_PREFIX,
    TEXT_FIELDS,
    EqualsCondition,
    FuzzyCondition,
    RuleSet,
)

INPUT_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "reference": pl.String(),
    "booking_date": pl.Date(),
    "value_date": pl.Date(),
    "amount": pl.Int64(),
    "currency": pl.String(),
    "description": pl.String(),
    "counterparty": pl.String(),
    "counterparty_account": pl.String(),
    "transaction_id": pl.String(),
    "extra": pl.String(),
}
ROW = "_row"  # position of a record in its side's frame after sorting by id


class RecordFrameError(ValueError):
    """The input frame does not have the record columns the engine needs."""


def prepare_side(df: pl.DataFrame, side: str) -> pl.DataFrame:
    """Validate and canonicalise one side: typed columns, sorted by id, with a ``_row`` index.

    Sorting by id first makes every later step independent of the input row order.
    """
    for name in ("id", "amount"):
        if name not in df.columns:
            raise RecordFrameError(f"{side}: missing required column {name!r}")
    columns: list[pl.Expr] = []
    for name, dtype in INPUT_COLUMNS.items():
        if name not in df.columns:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
            continue
        actual = df.schema[name]
        if name in ("id", "amount"):
            if not actual.is_integer():
                raise RecordFrameError(
                    f"{side}: column {name!r} must be an integer type (amounts are integer units "
                    f"of 1/10,000), got {actual}"
                )
            columns.append(pl.col(name).cast(pl.Int64))
        elif name in DATE_FIELDS:
            if actual == pl.Date:
                columns.append(pl.col(name))
            elif isinstance(actual, pl.Datetime) or actual == pl.Null:
                columns.append(pl.col(name).cast(pl.Date))
            else:
                raise RecordFrameError(f"{side}: column {name!r} must be a Date, got {actual}")
        else:
            if actual not in (pl.String, pl.Null, pl.Categorical):
                raise RecordFrameError(f"{side}: column {name!r} must be text, got {actual}")
            columns.append(pl.col(name).cast(pl.String))
    out = df.select(columns)
    if out["id"].null_count():
        raise RecordFrameError(f"{side}: column 'id' has nulls")
    if out["amount"].null_count():
        raise RecordFrameError(f"{side}: column 'amount' has nulls")
    if out["id"].n_unique() != out.height:
        raise RecordFrameError(f"{side}: column 'id' is not unique")
    if not out["id"].is_sorted():  # data loaded ORDER BY id skips the sort
        out = out.sort("id")
    return out.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW))


def normalise(expr: pl.Expr, normalisers: Iterable[str]) -> pl.Expr:
    """Apply normalisers in a fixed order (case, punctuation, whitespace, leading zeros).

    The order is fixed so the same set always yields the same key, and an empty result becomes
    null (an empty key never matches anything).
    """
    wanted = set(normalisers)
    if not wanted:
        return expr
    if "case" in wanted:
        expr = expr.str.to_uppercase()
    if "punctuation" in wanted and "whitespace" in wanted:
        expr = expr.str.replace_all(r"[^\p{L}\p{N}]+", "")  # one pass instead of two
    elif "punctuation" in wanted:
        expr = expr.str.replace_all(r"[^\p{L}\p{N}\s]+", "")
    elif "whitespace" in wanted:
        expr = expr.str.replace_all(r"\s+", "")
    if "leading_zeros" in wanted:
        # Every number loses its leading zeros: "INV-000123" -> "INV-123", "000" -> "0".
        expr = expr.str.replace_all(r"(^|[^0-9])0+([0-9])", "${1}${2}")
    return _empty_as_null(expr)


def _empty_as_null(expr: pl.Expr) -> pl.Expr:
    # Not ``when(len > 0).then(expr)``: an eager select evaluates ``expr`` once per mention, and
    # the chain is nested (normalisers of a concatenation of ``extra`` JSON reads), so each
    # level doubled the work (rule inference's scan of the right side at 1M x 1M: 1.45 -> 0.6
    # CPU s, bench/infer/REPORT.md).
    return expr.replace("", None)


def is_multi(name: str, rule_set: RuleSet) -> bool:
    derived = rule_set.derived(name)
    return derived is not None and derived.multiple


def field_expr(name: str, rule_set: RuleSet) -> pl.Expr:
    """The raw value of a text field: a column, ``extra.<name>`` or a derived field.

    A derived field with ``multiple=True`` is a ``List(String)`` of every occurrence.
    """
    if name in TEXT_FIELDS:
        return pl.col(name)
    if name.startswith(EXTRA_PREFIX):
        key = name[len(EXTRA_PREFIX) :]
        return pl.col("extra").str.json_path_match(f"$['{key}']")
    derived = rule_set.derived(name)
    if derived is None:
        raise KeyError(f"unknown field {name!r}")
    source = field_expr(derived.source, rule_set)
    group = derived.group_name
    pattern = derived_pattern(name, rule_set)
    if derived.multiple:
        value = pl.element().str.extract_groups(pattern).struct.field(group)
        values = source.str.extract_all(pattern).list.eval(normalise(value, derived.normalisers))
        return values.list.drop_nulls().list.unique(maintain_order=True)
    value = source.str.extract_groups(pattern).struct.field(group)
    return normalise(value, derived.normalisers)


def derived_pattern(name: str, rule_set: RuleSet) -> str:
    """The regex of derived field ``name``, case-insensitive when its values are compared
    ignoring case: the field itself, or a condition reading it, has the ``case`` normaliser.

    A user who asks for case to be ignored expects "inv-104233" in a bank text to be found by
    ``INV-\\d+`` as well; without this the pattern stayed case-sensitive unless it said ``(?i)``.
    """
    derived = rule_set.derived(name)
    if derived is None:
        raise KeyError(f"unknown derived field {name!r}")
    ignore_case = "case" in derived.normalisers or any(
        "case" in cond.normalisers
        for rule in rule_set.rules
        for cond in rule.conditions
        if isinstance(cond, EqualsCondition | FuzzyCondition)
        and name in (cond.field, cond.other_field)
    )
    if ignore_case and not derived.pattern.startswith("(?i)"):
        return "(?i)" + derived.pattern
    return derived.pattern


def key_expr(name: str, normalisers: Iterable[str], rule_set: RuleSet) -> pl.Expr:
    """A field's normalised value (a list for multi-valued derived fields)."""
    base = field_expr(name, rule_set)
    norms = tuple(normalisers)
    if not norms:
        if is_multi(name, rule_set):
            return base
        return _empty_as_null(base)
    if is_multi(name, rule_set):
        return base.list.eval(normalise(pl.element(), norms)).list.drop_nulls()
    return normalise(base, norms)
