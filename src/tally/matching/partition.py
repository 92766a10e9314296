"""The partition plan: split one job's records so each part can be matched on its own, exactly.

Every candidate a rule considers joins records equal on the rule's required ``equals`` keys
(tally.matching.candidates): when one key condition appears in every rule, records with
different values of it never meet. Partitioning by that key keeps every connected component of
candidates (and every frequent-key block, sum-search block and tie) inside one part, so the
optimal assignment per part is the global one, ties and review included, and no barrier between
rules is needed. Duplicates are found on the whole sets beforehand and handed to every part
(``reconcile(duplicates=...)``), so a copy keeps its rank wherever its original lands.

A key value holding too many records for one part (one counterparty with a third of the rows)
is cut by date where no rule can reach across the cut: between dates further apart than three
windows (a frequent key is searched in date buckets of ``2w+1`` days, so a record meets partners
up to ``3w`` days away) and only while every piece keeps more records than the key-join limit on
a side, so the key is searched the same way in every piece. A value that cannot be cut so stays
whole, and is reported as oversized.

What this plan does not do yet, and therefore declines (one part, with the reason): rule sets
without a key shared by every rule (a barrier per rule), and cutting date ranges with a halo
whose straddling components go to a boundary step.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from tally.matching.candidates import Limits
from tally.matching.fields import INPUT_COLUMNS, is_multi, key_expr
from tally.matching.rules import Cardinality, EqualsCondition, RuleSet

IntArray = npt.NDArray[np.int64]

# A part below this many records costs more in per-part work than it saves.
DEFAULT_PART_RECORDS = 200_000


@dataclass(frozen=True)
class PartitionKey:
    """The key condition every rule shares: field per side and normalisers."""

    left_field: str
    right_field: str
    normalisers: tuple[str, ...]

    def describe(self) -> str:
        same = self.left_field == self.right_field
        return self.left_field if same else f"{self.left_field} = {self.right_field}"


@dataclass
class PartitionPlan:
    """Which part each record goes to (``left_part``/``right_part``, aligned with the frames the
    plan was made from, in their row order) and why the plan is what it is."""

    parts: int
    left_part: IntArray
    right_part: IntArray
    key: PartitionKey | None = None
    reason: str = ""  # why a plan has one part only ("" when partitioned)
    records_per_part: list[int] = field(default_factory=list)
    key_values: int = 0
    split_keys: int = 0  # key values cut by date into several pieces
    oversized_keys: int = 0  # key values larger than a part that could not be cut
    boundary_records: int = 0  # records matched in a boundary step (none: no halos yet)

    def as_dict(self) -> dict[str, object]:
        return {
            "parts": self.parts,
            "key": self.key.describe() if self.key is not None else None,
            "reason": self.reason,
            "records_per_part": self.records_per_part,
            "key_values": self.key_values,
            "split_keys": self.split_keys,
            "oversized_keys": self.oversized_keys,
            "boundary_records": self.boundary_records,
        }


def shared_key(rule_set: RuleSet) -> PartitionKey | str:
    """The key condition present in every rule, or the reason there is none.

    Multi-valued keys (a derived field with ``multiple=True``) do not qualify: one record would
    belong to several values.
    """
    common: set[PartitionKey] | None = None
    for rule in rule_set.rules:
        keys = {
            PartitionKey(c.field, c.other_field, tuple(sorted(c.normalisers)))
            for c in rule.key_conditions
            if not _multi_valued(c, rule_set)
        }
        common = keys if common is None else common & keys
    if not common:
        return "the rules share no single-valued equality key (one barrier per rule is not built)"
    # Several shared keys: any is exact; the most specific (most normalisers) first, by name.
    return sorted(common, key=lambda k: (-len(k.normalisers), k.left_field, k.right_field))[0]


def _multi_valued(cond: EqualsCondition, rule_set: RuleSet) -> bool:
    return is_multi(cond.field, rule_set) or is_multi(cond.other_field, rule_set)


def plan_partitions(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rule_set: RuleSet,
    *,
    parts: int | None = None,
    part_records: int = DEFAULT_PART_RECORDS,
    limits: Limits | None = None,
) -> PartitionPlan:
    """Plan ``parts`` parts (default: one per ``part_records`` records) for matching ``left``
    against ``right`` with ``rule_set``; see the module docstring for what stays exact.

    Pure: reads the frames, returns arrays. Parts are balanced by record count (largest unit
    first into the lightest part) and the plan is the same for the same records in any order.
    """
    limits = limits or Limits()
    total = left.height + right.height
    wanted = parts if parts is not None else max(1, -(-total // max(part_records, 1)))
    key = shared_key(rule_set)
    if isinstance(key, str):
        return _single(left, right, key)
    if wanted <= 1:
        return _single(left, right, "one part holds every record", key)
    units_l, units_r, n_units, split, oversized = _units(left, right, rule_set, key, limits, wanted)
    sizes = np.bincount(units_l, minlength=n_units) + np.bincount(units_r, minlength=n_units)
    part_of_unit = _balance(sizes, wanted)
    left_part = part_of_unit[units_l]
    right_part = part_of_unit[units_r]
    per_part = np.bincount(left_part, minlength=wanted) + np.bincount(right_part, minlength=wanted)
    return PartitionPlan(
        parts=wanted,
        left_part=left_part,
        right_part=right_part,
        key=key,
        records_per_part=[int(n) for n in per_part],
        key_values=n_units - split,
        split_keys=split,
        oversized_keys=oversized,
    )


def _single(
    left: pl.DataFrame, right: pl.DataFrame, reason: str, key: PartitionKey | None = None
) -> PartitionPlan:
    return PartitionPlan(
        parts=1,
        left_part=np.zeros(left.height, np.int64),
        right_part=np.zeros(right.height, np.int64),
        key=key,
        reason=reason,
        records_per_part=[left.height + right.height],
    )


def _units(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rule_set: RuleSet,
    key: PartitionKey,
    limits: Limits,
    parts: int,
) -> tuple[IntArray, IntArray, int, int, int]:
    """Each record's unit (a key value, or a date piece of a large one) as a dense number."""
    norms = key.normalisers
    # Both sides at once (normalising keys is the costly part), each key value as its hash: two
    # values sharing a hash share a unit, which only makes that unit coarser, never inexact.
    both = pl.concat(
        pl.collect_all(
            [
                _unit_frame(left, key_expr(key.left_field, norms, rule_set), "left"),
                _unit_frame(right, key_expr(key.right_field, norms, rule_set), "right"),
            ]
        )
    )
    both = both.with_columns(pl.col("_key").rank("dense").cast(pl.Int64).alias("_unit"))
    counts = both.group_by("_unit").len()
    target = (left.height + right.height) / parts
    big = counts.filter(pl.col("len") > target)["_unit"]
    split = oversized = 0
    if big.len():
        reach = _date_reach(rule_set)
        join_limit = _join_limit(rule_set, limits)
        unit = both["_unit"].to_numpy().copy()
        next_unit = int(unit.max()) + 1
        for value in sorted(big.to_list()):
            rows = np.flatnonzero(unit == value)
            cuts = None if reach is None else _date_cuts(both[rows], reach, join_limit)
            if not cuts:
                oversized += 1
                continue
            split += 1
            pieces = np.searchsorted(np.asarray(cuts), _days(both[rows]), side="right")
            moved = pieces > 0
            unit[rows[moved]] = next_unit + pieces[moved] - 1
            next_unit += len(cuts)
        both = both.with_columns(pl.Series("_unit", unit))
    dense = both["_unit"].rank("dense").cast(pl.Int64).to_numpy() - 1
    n_units = int(dense.max()) + 1 if dense.size else 0
    return dense[: left.height], dense[left.height :], n_units, split, oversized


