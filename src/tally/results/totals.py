"""A finished run's totals computed from the engine's result in memory.

The same figures as StatsRepository.job_totals (which counts the stored rows), without reading
two million rows back right after writing them: at 1M records per side the SQL recount takes
seconds, this takes milliseconds. A test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from tally.models import CLAIMING_STATUSES, MatchCategory, match_origin
from tally.money import single_currency
from tally.reconciliations.repository import SideTotals
from tally.results.stats_repository import SETTLED_STATUSES, SIDE_TOTALS


def totals_from_result(
    left: pl.DataFrame, right: pl.DataFrame, matches: pl.DataFrame, links: pl.DataFrame
) -> dict[str, Any]:
    """``left``/``right`` need ``id`` and ``amount`` (and ``currency``, to name the currency of
    their amounts); ``matches``/``links`` are the engine's."""
    status = matches.select(
        "match_key",
        pl.col("status").is_in([str(s) for s in CLAIMING_STATUSES]).alias("claims"),
        (
            (pl.col("category") == str(MatchCategory.MATCHED))
            & pl.col("status").is_in([str(s) for s in SETTLED_STATUSES])
        ).alias("settled"),
    )
    claimed = (
        links.join(status, on="match_key")
        .filter(pl.col("claims"))
        .select("record_id", "side", "settled")
    )
    counts = matches.group_by("category", "status").len()
    return {
        "unmatched_by_age": _unmatched_by_age(left, right, claimed),
        "left": _side(left, claimed.filter(pl.col("side") == "left")),
        "right": _side(right, claimed.filter(pl.col("side") == "right")),
        "matches": {
            f"{row['category']}:{row['status']}": int(row["len"])
            for row in counts.iter_rows(named=True)
        },
    }


def with_settled_before(totals: dict[str, Any], carried: Sequence[SideTotals]) -> None:
    """Add to an incremental run's totals the records settled before it (outside its scope), so
    that the job's and the project's figures describe the whole sources, per currency when
    their split is known; the unmatched count (records - claimed) stays the run's."""
    for side, settled in zip(("left", "right"), carried, strict=True):
        figures = totals[side]
        figures["records"] += settled.records
        figures["claimed"] += settled.records
        figures["matched"] += settled.records
        figures["matched_amount"] += settled.size
        by_currency = figures.get("by_currency")
        if not settled.records or by_currency is None:
            continue
        if settled.by_currency is not None:
            # Each currency's settled records join that currency's figures.
            for code, (records, size) in settled.by_currency.items():
                if not records and not size:
                    continue
                part = by_currency.setdefault(code, dict.fromkeys(SIDE_TOTALS, 0))
                for key in ("records", "claimed", "matched"):
                    part[key] += records
                part["matched_amount"] += size
            figures["currency"] = single_currency(by_currency)
        elif len(by_currency) <= 1:
            # The running totals carry no currency: they join the side's one currency (or, with
            # no record in the run's scope, stand alone). A side in several currencies cannot be
            # split so and loses its breakdown: its amounts then show as unknown, never as a sum
            # of different currencies (tally.jobs.schemas.present_side).
            alone = by_currency.setdefault(
                next(iter(by_currency), ""), dict.fromkeys(SIDE_TOTALS, 0)
            )
            for key in ("records", "claimed", "matched"):
                alone[key] += settled.records
            alone["matched_amount"] += settled.size
        else:
            figures["by_currency"] = None


def decisions_from_result(matches: pl.DataFrame) -> list[list[Any]]:
    """[rule, rule_index, origin, status, count] rows, as StatsRepository.decision_counts counts
    them: a match's origin follows from its category and status."""
    groups = matches.group_by("rule", "rule_index", "category", "status").len()
    count: dict[tuple[str, int, str, str], int] = {}
    for row in groups.iter_rows(named=True):
        origin = str(match_origin(row["category"], row["status"]))
        key = (str(row["rule"]), int(row["rule_index"]), origin, str(row["status"]))
        count[key] = count.get(key, 0) + int(row["len"])
    return [[*key, n] for key, n in sorted(count.items())]


def _side(records: pl.DataFrame, claimed: pl.DataFrame) -> dict[str, Any]:
    currency = pl.col("currency") if "currency" in records.columns else pl.lit(None, pl.String)
    joined = records.select(
        "id", pl.col("amount").abs().alias("size"), currency.fill_null("").alias("currency")
    ).join(claimed.select(pl.col("record_id").alias("id"), "settled"), on="id", how="left")
    settled = pl.col("settled").fill_null(False)
    groups = joined.group_by("currency").agg(
        pl.len().alias("records"),
        pl.col("settled").is_not_null().sum().alias("claimed"),
        settled.sum().alias("matched"),
        pl.when(settled).then(pl.col("size")).otherwise(0).sum().alias("matched_amount"),
        pl.when(settled).then(0).otherwise(pl.col("size")).sum().alias("unmatched_amount"),
    )
    by_currency = {
        str(row["currency"]): {
            "records": int(row["records"]),
            "claimed": int(row["claimed"] or 0),
            "matched": int(row["matched"] or 0),
            "unmatched": int(row["records"]) - int(row["matched"] or 0),
            "matched_amount": int(row["matched_amount"] or 0),
            "unmatched_amount": int(row["unmatched_amount"] or 0),
        }
        for row in groups.iter_rows(named=True)
    }
    return {
        **{key: sum(figures[key] for figures in by_currency.values()) for key in SIDE_TOTALS},
        "currency": single_currency(by_currency),
        "by_currency": by_currency,
    }


AGE_BUCKETS = (
    (0, 7, "0-7 days"),
    (8, 30, "8-30 days"),
    (31, 60, "31-60 days"),
    (61, 90, "61-90 days"),
    (91, None, "over 90 days"),
)


def _unmatched_by_age(
    left: pl.DataFrame, right: pl.DataFrame, claimed: pl.DataFrame
) -> list[dict[str, Any]]:
    """Open items (no settled match) per age bucket, aged against the newest date in the data:
    a statement imported weeks later still shows which lines are old within it."""
    if "booking_date" not in left.columns or "booking_date" not in right.columns:
        return []
    settled = claimed.filter(pl.col("settled")).select(pl.col("record_id").alias("id"))
    dates = pl.concat([left.select("id", "booking_date"), right.select("id", "booking_date")])
    newest = dates.select(pl.col("booking_date").max()).item()
    if newest is None:
        return []
    ages = (
        dates.join(settled, on="id", how="anti")
        .filter(pl.col("booking_date").is_not_null())
        .select((pl.lit(newest) - pl.col("booking_date")).dt.total_days().alias("age"))
    )
    buckets = []
    for low, high, label in AGE_BUCKETS:
        within = pl.col("age") >= low if high is None else pl.col("age").is_between(low, high)
        buckets.append({"label": label, "count": int(ages.filter(within).height)})
    return buckets
