"""How rule inference reads large sources: a sample whose estimates do not shift with size.

The left side is read through one date window; the right side through the records quoting a
value of that window (:func:`quoting`: every count key discovery makes stays what the whole right
side gives) and then through the records that window's keys and lags reach (:func:`reach`).
Facts that only the whole source shows (document numbers repeating across vendors) are measured
on the key values of the whole left source, read once (:func:`left_keys`,
:func:`repeated_share`). What inference reads thus grows with the sources' density in time, not
with their size; its cost at 1M x 1M is in bench/infer/REPORT.md (``python -m bench.infer.cost``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from tally.matching.fields import ROW, normalise
from tally.matching.infer_keys import (
    KEY_NORMALISERS,
    KeyChoice,
    key_values,
    plain_field,
    reading_values,
)
from tally.matching.infer_models import MAX_WINDOW_DAYS
from tally.matching.rules import EXTRA_PREFIX, TEXT_FIELDS, Normaliser, RuleSet

_LAG_MARGIN_DAYS = 3  # the right sample reaches this far beyond the keyed pairs' lags
_MIN_GAPS = 5  # keyed pairs needed to read the lags off


def sample(
    left: pl.DataFrame, right: pl.DataFrame, size: int, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame, tuple[dt.date, dt.date] | None]:
    """Both sides whole when small; else the left records of one date window, the right ones
    of that window widened by the longest lag a rule may allow, and the window."""
    if left.height <= size and right.height <= size:
        return left, right, None
    days = left["booking_date"].drop_nulls().sort()
    if days.len() < left.height // 2 or right["booking_date"].null_count() > right.height // 2:
        return (
            left.sample(min(size, left.height), seed=seed).sort(ROW),
            right.sample(min(size, right.height), seed=seed).sort(ROW),
            None,
        )
    share = size / max(left.height, right.height)
    start = float(np.random.default_rng(seed).uniform(0, max(0.0, 1 - share)))
    lo = days[int(start * (days.len() - 1))]
    hi = days[min(int((start + share) * (days.len() - 1)), days.len() - 1)]
    margin = pl.duration(days=MAX_WINDOW_DAYS)
    ls = left.filter(pl.col("booking_date").is_between(lo, hi))
    rs = right.filter(pl.col("booking_date").is_between(pl.lit(lo) - margin, pl.lit(hi) + margin))
    return ls, rs, (lo, hi)


def quoting(
    frame: pl.DataFrame,
    names: list[str],
    sample: pl.DataFrame,
    sample_readings: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The records of ``frame`` whose text fields ``names`` quote a value some reading of
    ``sample``'s text fields holds (:func:`tally.matching.infer_keys.reading_values`).

    Key discovery counts, for each value the two sides share, every record holding it and its
    amount; a record quoting none of the sample's values adds to no such count, so dropping it
    leaves every count unchanged while the records read shrink from the date window's whole
    margin (60 days a side) to the partners of the sample. A normalised value (case, spaces,
    punctuation and leading zeros dropped) is a substring of its record's normalised text, so
    one multi-pattern scan finds every holder. ``sample_readings`` are
    :func:`tally.matching.infer_keys.readings` of ``sample``, when the caller has them.
    """
    if sample_readings is None:
        values = reading_values(sample).unique()
    else:
        values = sample_readings["value"].unique()
    if not names or values.len() == 0:
        return frame.clear()
    text = pl.concat_str([plain_field(n) for n in names], separator=" ", ignore_nulls=True)
    holds = normalise(text, KEY_NORMALISERS).str.contains_any(values.to_list())
    return frame.filter(holds.fill_null(False))


