"""Mutable bookkeeping of one reconcile run: free records, match batches, timings, cancel."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from tally.matching.assignment import Strategy
from tally.matching.candidates import Limits
from tally.matching.result import MatchingCancelled, ReconcileStats
from tally.matching.rules import RuleSet

BATCH_COLUMNS: dict[str, pl.DataType] = {
    "_mk": pl.Int64(),  # match id local to the batch
    "rule": pl.String(),
    "rule_index": pl.Int32(),
    "score": pl.Float64(),
    "status": pl.String(),
    "category": pl.String(),
    "amount_difference": pl.Int64(),
    "date_difference_days": pl.Int32(),
    "evidence": pl.String(),
    "_lmin": pl.Int64(),  # smallest left id (deterministic sort key)
    "_rmin": pl.Int64(),
    "_sig": pl.String(),  # all member ids, to order alternatives sharing the smallest ids
}
BATCH_LINKS: dict[str, pl.DataType] = {
    "_mk": pl.Int64(),
    "_at": pl.Int64(),  # position within the match: lefts by id, then rights by id
    "record_id": pl.Int64(),
    "side": pl.String(),
}


@dataclass(frozen=True)
class Exclusions:
    """Proposals a reviewer rejected in an earlier job: a run never proposes them again.

    ``signatures`` name each rejected proposal's records ("left ids|right ids", ids sorted and
    comma-separated, as a group match's ``_sig``); the one-to-one ones are also ``pairs``
    (``L_id``, ``R_id``), which the pair rules remove from their candidates before assignment,
    so the records stay free for another partner.
    """

    signatures: frozenset[str] = frozenset()

    @property
    def pairs(self) -> pl.DataFrame:
        rows = []
        for signature in self.signatures:
            left, _, right = signature.partition("|")
            if left and right and "," not in left and "," not in right:
                rows.append((int(left), int(right)))
        return pl.DataFrame(rows, schema={"L_id": pl.Int64, "R_id": pl.Int64}, orient="row")

    def __bool__(self) -> bool:
        return bool(self.signatures)


def proposal_signature(left_ids: Iterable[int], right_ids: Iterable[int]) -> str:
    """The records of a proposal as one text: what Exclusions compares."""
    return ",".join(map(str, sorted(left_ids))) + "|" + ",".join(map(str, sorted(right_ids)))


@dataclass
class Batch:
    matches: pl.DataFrame
    links: pl.DataFrame


class PhaseTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


@dataclass
class RunState:
    left: pl.DataFrame
    right: pl.DataFrame
    rule_set: RuleSet
    limits: Limits
    strategy: Strategy
    search_budget: int  # subset sums one block's sum search may build and compare
    progress: Callable[[float], None] | None = None
    should_cancel: Callable[[], bool] | None = None
    stats: ReconcileStats = field(default_factory=ReconcileStats)
    timer: PhaseTimer = field(default_factory=PhaseTimer)
    exclusions: Exclusions = field(default_factory=Exclusions)
    batches: list[Batch] = field(default_factory=list)
    free_l: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, np.bool_))
    free_r: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, np.bool_))
    # Per row: 0 for a record that is no flagged duplicate or the first (smallest id) of its
    # duplicate group, 1.. for the further copies (rows exported twice).
    copy_rank_l: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    copy_rank_r: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self) -> None:
        self.free_l = np.ones(self.left.height, np.bool_)
        self.free_r = np.ones(self.right.height, np.bool_)
        self.copy_rank_l = np.zeros(self.left.height, np.int64)
        self.copy_rank_r = np.zeros(self.right.height, np.int64)

    def mark_copies(self, duplicates: pl.DataFrame) -> pl.DataFrame:
        """Rank every flagged duplicate within its group (DUPLICATE_SCHEMA rows), by id.

        The rows may cover records beyond this run's (a partition gets the whole job's): ranks
        are taken over all of them, and the rows of this run's records are returned.
        """
        kept: list[pl.DataFrame] = []
        for side, frame, ranks in (
            ("left", self.left, self.copy_rank_l),
            ("right", self.right, self.copy_rank_r),
        ):
            ranked = duplicates.filter(pl.col("side") == side).with_columns(
                pl.col("record_id").rank("ordinal").over("group").alias("_rank")
            )
            ranked = ranked.filter(pl.col("record_id").is_in(frame["id"].implode()))
            kept.append(ranked.drop("_rank"))
            copies = ranked.filter(pl.col("_rank") > 1)
            if copies.height:
                ids = frame["id"].to_numpy()  # prepared frames are sorted by id
                rows = np.searchsorted(ids, copies["record_id"].to_numpy())
                ranks[rows] = copies["_rank"].to_numpy().astype(np.int64) - 1
        return pl.concat(kept)

    def checkpoint(self, fraction: float) -> None:
        """Cancel if asked to, then report progress (0..1)."""
        if self.should_cancel is not None and self.should_cancel():
            raise MatchingCancelled("reconcile cancelled")
        if self.progress is not None:
            self.progress(min(max(fraction, 0.0), 1.0))

    def free_frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        return (
            self.left.filter(pl.Series(self.free_l)),
            self.right.filter(pl.Series(self.free_r)),
        )

    def consume(self, left_rows: npt.NDArray[np.int64], right_rows: npt.NDArray[np.int64]) -> None:
        self.free_l[left_rows] = False
        self.free_r[right_rows] = False
