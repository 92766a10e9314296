"""Run a partition plan: the unchanged engine on every part, merged into one result.

The merged result equals one ``reconcile`` over all the records (tests/engines/matching/
test_partition.py compares them field by field): matches are numbered in the engine's own order
(category, rule, smallest left id, smallest right id; alternatives sharing those stay in the
order their part gave them, and two parts never share a record), duplicates and unmatched ids are
sorted as the engine sorts them, and the statistics are summed over the parts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields

import numpy as np
import polars as pl

from tally.matching.assignment import Strategy
from tally.matching.candidates import IntArray, Limits
from tally.matching.duplicates import find_duplicates
from tally.matching.engine import reconcile
from tally.matching.fields import prepare_side
from tally.matching.partition import PartitionPlan
from tally.matching.result import (
    DUPLICATE_SCHEMA,
    LINK_SCHEMA,
    MATCH_SCHEMA,
    ReconcileResult,
    ReconcileStats,
    RuleStats,
)
from tally.matching.rules import RuleSet
from tally.matching.state import Exclusions
from tally.matching.sums import DEFAULT_SEARCH_BUDGET

PartProgress = Callable[[int, float], None]


def reconcile_partitioned(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rule_set: RuleSet,
    plan: PartitionPlan,
    *,
    workers: int = 1,
    progress: Callable[[float], None] | None = None,
    part_progress: PartProgress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    search_budget_per_block: int = DEFAULT_SEARCH_BUDGET,
    strategy: Strategy | str = Strategy.OPTIMAL,
    limits: Limits | None = None,
    exclusions: Exclusions | None = None,
) -> ReconcileResult:
    """``reconcile`` over ``plan``'s parts on ``workers`` threads, merged; same arguments.

    ``part_progress(part, fraction)`` reports each part; ``progress`` the whole (by records).
    """
    duplicates = whole_duplicates(left, right, rule_set)
    sides = split_parts(left, right, plan)
    weights = np.asarray(plan.records_per_part, np.float64)
    weights = weights / max(weights.sum(), 1.0)
    done = np.zeros(plan.parts, np.float64)
    lock = threading.Lock()

    def run(part: int) -> ReconcileResult:
        def report(fraction: float) -> None:
            with lock:
                done[part] = fraction
                overall = float((done * weights).sum())
            if part_progress is not None:
                part_progress(part, fraction)
            if progress is not None:
                progress(overall)

        return reconcile(
            *sides[part],
            rule_set,
            progress=report,
            should_cancel=should_cancel,
            search_budget_per_block=search_budget_per_block,
            strategy=strategy,
            limits=limits,
            exclusions=exclusions,
            duplicates=duplicates,
        )

    busy = list(sides)
    if workers <= 1 or len(busy) == 1:
        results = [run(part) for part in busy]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="partition") as pool:
            results = list(pool.map(run, busy))
    return merge_results(results, duplicates)


def whole_duplicates(left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet) -> pl.DataFrame:
    """Duplicates are a property of the whole sets: found once, handed to every part."""
    return pl.concat(
        [
            find_duplicates(prepare_side(left, "left"), rule_set, "left"),
            find_duplicates(prepare_side(right, "right"), rule_set, "right"),
        ]
    ).sort("side", "group", "record_id")


def split_parts(
    left: pl.DataFrame, right: pl.DataFrame, plan: PartitionPlan
) -> dict[int, tuple[pl.DataFrame, pl.DataFrame]]:
    """Each part's records, by part in order. A part left empty (fewer key values than parts) is
    not run, so it is not here; one part always is."""
    # One pass per side cuts every part (a filter per part would read the whole frame each time).
    left_parts = _split(left, plan.left_part)
    right_parts = _split(right, plan.right_part)
    busy = [p for p, n in enumerate(plan.records_per_part) if n] or [0]
    return {
        part: (left_parts.get(part, left.clear()), right_parts.get(part, right.clear()))
        for part in busy
    }


def _split(frame: pl.DataFrame, parts: IntArray) -> dict[int, pl.DataFrame]:
    split = frame.with_columns(pl.Series("_part", parts)).partition_by(
        "_part", as_dict=True, include_key=False, maintain_order=True
    )
    return {int(key[0]): part for key, part in split.items()}


def merge_results(results: list[ReconcileResult], duplicates: pl.DataFrame) -> ReconcileResult:
    """One result from the parts' results, numbered and sorted as one run would have."""
    matches_parts: list[pl.DataFrame] = []
    link_parts: list[pl.DataFrame] = []
    for part, result in enumerate(results):
        ends = result.links.group_by("match_key").agg(
            pl.col("record_id").filter(pl.col("side") == "left").min().alias("_lmin"),
            pl.col("record_id").filter(pl.col("side") == "right").min().alias("_rmin"),
        )
        matches_parts.append(
            result.matches.join(ends, on="match_key", how="left").with_columns(
                pl.lit(part, dtype=pl.Int64).alias("_part")
            )
        )
        link_parts.append(result.links.with_columns(pl.lit(part, dtype=pl.Int64).alias("_part")))
    matches = pl.concat(matches_parts)
    # The engine's order: discrepancies after matches, then rule, smallest ids; alternatives
    # sharing those come from one part, in that part's order (its match_key).
    matches = matches.with_columns(
        ((pl.col("category") != "matched").cast(pl.Int64) * 1_000 + pl.col("rule_index")).alias(
            "_group"
        )
    ).sort("_group", "_lmin", "_rmin", "_part", "match_key")
    matches = matches.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_new"))
    renumber = matches.select("_part", "match_key", "_new")
    links = (
        pl.concat(link_parts)
        .with_row_index("_at")
        .join(renumber, on=["_part", "match_key"], how="left")
        .sort("_new", "_at")
        .select(pl.col("_new").alias("match_key"), "record_id", "side")
        .cast(LINK_SCHEMA)  # type: ignore[arg-type]
    )
    matches_out = (
        matches.drop("match_key")
        .rename({"_new": "match_key"})
        .select(list(MATCH_SCHEMA))
        .cast(MATCH_SCHEMA)  # type: ignore[arg-type]
    )
    unmatched_l = pl.concat([r.unmatched_left_ids for r in results]).sort()
    unmatched_r = pl.concat([r.unmatched_right_ids for r in results]).sort()
    return ReconcileResult(
        matches=matches_out,
        links=links,
        duplicates=duplicates.cast(DUPLICATE_SCHEMA),  # type: ignore[arg-type]
        unmatched_left_ids=unmatched_l.alias("record_id"),
        unmatched_right_ids=unmatched_r.alias("record_id"),
        stats=merge_stats([r.stats for r in results], duplicates.height),
    )


