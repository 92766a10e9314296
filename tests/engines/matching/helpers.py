"""Tiny in-memory record frames and result accessors for the matching engine tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from tally.matching import ReconcileResult, RuleSet
from tally.matching.fields import INPUT_COLUMNS
from tally.money import to_units

DAY0 = dt.date(2024, 3, 1)


def records(*rows: dict[str, Any]) -> pl.DataFrame:
    """A record frame; ``amount`` may be a decimal string, ``day`` an offset from DAY0."""
    out = []
    for n, row in enumerate(rows, start=1):
        row = dict(row)
        row.setdefault("id", n)
        amount = row.get("amount", "0")
        row["amount"] = to_units(amount) if isinstance(amount, str) else amount
        if "day" in row:
            row["booking_date"] = DAY0 + dt.timedelta(days=row.pop("day"))
        row.setdefault("booking_date", DAY0)
        row.setdefault("value_date", row["booking_date"])
        row.setdefault("currency", "EUR")
        out.append(row)
    return pl.DataFrame(out, schema=INPUT_COLUMNS)


def rules(*rule_dicts: dict[str, Any], **extra: Any) -> RuleSet:
    return RuleSet.model_validate({"rules": list(rule_dicts), **extra})


def rule(name: str = "r", *conditions: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"name": name, "conditions": list(conditions), **options}


def equals(field: str = "reference", **options: Any) -> dict[str, Any]:
    return {"type": "equals", "field": field, **options}


def amount(abs_tolerance: str = "0", **options: Any) -> dict[str, Any]:
    return {"type": "amount", "abs_tolerance": abs_tolerance, **options}


def date(window_days: int = 3, **options: Any) -> dict[str, Any]:
    return {"type": "date", "window_days": window_days, **options}


def fuzzy(field: str = "description", threshold: float = 80, **options: Any) -> dict[str, Any]:
    return {"type": "fuzzy", "field": field, "threshold": threshold, **options}


def match_rows(result: ReconcileResult) -> list[dict[str, Any]]:
    """Each match as a dict with its left/right ids (sorted tuples) next to its columns."""
    members = result.links.group_by("match_key").agg(
        pl.col("record_id").filter(pl.col("side") == "left").sort().alias("left"),
        pl.col("record_id").filter(pl.col("side") == "right").sort().alias("right"),
    )
    joined = result.matches.join(members, on="match_key").sort("match_key")
    rows = []
    for row in joined.iter_rows(named=True):
        row["left"] = tuple(row["left"])
        row["right"] = tuple(row["right"])
        rows.append(row)
    return rows


def pairs(
    result: ReconcileResult, *statuses: str
) -> dict[tuple[tuple[int, ...], tuple[int, ...]], str]:
    """{(left ids, right ids): status} for matched rows (optionally only some statuses)."""
    return {
        (r["left"], r["right"]): r["status"]
        for r in match_rows(result)
        if r["category"] == "matched" and (not statuses or r["status"] in statuses)
    }


def one_to_one(result: ReconcileResult, *statuses: str) -> dict[tuple[int, int], str]:
    return {(lft[0], rgt[0]): s for (lft, rgt), s in pairs(result, *statuses).items()}
