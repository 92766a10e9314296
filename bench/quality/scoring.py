"""Precision, recall, F1 and recall per scenario of a set of pairs against the truth."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from bench.quality.load import LoadedCase
from tally.matching.result import ReconcileResult


@dataclass
class Score:
    predicted: int
    correct: int
    truth: int
    per_scenario: dict[str, float] = field(default_factory=dict)
    review: int = 0  # pairs Tally sent to review (suggested or ambiguous), not counted above

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "predicted": self.predicted,
            "correct": self.correct,
            "truth": self.truth,
            "review": self.review,
            "per_scenario_recall": {k: round(v, 4) for k, v in self.per_scenario.items()},
        }


def result_pairs(result: ReconcileResult, statuses: tuple[str, ...] = ("auto",)) -> pl.DataFrame:
    """(left_id, right_id) of every left x right member of the matched matches in ``statuses``."""
    keys = result.matches.filter(
        pl.col("status").is_in(statuses) & (pl.col("category") == "matched")
    ).select("match_key")
    links = result.links.join(keys, on="match_key")
    left = links.filter(pl.col("side") == "left").select(
        "match_key", pl.col("record_id").alias("left_id")
    )
    right = links.filter(pl.col("side") == "right").select(
        "match_key", pl.col("record_id").alias("right_id")
    )
    return left.join(right, on="match_key").select("left_id", "right_id").unique()


def score(loaded: LoadedCase, pairs: pl.DataFrame, review: int = 0) -> Score:
    """Score ``pairs``; a copy of a row exported twice counts as the row it copies."""
    pairs = _canonical(pairs, loaded.twins).unique()
    truth = loaded.truth
    hits = truth.join(pairs, on=["left_id", "right_id"], how="semi")
    per_scenario = {
        scenario: hit / total
        for scenario, total, hit in truth.group_by("scenario")
        .len()
        .join(hits.group_by("scenario").len().rename({"len": "hits"}), on="scenario", how="left")
        .fill_null(0)
        .sort("scenario")
        .iter_rows()
    }
    return Score(pairs.height, hits.height, truth.height, per_scenario, review)


def _canonical(pairs: pl.DataFrame, twins: pl.DataFrame) -> pl.DataFrame:
    for side, column in (("left", "left_id"), ("right", "right_id")):
        copies = twins.filter(pl.col("side") == side).select(
            pl.col("id").alias(column), pl.col("copy_of_id").alias("_original")
        )
        pairs = (
            pairs.join(copies, on=column, how="left")
            .with_columns(pl.coalesce("_original", column).alias(column))
            .drop("_original")
        )
    return pairs
