"""Keyless batches: records summed per date and per value of a category both sides spell apart.

A settlement may pay many sales with no key in common (a card scheme settling one row per
terminal and day). What ties the members to their total is the day and a low-cardinality
field both sides carry, each in its own spelling (``T01`` on the terminal export,
``40010001`` in the report). Rule inference (:mod:`tally.matching.infer`) learns both from
the data:

- **Correspondence**: among the key-joined pairs, a low-cardinality text field of each side
  whose trailing digits agree in nearly every pair and far more often than in shuffled pairs;
  it becomes a derived field on each side (the regex of those digits), a block of the batch
  rule.
- **Tolerance of the sums**: read when the rule is tried, off what the rules before it left
  open: per block (category value and date), the open right record's amount against the open
  left records' total. A scheme's own fee rate, which no keyed pair shows, clusters there.
- **The fee rate exactly** (:func:`block_fee`): when blocks are crowded, nearly every one holds
  a stray (a payment never settled, a receipt another rule missed) and no cluster forms. The
  block's total less each one or two of its records is compared with the open right record:
  the rate (to 0.01 %) that leaves the right amount to the cent in the most blocks is the
  scheme's. The batch rule then asks for the total less that rate to the cent
  (``AmountCondition.fee_rates``), which lets the engine find a block less its strays
  (:func:`tally.matching.sums.block_exclusions`) without mistaking one stray for another.
- **Size**: the largest open block (to a high quantile) bounds the groups: a scheme settling a
  busy terminal's day has dozens of members.

The rule is a many-to-one sum within each block (and a one-to-one rule first, for blocks of one
member), kept only when its estimated precision clears the bar like every other candidate.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
import polars as pl

from tally.matching.infer_keys import KEY_NORMALISERS, plain_field, slug
from tally.matching.infer_models import DateModel
from tally.matching.rules import (
    MAX_GROUP_SIZE,
    PPM,
    AmountCondition,
    Cardinality,
    DerivedField,
    EqualsCondition,
    Rule,
)
from tally.matching.sums import fee_of
from tally.money import to_units

_MAX_DIGITS = 4
_AGREE = 0.98  # share of keyed pairs whose trailing digits must agree
_CLOSE_PPM = 100_000  # keyed pairs within 10 % are read (fees, rounding)
_CHANCE = 0.6  # at most this share of shuffled pairs may agree (two values: 0.5)
_PRESENT = 0.9  # share of keyed pairs holding digits on both sides
_MIN_PAIRS = 20
_MIN_BLOCKS = 5  # blocks of one open right record needed to read the sums' tolerance
_WINDOW_COVER = 0.95  # of the close keyed pairs' day gaps (a few strangers remain among them)
_BIN_PPM = 1_000  # block differences are read in bins of 0.1 %
_MAX_PPM = 100_000  # sums differing by more than a tenth are not a fee
MAX_MEMBERS = 10  # groups of blocks no larger than this need no learned size
_RATE_STEP_PPM = 100  # fee rates are read to 0.01 %
_RATE_STRAYS = 2  # records left out of a block when reading its fee rate
_RATE_BLOCK = 40  # larger blocks are not read for the rate (their subsets are many)
_RATE_MARGIN = 3  # the rate leaves this many times more blocks to the cent than any other
_SIZE_QUANTILE = 0.99  # of the open blocks' sizes: the largest group a batch rule looks for
_CENT = to_units("0.01")


@dataclass(frozen=True)
class Correspondence:
    """A category both sides carry, compared by its trailing ``digits`` digits."""

    left: DerivedField
    right: DerivedField
    digits: int
    agree: float
    chance: float
    values: int
    window_days: int  # the date window of the keyed pairs whose amounts agree

    @property
    def note(self) -> str:
        return (
            f"{self.left.source} (left) and {self.right.source} (right) end in the same "
            f"{self.digits} digit{'s' if self.digits > 1 else ''} in {self.agree:.0%} of keyed "
            f"pairs, {self.chance:.0%} of shuffled pairs ({self.values} values)"
        )

    def condition(self) -> EqualsCondition:
        return EqualsCondition(
            field=self.left.name, right_field=self.right.name, normalisers=KEY_NORMALISERS
        )


def _digits_pattern(digits: int) -> str:
    return rf"(?P<value>\d{{{digits}}})\D*$"


def correspondence(
    facts: pl.DataFrame,
    left_fields: list[str],
    right_fields: list[str],
    dates: DateModel,
    seed: int,
) -> Correspondence | None:
    """The pair of low-cardinality text fields whose trailing digits agree in keyed pairs (the
    most digits, then the fewest chance agreements), or None. Its date window is read off the
    keyed pairs whose amounts agree: a key of a few digits also pairs strangers months apart,
    which widen the key rule's window but would make a day's block a season's."""
    # Pairs whose amounts agree: a key of a few digits also pairs strangers, whose categories
    # agree only by chance.
    la, ra = pl.col("l_amount").abs(), pl.col("r_amount").abs()
    facts = facts.filter((la - ra).abs() * 1_000_000 <= pl.max_horizontal(la, ra) * _CLOSE_PPM)
    if facts.height < _MIN_PAIRS:
        return None
    gaps = (
        facts.select(
            (pl.col(f"r_{dates.right_field}") - pl.col(f"l_{dates.left_field}"))
            .dt.total_days()
            .abs()
        )
        .to_series()
        .drop_nulls()
    )
    window = math.ceil(float(gaps.quantile(_WINDOW_COVER) or 0)) if gaps.len() else 0
    window = min(window, dates.window_days)
    most_values = max(2, math.isqrt(facts.height))
    order = np.random.default_rng(seed).permutation(facts.height)
    best: Correspondence | None = None
    for lf in left_fields:
        for rf in right_fields:
            if f"l_{lf}" not in facts.columns or f"r_{rf}" not in facts.columns:
                continue
            for digits in range(1, _MAX_DIGITS + 1):
                found = _agreement(facts, lf, rf, digits, order, most_values)
                if found is None:
                    continue
                agree, chance, values = found
                if best is None or (digits, -chance) > (best.digits, -best.chance):
                    best = Correspondence(
                        DerivedField(
                            name=f"left_{slug(lf)}_digits",
                            source=lf,
                            pattern=_digits_pattern(digits),
                            normalisers=KEY_NORMALISERS,
                        ),
                        DerivedField(
                            name=f"right_{slug(rf)}_digits",
                            source=rf,
                            pattern=_digits_pattern(digits),
                            normalisers=KEY_NORMALISERS,
                        ),
                        digits,
                        agree,
                        chance,
                        values,
                        window,
                    )
    return best


