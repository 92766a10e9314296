"""Backtesting helpers: compare two results, and score a result against known truth."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from tally.matching.result import (
    DUPLICATE_SCHEMA,
    LINK_SCHEMA,
    MATCH_SCHEMA,
    ReconcileResult,
    ReconcileStats,
)

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
    """One row per match: the member ids (sorted lists), a signature of them, status and rule.

    The signature is a 64-bit hash of the two id lists; :func:`diff_results` joins on it and
    then compares the lists themselves, so a hash collision cannot pair two different matches.
    """
    members = result.links.group_by("match_key").agg(
        pl.col("record_id").filter(pl.col("side") == "left").sort().alias("left_ids"),
        pl.col("record_id").filter(pl.col("side") == "right").sort().alias("right_ids"),
    )
    return (
        result.matches.select("match_key", "rule", "status", "category")
        .join(members, on="match_key", how="left")
        .with_columns(pl.struct("left_ids", "right_ids").hash(seed=0).alias("signature"))
    )


def diff_results(old: ReconcileResult, new: ReconcileResult) -> ResultDiff:
    """Newly matched, lost and changed matches between two runs (e.g. before/after a rule edit)."""
    a, b = match_signatures(old), match_signatures(new)
    same = a.join(b, on="signature", how="inner", suffix="_new").filter(
        (pl.col("left_ids") == pl.col("left_ids_new"))
        & (pl.col("right_ids") == pl.col("right_ids_new"))
    )
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
    only_new = b.join(
        same.select("match_key_new"), left_on="match_key", right_on="match_key_new", how="anti"
    )
    only_old = a.join(same.select("match_key"), on="match_key", how="anti")
    new_touching = _touches(only_new, old.links)
    old_touching = _touches(only_old, new.links)
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


def _touches(frame: pl.DataFrame, links: pl.DataFrame) -> pl.Series:
    """Per row of ``frame``: does any of its records appear in ``links`` (on the same side)?"""
    rows = frame.select("left_ids", "right_ids").with_row_index("_row")
    members = pl.concat(
        [
            rows.select(
                "_row", pl.col(f"{side}_ids").alias("record_id"), pl.lit(side).alias("side")
            )
            .explode("record_id")
            .drop_nulls("record_id")
            for side in ("left", "right")
        ]
    )
    touched = members.join(
        links.select("record_id", "side"), on=["record_id", "side"], how="semi"
    ).select("_row")
    return rows["_row"].is_in(touched["_row"].implode()).alias("touches")


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


@dataclass(frozen=True)
class DecisionScore:
    """How a result agrees with the decisions reviewers made on the same records.

    Pairs are left x right members of a match. ``confirmed_found``: predicted pairs reviewers
    confirmed or matched by hand; ``rejected_found``: predicted pairs they rejected;
    ``positives_missed``: confirmed or manual pairs the result does not predict; ``unreviewed``:
    predicted pairs nobody decided on (they count for neither figure).
    """

    predicted: int
    confirmed_found: int
    rejected_found: int
    positives_missed: int
    unreviewed: int

    @property
    def precision(self) -> float | None:
        """Share of the reviewed predictions that reviewers accepted; None if none was reviewed."""
        reviewed = self.confirmed_found + self.rejected_found
        return self.confirmed_found / reviewed if reviewed else None

    @property
    def recall(self) -> float | None:
        """Share of the accepted pairs the result predicts; None if reviewers accepted none."""
        positives = self.confirmed_found + self.positives_missed
        return self.confirmed_found / positives if positives else None


def score_against_decisions(
    result: ReconcileResult,
    positives: pl.DataFrame,
    negatives: pl.DataFrame,
    *,
    statuses: Iterable[str] = ("auto", "suggested"),
    categories: Iterable[str] = ("matched",),
) -> DecisionScore:
    """Precision and recall of ``result`` against review decisions.

    ``positives`` (confirmed and manual pairs) and ``negatives`` (rejected pairs) have
    ``left_id`` and ``right_id``. A pair both rejected once and accepted later is a positive.
    """
    predicted = predicted_pairs(result, statuses, categories)
    keys = ["left_id", "right_id"]
    accepted = _pairs(positives)
    rejected = _pairs(negatives).join(accepted, on=keys, how="anti")
    found = predicted.join(accepted, on=keys, how="semi").height
    wrong = predicted.join(rejected, on=keys, how="semi").height
    return DecisionScore(
        predicted=predicted.height,
        confirmed_found=found,
        rejected_found=wrong,
        positives_missed=accepted.height - found,
        unreviewed=predicted.height - found - wrong,
    )


def _pairs(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("left_id").cast(pl.Int64), pl.col("right_id").cast(pl.Int64)
    ).unique()


def stored_result(matches: pl.DataFrame, links: pl.DataFrame) -> ReconcileResult:
    """A :class:`ReconcileResult` from stored rows, for :func:`diff_results` and scoring.

    ``matches`` needs ``match_key``, ``rule``, ``status`` and ``category`` (other columns of
    ``MATCH_SCHEMA`` are filled with nulls when absent); ``links`` is ``LINK_SCHEMA`` (links of
    other matches are dropped). The
    unmatched ids and duplicates are left empty: the comparisons read only the matches.
    """
    filled = matches.with_columns(
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in MATCH_SCHEMA.items()
        if name not in matches.columns
    ).select([pl.col(name).cast(dtype) for name, dtype in MATCH_SCHEMA.items()])
    return ReconcileResult(
        matches=filled,
        links=links.join(filled.select("match_key"), on="match_key", how="semi").select(
            [pl.col(name).cast(dtype) for name, dtype in LINK_SCHEMA.items()]
        ),
        duplicates=pl.DataFrame(schema=DUPLICATE_SCHEMA),
        unmatched_left_ids=pl.Series("id", [], dtype=pl.Int64),
        unmatched_right_ids=pl.Series("id", [], dtype=pl.Int64),
        stats=ReconcileStats(),
    )