def holding(
    frame: pl.DataFrame,
    name: str,
    normalisers: tuple[Normaliser, ...],
    values: pl.Series,
    rule_set: RuleSet,
) -> pl.DataFrame:
    """The records of ``frame`` whose field ``name`` (read with ``normalisers``) may hold one of
    the key ``values``: a superset of those that do, found by one multi-pattern scan of the
    source text instead of reading every record's derived values (the second key's values
    over the window's whole margin: 1.30 CPU s at 1M x 1M, 0.85 with the scan). A value read
    with the key normalisers is a substring of its source text read with them (see
    :func:`quoting`), so no holder is dropped; a field read otherwise is not filtered."""
    keys = set(KEY_NORMALISERS)
    derived = rule_set.derived(name)
    if derived is None:
        source, keyed = name, set(normalisers) == keys
    else:  # its values already carry the key normalisers: the condition's change nothing
        source, keyed = derived.source, set(derived.normalisers) == keys >= set(normalisers)
    if not keyed or not (source in TEXT_FIELDS or source.startswith(EXTRA_PREFIX)):
        return frame
    patterns = pl.select(normalise(pl.lit(values), KEY_NORMALISERS).alias("v"))["v"]
    patterns = patterns.drop_nulls().unique()
    if patterns.len() == 0:
        return frame.clear()
    text = normalise(plain_field(source), KEY_NORMALISERS)
    return frame.filter(text.str.contains_any(patterns.to_list()).fill_null(False))


def left_keys(full_left: pl.DataFrame, key: KeyChoice) -> pl.DataFrame:
    """The key values (``k``) of every left record (``ROW``), read once over the whole source
    for :func:`reach` and :func:`repeated_share`."""
    rule_set = key.rule_set()
    return key_values(full_left, key.condition.field, key.condition.normalisers, rule_set, ROW)


def reach(
    held: pl.DataFrame,
    ls: pl.DataFrame,
    wide: pl.DataFrame,
    key: KeyChoice,
    window: tuple[dt.date, dt.date],
) -> pl.DataFrame:
    """The right records of ``wide`` the sampled left records can pair with: within the lags
    their keyed pairs show (a payment 5-40 days after its invoice lies outside a window of 12
    days of invoices widened by a few days), and not quoting only keys of left records outside
    the sample (their partners are not in it: by chance alone they would be matched or left
    open, and every estimate would shift with the size of the sources). ``held`` are the key
    values of the whole left source (:func:`left_keys`)."""
    pairs = key.pairs.join(
        ls.select(pl.col(ROW).alias("l_row"), pl.col("booking_date").alias("l")), on="l_row"
    ).join(wide.select(pl.col(ROW).alias("r_row"), pl.col("booking_date").alias("r")), on="r_row")
    gaps = pairs.select((pl.col("r") - pl.col("l")).dt.total_days().alias("g"))["g"].drop_nulls()
    if gaps.len() < _MIN_GAPS:
        return wide
    early = max(int(np.quantile(gaps.to_numpy(), 0.005)), -MAX_WINDOW_DAYS)
    late = min(int(np.quantile(gaps.to_numpy(), 0.995)), MAX_WINDOW_DAYS)
    lo, hi = window
    # Only the records within the lags are read for keys: the window's 60-day margins are
    # mostly outside them.
    near = wide.filter(
        pl.col("booking_date").is_between(
            pl.lit(lo) + pl.duration(days=early - _LAG_MARGIN_DAYS),
            pl.lit(hi) + pl.duration(days=late + _LAG_MARGIN_DAYS),
        )
    )
    rule_set = key.rule_set()
    inside = key_values(ls, key.condition.field, key.condition.normalisers, rule_set)
    quoted = key_values(near, key.condition.other_field, key.condition.normalisers, rule_set, ROW)
    # Of the whole left source's values only those quoted here are looked up: one scan of it,
    # not its distinct values (0.18 CPU s at 1M x 1M).
    known = held.filter(pl.col("k").is_in(quoted["k"].unique().implode()))
    elsewhere = quoted.join(known, on="k", how="semi").join(inside, on="k", how="anti")
    here = quoted.join(inside, on="k", how="semi")
    away = elsewhere.join(here, on=ROW, how="anti")[ROW].unique().implode()
    return near.filter(~pl.col(ROW).is_in(away))


def repeated_share(held: pl.DataFrame) -> float:
    """The share of the left key values held by several left records, over the whole source
    (``held``: :func:`left_keys`): in large sources document numbers repeat (every vendor
    numbers its own invoices), which a sample of a few thousand records does not show."""
    if held.height == 0:
        return 0.0
    counts = held.group_by("k").len()
    return float((counts["len"] > 1).mean())  # type: ignore[arg-type]