def _agreement(
    facts: pl.DataFrame, lf: str, rf: str, digits: int, order: np.ndarray, most_values: int
) -> tuple[float, float, int] | None:
    pattern = rf"(\d{{{digits}}})\D*$"
    ends = facts.select(
        pl.col(f"l_{lf}").cast(pl.String).str.extract(pattern).alias("a"),
        pl.col(f"r_{rf}").cast(pl.String).str.extract(pattern).alias("b"),
    )
    a, b = ends["a"], ends["b"]
    present = (a.is_not_null() & b.is_not_null()).to_numpy()
    if present.mean() < _PRESENT:
        return None
    values = a.drop_nulls().n_unique()
    # The fields themselves are categories (a few terminals), not identifiers whose last
    # digits happen to take few values.
    whole = max(facts[f"l_{lf}"].n_unique(), facts[f"r_{rf}"].n_unique())
    if values < 2 or whole > most_values:
        return None
    av, bv = np.asarray(a.to_list(), dtype=object), np.asarray(b.to_list(), dtype=object)
    agree = float((av[present] == bv[present]).mean())
    shuffled = bv[order]
    both = present & np.asarray([x is not None for x in shuffled])
    chance = float((av[both] == shuffled[both]).mean()) if both.any() else 1.0
    if agree < _AGREE or chance > _CHANCE:
        return None
    return agree, chance, values


