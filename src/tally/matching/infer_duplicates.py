"""Which fields tell a record exported twice from a genuinely repeated one, for inferred rules."""

from __future__ import annotations

import polars as pl

from tally.matching.duplicates import find_duplicates
from tally.matching.fields import field_expr
from tally.matching.infer_keys import text_fields
from tally.matching.rules import EXTRA_PREFIX, TEXT_FIELDS, RuleSet


def duplicate_fields(left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet) -> list[str]:
    """The text fields that describe a record on either side (filled in half of it): with amount
    and date they tell an exported-twice row from a genuinely repeated payment. A side that no
    such field describes (a card terminal's export: card, receipt number and authorisation code
    each in a column of its own) is described by its own columns: without them its rows
    exported twice are never found, and each twin ties with its original for one partner."""
    names = [
        name
        for name in TEXT_FIELDS
        if name != "currency" and any(_filled_half(f, pl.col(name)) for f in (left, right))
    ]
    for frame in (left, right):
        if any(_filled_half(frame, field_expr(name, rule_set)) for name in names):
            continue
        names += [
            name
            for name in text_fields(frame)
            if name.startswith(EXTRA_PREFIX)
            and name not in names
            and _filled_half(frame, field_expr(name, rule_set))
        ]
    return names or ["description"]


def _filled_half(frame: pl.DataFrame, value: pl.Expr) -> bool:
    filled = frame.select((value.str.len_bytes() > 0).sum()).item()
    return int(filled or 0) * 2 >= max(frame.height, 1)


def duplicate_note(left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet) -> str:
    counts = [
        find_duplicates(frame, rule_set, side).height
        for frame, side in ((left, "left"), (right, "right"))
    ]
    fields = ", ".join(rule_set.duplicate_fields or [])
    return (
        f"duplicates: records equal on {fields}, amount and booking date; "
        f"{counts[0]} left and {counts[1]} right records have a twin"
    )