def _unit_frame(frame: pl.DataFrame, key: pl.Expr, side: str) -> pl.LazyFrame:
    # The columns the engine reads, absent ones as nulls (prepare_side validates them later).
    missing = [
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in INPUT_COLUMNS.items()
        if name not in frame.columns
    ]
    # Null keys meet nobody: they form one unit of their own (their duplicates were found apart).
    return (
        frame.lazy()
        .with_columns(missing)
        .select(
            key.hash().alias("_key"),
            pl.col("booking_date").cast(pl.Date),
            pl.lit(side).alias("_side"),
        )
    )


def _date_reach(rule_set: RuleSet) -> int | None:
    """Days beyond which no rule pairs records of one frequent key (None: some rule has no
    required date window on booking dates, so dates do not bound it)."""
    reach = 0
    for rule in rule_set.rules:
        date = rule.date_condition
        if date is None or not date.required:
            return None
        if date.field != "booking_date" or date.other_field != "booking_date":
            return None
        reach = max(reach, 3 * date.window_days + 1)
    return reach


def _join_limit(rule_set: RuleSet, limits: Limits) -> int:
    grouped = any(r.cardinality is not Cardinality.ONE_TO_ONE for r in rule_set.rules)
    return max(limits.key_join_max_per_side, limits.group_key_max_per_side if grouped else 0)


