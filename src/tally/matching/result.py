"""The result of a reconciliation run and its statistics."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

MATCH_SCHEMA: dict[str, pl.DataType] = {
    "match_key": pl.Int64(),
    "rule": pl.String(),
    "rule_index": pl.Int32(),
    "score": pl.Float64(),
    "status": pl.String(),  # auto | suggested | ambiguous
    "category": pl.String(),  # matched | discrepancy
    "amount_difference": pl.Int64(),  # units: sum(right) - sum(left), right negated for "opposite"
    "date_difference_days": pl.Int32(),  # right date - left date (largest in a group)
    "evidence": pl.String(),  # JSON object; see tally.matching.evidence.explain_evidence
}
LINK_SCHEMA: dict[str, pl.DataType] = {
    "match_key": pl.Int64(),
    "record_id": pl.Int64(),
    "side": pl.String(),  # left | right
}
DUPLICATE_SCHEMA: dict[str, pl.DataType] = {
    "side": pl.String(),
    "record_id": pl.Int64(),
    "group": pl.Int64(),  # the smallest record id of the duplicate group
}

STATUSES = ("auto", "suggested", "ambiguous")
CATEGORIES = ("matched", "discrepancy")


class MatchingCancelled(Exception):
    """Raised inside ``reconcile`` when ``should_cancel()`` returned True; nothing is returned."""


@dataclass
class RuleStats:
    name: str
    cardinality: str
    left_available: int = 0
    right_available: int = 0
    candidates: int = 0
    passing: int = 0  # candidates meeting every required condition and the suggest threshold
    auto: int = 0
    suggested: int = 0
    ambiguous: int = 0
    discrepancy_candidates: int = 0
    # Grouped rules: "one" records with more candidates than the sum search takes, and blocks
    # whose search hit the budget (both also counted, over every rule, in ReconcileStats).
    group_candidates_truncated: int = 0
    blocks_over_budget: int = 0


@dataclass
class ReconcileStats:
    """Counts, search limits hit and timings of one run (JSON-able via :meth:`as_dict`)."""

    strategy: str = "optimal"
    left_records: int = 0
    right_records: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    rules: list[RuleStats] = field(default_factory=list)
    components: dict[str, int] = field(default_factory=dict)
    component_sizes: dict[str, int] = field(default_factory=dict)
    candidates_truncated: int = 0  # left records whose window held more than max_candidates
    frequent_keys: int = 0  # key values too frequent for a pairwise join (sorted window used)
    skipped_keys: int = 0  # frequent key values that could not be narrowed and were skipped
    group_candidates_truncated: int = 0
    blocks_searched: int = 0  # sum-search blocks (a record's candidate set or a component)
    blocks_over_budget: int = 0  # blocks whose sum search hit the search budget (skipped)
    search_budget_per_block: int = 0  # subset sums a block's search may build and compare
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase and total

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def phase_shares(self) -> dict[str, float]:
        """Each phase's share of the total time (0..1)."""
        total = self.timings.get("total") or 0.0
        if not total:
            return {}
        return {k: v / total for k, v in self.timings.items() if k != "total"}


@dataclass(frozen=True)
class ReconcileResult:
    """Matches, their record links, duplicates and the records left unmatched.

    ``matches`` has one row per match (``MATCH_SCHEMA``), sorted by ``match_key``; ``links`` one
    row per record in a match. An ambiguous tie is reported as one row per tied alternative, so
    a record may appear in several ambiguous rows but in at most one other row. Every record is
    either linked or listed as unmatched.
    """

    matches: pl.DataFrame
    links: pl.DataFrame
    duplicates: pl.DataFrame
    unmatched_left_ids: pl.Series
    unmatched_right_ids: pl.Series
    stats: ReconcileStats

    def with_explanations(self) -> pl.DataFrame:
        """``matches`` with an ``explanation`` column: the evidence as a sentence."""
        from tally.matching.evidence import explain_evidence

        return self.matches.with_columns(
            pl.col("evidence")
            .map_elements(explain_evidence, return_dtype=pl.String)
            .alias("explanation")
        )