def merge_stats(parts: list[ReconcileStats], duplicate_records: int) -> ReconcileStats:
    """The parts' statistics summed (timings too: seconds of work, not of wall time)."""
    merged = ReconcileStats(
        strategy=parts[0].strategy, search_budget_per_block=parts[0].search_budget_per_block
    )
    for stats in parts:
        merged.left_records += stats.left_records
        merged.right_records += stats.right_records
        merged.candidates_truncated += stats.candidates_truncated
        merged.frequent_keys += stats.frequent_keys
        merged.skipped_keys += stats.skipped_keys
        merged.group_candidates_truncated += stats.group_candidates_truncated
        merged.blocks_searched += stats.blocks_searched
        merged.blocks_over_budget += stats.blocks_over_budget
        for target, source in (
            (merged.counts, stats.counts),
            (merged.components, stats.components),
            (merged.component_sizes, stats.component_sizes),
        ):
            for name, count in source.items():
                target[name] = target.get(name, 0) + count
        for name, seconds in stats.timings.items():
            merged.timings[name] = merged.timings.get(name, 0.0) + seconds
        for index, rule in enumerate(stats.rules):
            if index == len(merged.rules):
                merged.rules.append(RuleStats(name=rule.name, cardinality=rule.cardinality))
            total = merged.rules[index]
            for item in fields(RuleStats):
                value = getattr(rule, item.name)
                if isinstance(value, int):
                    setattr(total, item.name, getattr(total, item.name) + value)
    merged.counts["duplicate_records"] = duplicate_records
    merged.component_sizes = dict(sorted(merged.component_sizes.items()))
    return merged