def batch_rule(
    corr: Correspondence,
    dates: DateModel,
    sign: str,
    cardinality: Cardinality,
    left: pl.DataFrame,
    right: pl.DataFrame,
) -> tuple[Rule, str] | None:
    """The rule summing the open records of one category value and day, with the tolerance
    the open blocks' totals show (None when too few blocks show one)."""
    dates = dataclasses.replace(dates, window_days=corr.window_days)
    lblocks, rblocks = _blocks(corr, dates, left, right)
    tolerance = _block_tolerance(lblocks, rblocks, sign)
    fee = block_fee(lblocks, rblocks, sign)
    if tolerance is None and fee is None:
        return None
    if tolerance is None:
        assert fee is not None
        # The band a pair of one member needs: the rate, to the next 0.1 % (as a cluster's end).
        tolerance = ((fee.rate_ppm // _BIN_PPM + 1) * _BIN_PPM, fee.blocks)
    ppm, blocks = tolerance
    pct = format((Decimal(ppm) / 10_000).normalize(), "f")
    amount = AmountCondition(pct_tolerance=pct, abs_tolerance="0.01", sign=sign)
    note = f"summed within {pct} % (the open records' totals of {blocks} such blocks)"
    size = 5
    if cardinality is not Cardinality.ONE_TO_ONE:
        size = _group_size(lblocks if cardinality is Cardinality.MANY_TO_ONE else rblocks)
        if fee is not None:
            amount = AmountCondition(
                abs_tolerance="0.01", fee_rates=(fee.rate,), fee_from=fee.fee_from, sign=sign
            )
            note = fee.note
    rule = Rule(
        name=f"{slug(corr.left.source)}_date_{cardinality.value}",
        conditions=[corr.condition(), amount, dates.condition()],
        cardinality=cardinality,
        max_group_size=size,
    )
    return rule, f"records of one day and one {corr.note}, {note}"


def _group_size(blocks: pl.DataFrame) -> int:
    """The largest group worth looking for: the open blocks' sizes, to a high quantile."""
    if blocks.height == 0:
        return MAX_MEMBERS
    top = blocks["n"].quantile(_SIZE_QUANTILE, "higher")
    return int(min(max(MAX_MEMBERS, int(top or 0)), MAX_GROUP_SIZE))


@dataclass(frozen=True)
class BlockFee:
    """A fee rate taken off a block's total, read to the cent off the open blocks."""

    rate_ppm: int
    fee_from: Literal["left", "right"]
    blocks: int  # blocks it leaves to the cent (less at most _RATE_STRAYS records)
    runner_up: int
    note: str

    @property
    def rate(self) -> str:
        return format((Decimal(self.rate_ppm) / 10_000).normalize(), "f")


def block_fee(lblocks: pl.DataFrame, rblocks: pl.DataFrame, sign: str) -> BlockFee | None:
    """The fee rate (to 0.01 %) which, taken off the total of a block's open left records less
    at most two of them, leaves an open right record of the block to the cent in the most
    blocks, far more than any other rate does (None otherwise). A block less one or two strays
    counts: in crowded blocks nearly every total holds one."""
    joined = lblocks.join(rblocks, on=["c", "d"], suffix="_r").filter(pl.col("n") <= _RATE_BLOCK)
    factor = -1 if sign == "opposite" else 1
    hits: dict[tuple[str, int], set[int]] = {}
    for block, (amounts, rights) in enumerate(
        zip(joined["amounts"].to_list(), joined["amounts_r"].to_list(), strict=True)
    ):
        totals = _totals_less_strays(np.asarray(amounts, np.int64))
        for right in rights:
            one = np.full(totals.shape, int(right) * factor, np.int64)
            # The fee comes off the left total (a scheme's batch) or off the right record.
            for side, gross, net in (("left", totals, one), ("right", one, totals)):
                for rate in _exact_rates(gross, net):
                    hits.setdefault((side, rate), set()).add(block)
    if not hits:
        return None
    ranked = sorted(hits.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    (side, rate), blocks = ranked[0]
    others = [len(b) for (s, r), b in ranked[1:] if s != side or abs(r - rate) > _RATE_STEP_PPM]
    runner_up = max(others, default=0)
    if len(blocks) < _MIN_BLOCKS or len(blocks) < _RATE_MARGIN * runner_up:
        return None
    fee_from: Literal["left", "right"] = "left" if side == "left" else "right"
    shown = format((Decimal(rate) / 10_000).normalize(), "f")
    note = (
        f"the {fee_from} total less a fee of {shown} % to the cent ({len(blocks)} of "
        f"{joined.height} open blocks, less at most {_RATE_STRAYS} records each; the next "
        f"rate {runner_up})"
    )
    return BlockFee(rate, fee_from, len(blocks), runner_up, note)


def _exact_rates(gross: np.ndarray, net: np.ndarray) -> list[int]:
    """The rates (to 0.01 %, at most _MAX_PPM) leaving some ``net`` to the cent of its gross."""
    ok = (gross != 0) & (np.sign(gross) == np.sign(net)) & (np.abs(net) < np.abs(gross))
    gross, net = gross[ok], net[ok]
    ppm = (np.abs(gross) - np.abs(net)) * PPM // np.maximum(np.abs(gross), 1)
    step = (ppm + _RATE_STEP_PPM // 2) // _RATE_STEP_PPM * _RATE_STEP_PPM
    found = []
    for rate in np.unique(step[(step > 0) & (step <= _MAX_PPM)]).tolist():
        rows = step == rate
        gap = net[rows] - (gross[rows] - fee_of(gross[rows], int(rate)))
        if bool((np.abs(gap) <= _CENT).any()):
            found.append(int(rate))
    return found


def _totals_less_strays(amounts: np.ndarray) -> np.ndarray:
    """The block's total less each subset of at most _RATE_STRAYS of its records."""
    total = int(amounts.sum())
    parts = [np.array([total], np.int64), total - amounts]
    if _RATE_STRAYS >= 2 and amounts.size >= 2:
        i, j = np.triu_indices(amounts.size, 1)
        parts.append(total - amounts[i] - amounts[j])
    return np.concatenate(parts).astype(np.int64)


def _blocks(
    corr: Correspondence, dates: DateModel, left: pl.DataFrame, right: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each side's open records per block (category value ``c``, date ``d``): their total,
    count and amounts."""
    pattern = rf"(\d{{{corr.digits}}})\D*$"
    blocks = []
    for frame, source, date in ((left, corr.left.source, dates.left_field),
                                (right, corr.right.source, dates.right_field)):  # fmt: skip
        blocks.append(
            frame.select(
                plain_field(source).str.extract(pattern).alias("c"),
                pl.col(date).alias("d"),
                pl.col("amount"),
            )
            .drop_nulls()
            .group_by("c", "d")
            .agg(
                pl.col("amount").sum().alias("total"),
                pl.len().alias("n"),
                pl.col("amount").alias("amounts"),
            )
            .sort("c", "d")
        )
    return blocks[0], blocks[1]


def _block_tolerance(
    lblocks: pl.DataFrame, rblocks: pl.DataFrame, sign: str
) -> tuple[int, int] | None:
    """The percentage (ppm, rounded up to 0.1 %) within which the open right record of a block
    of one open right record matches the total of its open left records, and the blocks read."""
    joined = lblocks.join(rblocks.filter(pl.col("n") == 1), on=["c", "d"], suffix="_r")
    if joined.height < _MIN_BLOCKS:
        return None
    la = joined["total"].to_numpy().astype(np.int64)
    ra = joined["total_r"].to_numpy().astype(np.int64) * (-1 if sign == "opposite" else 1)
    big = np.maximum(np.maximum(np.abs(la), np.abs(ra)), 1)
    ppm = np.abs(ra - la) * 1_000_000 // big
    top = _cluster_top(ppm[ppm <= _MAX_PPM])
    if top is None:
        return None
    return top, int(ppm.size)


def _cluster_top(ppm: np.ndarray) -> int | None:
    """The upper end (ppm, to the next 0.1 %) of the densest cluster of differences: blocks
    holding a stray record (a payment not settled yet, a row exported twice) differ by any
    amount, while those holding just a settlement's members differ by its fee. The cluster is
    the run of 0.1 % bins around the fullest one holding at least a tenth of its count."""
    if ppm.size < _MIN_BLOCKS:
        return None
    bins = np.bincount(ppm // _BIN_PPM)
    mode = int(bins.argmax())
    if bins[mode] < _MIN_BLOCKS:
        return None
    end = mode
    while end + 1 < bins.size and bins[end + 1] * 10 >= bins[mode]:
        end += 1
    return (end + 1) * _BIN_PPM


Build = Callable[[pl.DataFrame, pl.DataFrame], tuple[Rule, str] | None]


def batch_candidates(
    facts: pl.DataFrame,
    fields: tuple[list[str], list[str]],
    sign: str,
    dates: DateModel,
    seed: int,
) -> list[tuple[Rule, tuple[DerivedField, ...], Build]]:
    """Sums per day and category value: one-to-one for blocks of one member, then many-to-one
    and one-to-many. Each is a placeholder rule (its name and blocks), its derived fields and
    the function building it, with the tolerance the open records' block totals show, when it
    is tried."""
    corr = correspondence(facts, fields[0], fields[1], dates, seed)
    if corr is None:
        return []
    out: list[tuple[Rule, tuple[DerivedField, ...], Build]] = []
    for cardinality in (Cardinality.ONE_TO_ONE, Cardinality.MANY_TO_ONE, Cardinality.ONE_TO_MANY):
        build = functools.partial(batch_rule, corr, dates, sign, cardinality)

        placeholder = Rule(
            name=f"{slug(corr.left.source)}_date_{cardinality.value}",
            conditions=[corr.condition(), AmountCondition(), dates.condition()],
            cardinality=cardinality,
        )
        out.append((placeholder, (corr.left, corr.right), build))
    return out