def _days(frame: pl.DataFrame) -> IntArray:
    # A record without a date never passes a required date window: it goes to the first piece.
    days = frame["booking_date"].cast(pl.Int32).fill_null(np.iinfo(np.int32).min)
    return days.to_numpy().astype(np.int64)


def _date_cuts(rows: pl.DataFrame, reach: int, join_limit: int) -> list[int]:
    """Dates (first day of a new piece) cutting one key value at every gap wider than ``reach``
    that leaves more than ``join_limit`` records of one side in every piece (so the key stays
    frequent, searched by window, in each); the balancing packs the pieces."""
    days = _days(rows)
    is_left = (rows["_side"] == "left").to_numpy()
    order = np.argsort(days, kind="stable")
    days, is_left = days[order], is_left[order]
    gaps = np.flatnonzero(np.diff(days) > reach) + 1  # first row of the next piece
    cuts: list[int] = []
    start = 0
    for at in gaps.tolist():
        piece_left = int(is_left[start:at].sum())
        piece_right = at - start - piece_left
        rest_left = int(is_left[at:].sum())
        rest_right = int(days.size) - at - rest_left
        if max(piece_left, piece_right) > join_limit and max(rest_left, rest_right) > join_limit:
            cuts.append(int(days[at]))
            start = at
    return cuts


def _balance(sizes: IntArray, parts: int) -> IntArray:
    """Largest unit first into the lightest part (ties by unit number, so deterministic); the
    many small units after that fill the parts' remaining room in order, without a heap step
    per unit (a million references would cost seconds).

    The small units fill in unit-number order (their keys' hash ranks), not by size: by size,
    every unit of three records (a payment split in two) went to the first part, and with it
    all of the grouped rules' sum searches: at 1M x 1M that part took 20 s against 3 s for
    each other one of the same record count (bench/partition/REPORT-scale.md)."""
    order = np.lexsort((np.arange(sizes.size), -sizes))
    part_of = np.zeros(sizes.size, np.int64)
    small_from = int(np.searchsorted(-sizes[order], -max(int(sizes.sum()) // (64 * parts), 1)))
    heap = [(0, p) for p in range(parts)]
    for unit in order[:small_from]:
        load, part = heapq.heappop(heap)
        part_of[unit] = part
        heapq.heappush(heap, (load + int(sizes[unit]), part))
    loads = np.zeros(parts, np.int64)
    for load, part in heap:
        loads[part] = load
    rest = np.sort(order[small_from:])
    if rest.size:
        goal = -(-(int(loads.sum()) + int(sizes[rest].sum())) // parts)
        room = np.maximum(goal - loads, 0)
        filled = np.cumsum(sizes[rest]) - sizes[rest]  # records placed before each unit
        part_of[rest] = np.minimum(
            np.searchsorted(np.cumsum(room), filled, side="right"), parts - 1
        )
    return part_of
