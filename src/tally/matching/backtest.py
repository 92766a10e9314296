"""Backtesting helpers: compare two results, and score a result against known truth."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from tally.matching.result import ReconcileResult

_SIG_SCHEMA = {
    "signature": pl.String,
    "status": pl.String,
    "category": pl.String,
    "rule": pl.String,
}


@dataclass(frozen=True)
class ResultDiff:
    """How ``new`` differs from ``old``; each frame has ``left_ids``, ``right_ids`` and statuses.

    ``added``: matches whose records were all unmatched before; ``lost``: matches whose records
    are all unmatched now; ``changed``: the same records matched differently (other partners,
    status, category or rule).
    """

    added: pl.DataFrame
    lost: pl.DataFrame
    changed: pl.DataFrame
    unchanged: int


@dataclass(frozen=True)
class PrecisionRecall:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


def match_signatures(result: ReconcileResult) -> pl.DataFrame:
    """One row per match: the member ids (sorted lists), a text signature, status and rule."""
    members = result.links.group_by("match_key").agg(
        pl.col("record_id").filter(pl.col("side") == "left").sort().alias("left_ids"),
        pl.col("record_id").filter(pl.col("side") == "right").sort().alias("right_ids"),
    )
    return (
        result.matches.select("match_key", "rule", "status", "category")
        .join(members, on="match_key", how="left")
        .with_columns(
            pl.concat_str(
                pl.col("left_ids").cast(pl.List(pl.String)).list.join(","),
                pl.lit("|"),
                pl.col("right_ids").cast(pl.List(pl.String)).list.join(","),
            ).alias("signature")
        )
    )


def diff_results(old: ReconcileResult, new: ReconcileResult) -> ResultDiff:
    """Newly matched, lost and changed matches between two runs (e.g. before/after a rule edit)."""
    a, b = match_signatures(old), match_signatures(new)
    a_records = _records(old)
    b_records = _records(new)
    same = a.join(b, on="signature", how="inner", suffix="_new")
    differs = (
        (pl.col("status") != pl.col("status_new"))
        | (pl.col("category") != pl.col("category_new"))
        | (pl.col("rule") != pl.col("rule_new"))
    )
    changed_same = same.filter(differs).select(
        "left_ids",
        "right_ids",
        pl.col("status").alias("old_status"),
        pl.col("status_new").alias("new_status"),
        pl.col("rule").alias("old_rule"),
        pl.col("rule_new").alias("new_rule"),
    )
    only_new = b.join(a, on="signature", how="anti")
    only_old = a.join(b, on="signature", how="anti")
    new_touching = _touches(only_new, a_records)
    old_touching = _touches(only_old, b_records)
    added = only_new.filter(~new_touching).select("left_ids", "right_ids", "status", "rule")
    lost = only_old.filter(~old_touching).select("left_ids", "right_ids", "status", "rule")
    repaired = only_new.filter(new_touching).select(
        "left_ids",
        "right_ids",
        pl.lit(None, dtype=pl.String).alias("old_status"),
        pl.col("status").alias("new_status"),
        pl.lit(None, dtype=pl.String).alias("old_rule"),
        pl.col("rule").alias("new_rule"),
    )
    changed = pl.concat([changed_same, repaired]).sort("left_ids", "right_ids")
    unchanged = same.height - changed_same.height
    return ResultDiff(
        added.sort("left_ids", "right_ids"), lost.sort("left_ids", "right_ids"), changed, unchanged
    )


def _records(result: ReconcileResult) -> set[tuple[str, int]]:
    return {(side, int(rid)) for side, rid in result.links.select("side", "record_id").iter_rows()}


def _touches(frame: pl.DataFrame, records: set[tuple[str, int]]) -> pl.Series:
    flags = [
        any(("left", i) in records for i in lids) or any(("right", i) in records for i in rids)
        for lids, rids in frame.select("left_ids", "right_ids").iter_rows()
    ]
    return pl.Series(flags, dtype=pl.Boolean)


def predicted_pairs(
    result: ReconcileResult,
    statuses: Iterable[str] = ("auto", "suggested"),
    categories: Iterable[str] = ("matched",),
) -> pl.DataFrame:
    """(left_id, right_id) for every left x right member pair of the selected matches."""
    keep = result.matches.filter(
        pl.col("status").is_in(list(statuses)) & pl.col("category").is_in(list(categories))
    ).select("match_key")
    links = result.links.join(keep, on="match_key", how="semi")
    lefts = links.filter(pl.col("side") == "left").select("match_key", left_id="record_id")
    rights = links.filter(pl.col("side") == "right").select("match_key", right_id="record_id")
    return lefts.join(rights, on="match_key").select("left_id", "right_id").unique()


def precision_recall(
    result: ReconcileResult,
    truth_pairs: pl.DataFrame,
    *,
    statuses: Iterable[str] = ("auto", "suggested"),
    categories: Iterable[str] = ("matched",),
) -> PrecisionRecall:
    """Pair-level precision/recall of the selected matches against ``truth_pairs``.

    ``truth_pairs`` has ``left_id`` and ``right_id``; a group counts one pair per left x right
    member. By default auto and suggested matches count as predictions; ambiguous ones and
    discrepancies do not (they are questions, not answers).
    """
    predicted = predicted_pairs(result, statuses, categories)
    truth = truth_pairs.select(
        pl.col("left_id").cast(pl.Int64), pl.col("right_id").cast(pl.Int64)
    ).unique()
    tp = predicted.join(truth, on=["left_id", "right_id"], how="semi").height
    fp = predicted.height - tp
    fn = truth.height - tp
    precision = tp / predicted.height if predicted.height else 1.0
    recall = tp / truth.height if truth.height else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PrecisionRecall(precision, recall, f1, tp, fp, fn)
