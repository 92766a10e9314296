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

The rule is a many-to-one sum within each block (and a one-to-one rule first, for blocks of one
member), kept only when its estimated precision clears the bar like every other candidate. Its
blocks are a day of one category value: small, so the sum search stays within its budget.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from tally.matching.infer_keys import KEY_NORMALISERS, plain_field, slug
from tally.matching.infer_models import DateModel
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    Condition,
    DerivedField,
    EqualsCondition,
    Rule,
)

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
MAX_MEMBERS = 10  # Rule.max_group_size's limit


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
    tolerance = _block_tolerance(corr, dates, sign, left, right)
    if tolerance is None:
        return None
    ppm, blocks = tolerance
    pct = format((Decimal(ppm) / 10_000).normalize(), "f")
    conditions: list[Condition] = [
        corr.condition(),
        AmountCondition(pct_tolerance=pct, abs_tolerance="0.01", sign=sign),
        dates.condition(),
    ]
    rule = Rule(
        name=f"{slug(corr.left.source)}_date_{cardinality.value}",
        conditions=conditions,
        cardinality=cardinality,
        max_group_size=MAX_MEMBERS if cardinality is not Cardinality.ONE_TO_ONE else 5,
    )
    note = (
        f"records of one day and one {corr.note}, summed within {pct} % (the open records' "
        f"totals of {blocks} such blocks)"
    )
    return rule, note


def _block_tolerance(
    corr: Correspondence, dates: DateModel, sign: str, left: pl.DataFrame, right: pl.DataFrame
) -> tuple[int, int] | None:
    """The percentage (ppm, rounded up to 0.1 %) within which the open right record of a block
    of one open right record matches the total of its open left records, and the blocks read."""
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
            .agg(pl.col("amount").sum().alias("total"), pl.len().alias("n"))
        )
    joined = blocks[0].join(blocks[1].filter(pl.col("n") == 1), on=["c", "d"], suffix="_r")
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
