"""Amount, date and similarity models for rule inference, estimated from key-joined pairs.

The pairs a key joins one-to-one are nearly all true (their amounts agree far more often than
chance): their sign convention, amount differences and day gaps are the evidence from which the
tolerances of every proposed rule are set, the way an analyst would read them off a sample.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz import process as rf_process

from tally.matching.fields import ROW, normalise
from tally.matching.infer_keys import plain_field
from tally.matching.rules import (
    DATE_FIELDS,
    EXTRA_PREFIX,
    AmountCondition,
    DateCondition,
    FuzzyCondition,
)
from tally.money import format_units

# Keyed pairs within 25 % are payments of the whole amount (a fee can be a large share of a
# small invoice); among them, parts of splits and batches differ by no recurring amount and are
# set aside (_systematic).
_CLOSE_PPM = 250_000
_COVER = 0.99  # a tolerance covers this share of the close pairs
MAX_WINDOW_DAYS = 60
_MIN_ANCHORS = 20  # pairs of once-seen amounts a window is read from when no key pairs the sides
# The anchors' texts must agree this often to be required of the amount + date rule: a text the
# books reword now and then would leave its true pairs unmatched.
_ANCHOR_TEXT_SHARE = 0.95
# Differences of no pattern are kept when they are this small (exchange rates, rounding): a part
# of a split differs by more.
_SMALL_PPM = 20_000
_MIN_REPEATS = 3
# Rates above _SMALL_PPM are systematic when this share of the differing pairs pay one rate (or
# rates within _RATE_GAP bins of 0.05 % of each other: a fixed part spreads a rate).
_LARGE_RATE_SHARE = 0.125
_RATE_GAP = 10
_MIN_LINEAR = 10  # paid pairs needed to read a rate-plus-fixed fee off the differences
SIMILARITY_SAMPLE = 2_000
_FLOOR_MIN = 50.0


@dataclass(frozen=True)
class AmountModel:
    sign: str  # same | opposite
    abs_tolerance: int  # units
    pct_ppm: int  # parts per million of the larger amount
    exact_share: float
    close_pairs: int
    note: str

    def condition(self, *, required: bool = True, weight: float = 1.0) -> AmountCondition:
        pct = None
        if self.pct_ppm:
            pct = format((Decimal(self.pct_ppm) / 10_000).normalize(), "f")  # "10", not "1E+1"
        return AmountCondition(
            abs_tolerance=format_units(self.abs_tolerance).replace(",", ""),
            pct_tolerance=pct,
            sign="opposite" if self.sign == "opposite" else "same",
            required=required,
            weight=weight,
        )


@dataclass(frozen=True)
class DateModel:
    left_field: str
    right_field: str
    window_days: int
    median_lag: float
    note: str
    # Shares of the keyed pairs whose right date is before / after the left one.
    lags_before: float = 0.5
    lags_after: float = 0.5

    def condition(self, *, required: bool = True, weight: float = 1.0) -> DateCondition:
        return DateCondition.model_validate(
            {
                "field": self.left_field,
                "right_field": self.right_field if self.right_field != self.left_field else None,
                "window_days": self.window_days,
                "required": required,
                "weight": weight,
            }
        )


def joined_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    pairs: pl.DataFrame,
    extras: tuple[list[str], list[str]] = ([], []),
) -> pl.DataFrame:
    """The keyed pairs with both records' fields (``l_*``, ``r_*``), ``extra.<name>`` fields
    of ``extras`` (left, right) included."""
    sides = []
    for frame, prefix, names in ((left, "l", extras[0]), (right, "r", extras[1])):
        columns = [pl.col(c).alias(f"{prefix}_{c}") for c in frame.columns if c != ROW]
        columns += [
            plain_field(n).alias(f"{prefix}_{n}") for n in names if n.startswith(EXTRA_PREFIX)
        ]
        sides.append(frame.select(pl.col(ROW).alias(f"{prefix}_row"), *columns))
    return pairs.join(sides[0], on="l_row").join(sides[1], on="r_row")


def amount_model(facts: pl.DataFrame, *, sums: bool = False) -> AmountModel | None:
    """Sign convention and the tightest tolerance (absolute, percentage, or both) explaining the
    differences of 99 % of the keyed pairs that are payments of the whole amount.

    With ``sums`` the pairs are totals of key groups (a payout's charges and refunds against
    its credit): when most differ, their differences follow no single value or rate (a fee per
    charge on the charges, not on the net), so every one of them counts, not only recurring
    ones."""
    if facts.height == 0:
        return None
    opposite = (facts["l_amount"] * facts["r_amount"] < 0).sum() * 2 > facts.height
    sign = -1 if opposite else 1
    la = facts["l_amount"].to_numpy().astype(np.int64)
    ra = facts["r_amount"].to_numpy().astype(np.int64) * sign
    diff = np.abs(ra - la)
    big = np.maximum(np.maximum(np.abs(la), np.abs(ra)), 1)
    ppm = diff * 1_000_000 // big
    close = ppm <= _CLOSE_PPM
    if close.sum() == 0:
        return None
    diff, ppm, big = diff[close], ppm[close], big[close]
    exact_share = float((diff == 0).mean())
    # Sums that mostly differ (fees on every payout) count whole; where most sums are exact
    # (splits), a differing one is a coincidence of keys more often than a fee.
    every = sums and exact_share < 0.5
    kept = np.ones(diff.size, np.bool_) if every else _systematic(diff, ppm) | (ppm <= _SMALL_PPM)
    diff, ppm, big = diff[kept], ppm[kept], big[kept]
    if diff.size == 0:  # a few keyed pairs, each differing its own way: no model to learn
        return None
    cover = math.ceil(_COVER * diff.size)
    # Candidates: absolute only, percentage only, or a percentage with an absolute floor/cap.
    options: list[tuple[int, int]] = []
    q_abs = int(np.sort(diff)[cover - 1])
    options.append((q_abs, 0))
    q_ppm = int(np.sort(ppm)[cover - 1])
    options.append((0, _round_ppm(q_ppm)))
    for pct_q in (0.9, 0.95):
        p = _round_ppm(int(np.quantile(ppm, pct_q)))
        over = diff[diff > big * p // 1_000_000]
        if over.size:
            options.append((int(np.sort(over)[min(over.size, cover) - 1]), p))
    best = None
    for abs_t, p in options:
        tol = np.maximum(abs_t, big * p // 1_000_000)
        covered = float((diff <= tol).mean())
        if covered + 1e-9 < _COVER and (abs_t, p) != options[0]:
            continue
        cost = float(np.mean(tol))
        if best is None or cost < best[0]:
            best = (cost, abs_t, p)
    assert best is not None
    _, abs_t, p = best
    linear = None if sums else _linear_fee(diff, big, exact_share)
    if linear is not None:  # a rate plus a fixed part: the envelope holds beyond the sample
        abs_t, p = linear
    abs_t = _round_units(abs_t)
    parts = []
    if abs_t == 0 and p == 0:
        parts.append("amounts equal")
    else:
        if p:
            parts.append(f"within {Decimal(p) / 10_000} % (a percentage fee)")
        if abs_t:
            parts.append(f"within {format_units(abs_t)} (a fixed fee or its cap)")
    note = (
        f"{' or '.join(parts)} in 99 % of {diff.size} keyed payments; "
        f"{exact_share:.0%} exactly equal"
        + ("; the right side carries the opposite sign" if opposite else "")
    )
    return AmountModel(
        "opposite" if opposite else "same", abs_t, p, exact_share, int(diff.size), note
    )


def _linear_fee(diff: np.ndarray, big: np.ndarray, exact_share: float) -> tuple[int, int] | None:
    """A fee of a rate plus a fixed part per payment (1.4 % + 0.25), when the differences
    follow one: the tolerance (the larger of an absolute and a percentage part) that holds the
    line's upper envelope at every amount, not only at the amounts of the sample. Tolerances
    fit to the sample alone missed the smallest payments, where the fixed part dominates.

    With the envelope ``rate * a + top`` and the median amount ``m``, ``max(rate * m + top,
    (rate + top / m) * a)`` is above it everywhere."""
    paid = diff > 0
    if exact_share >= 0.5 or int(paid.sum()) < _MIN_LINEAR:
        return None
    x, y = big[paid].astype(np.float64), diff[paid].astype(np.float64)
    if float(np.ptp(x)) == 0.0:
        return None
    rate, _ = np.polyfit(x, y, 1)
    rest = y - rate * x
    top, bottom = float(rest.max()), float(rest.min())
    # One line: a positive rate and fixed part, the differences within a tenth of the fixed
    # part of it (rounding), not a mixture of fixed fees and percentages.
    if rate <= 0 or bottom <= 0 or top - bottom > 0.1 * top:
        return None
    middle = float(np.median(x))
    return math.ceil(rate * middle + top), _round_ppm(math.ceil((rate + top / middle) * 1e6))


def _systematic(diff: np.ndarray, ppm: np.ndarray) -> np.ndarray:
    """Pairs whose difference follows a pattern: none, or a value (a fixed fee, a cap, a cent of
    rounding) or a percentage (to 0.05 %) that recurs. A keyed pair that is really a part of a
    split or batch differs by an amount of its own, which no tolerance should be widened for."""
    nonzero = diff > 0
    needed = max(_MIN_REPEATS, int(nonzero.sum() * 0.02))
    values, counts = np.unique(diff[nonzero], return_counts=True)
    repeated_abs = np.isin(diff, values[counts >= needed])
    bins = ppm // 500
    values, counts = np.unique(bins[nonzero], return_counts=True)
    recurring = counts >= needed
    # Large rates are fees (VAT, a commission by category, a rate plus a fixed part spread over
    # neighbouring rates) when many pairs pay one of them; a large share recurring now and then
    # is a part of a group (an invoice paid net of a credit note of a tenth, a fifth or a
    # quarter), and those widened a 1:1 rule's tolerance to 369.57 on bank_ledger_ch.
    large = recurring & (values * 500 > _SMALL_PPM)
    least = max(needed, math.ceil(int(nonzero.sum()) * _LARGE_RATE_SHARE))
    for cluster in _rate_clusters(values[large]):
        if counts[np.isin(values, cluster)].sum() < least:
            recurring &= ~np.isin(values, cluster)
    repeated_pct = np.isin(bins, values[recurring])
    return np.asarray(~nonzero | repeated_abs | repeated_pct)


def _rate_clusters(values: np.ndarray) -> list[np.ndarray]:
    """Sorted rate bins cut where neighbours are more than _RATE_GAP bins apart."""
    if values.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(values) > _RATE_GAP) + 1
    return np.split(values, cuts)


def _round_ppm(ppm: int) -> int:
    """Up to the next 0.01 % (100 ppm): tolerances read as percentages with two decimals."""
    return int(math.ceil(ppm / 100) * 100) if ppm else 0


def _round_units(units: int) -> int:
    """Up to the next cent (tolerances in whole cents)."""
    return int(math.ceil(units / 100) * 100) if units else 0


def date_model(facts: pl.DataFrame, pairs_name: str = "keyed pairs") -> DateModel | None:
    """The date fields whose gaps are tightest and the window holding 99 % of the gaps."""
    best: tuple[float, str, str, np.ndarray] | None = None
    for lf in DATE_FIELDS:
        for rf in DATE_FIELDS:
            gaps = facts.select((pl.col(f"r_{rf}") - pl.col(f"l_{lf}")).dt.total_days().alias("g"))[
                "g"
            ].drop_nulls()
            if gaps.len() < max(3, facts.height // 2):
                continue
            arr = gaps.to_numpy().astype(np.int64)
            spread = float(np.quantile(np.abs(arr), 0.95))
            if best is None or spread < best[0]:
                best = (spread, lf, rf, arr)
    if best is None:
        return None
    _, lf, rf, arr = best
    window = min(int(np.quantile(np.abs(arr), _COVER, method="higher")), MAX_WINDOW_DAYS)
    median = float(np.median(arr))
    fields = lf if lf == rf else f"{lf} (left) and {rf} (right)"
    note = (
        f"{fields}: 99 % of {arr.size} {pairs_name} within {window} days "
        f"(median lag {median:+.0f} days)"
    )
    before, after = float((arr < 0).mean()), float((arr > 0).mean())
    return DateModel(lf, rf, window, median, note, before, after)


def anchored_pairs(
    left: pl.DataFrame, right: pl.DataFrame, sign: str, fields: tuple[list[str], list[str]]
) -> pl.DataFrame:
    """The anchors, each the only record of its amount on its side paired with the only one of
    that amount on the other, with their date fields and ``fields`` (left, right) as ``l_*`` and
    ``r_*``. An amount seen once in each file is far more often one payment seen twice than a
    coincidence."""
    factor = -1 if sign == "opposite" else 1
    sides = []
    for frame, prefix, times, names in (
        (left, "l", 1, fields[0]),
        (right, "r", factor, fields[1]),
    ):
        kept = [f for f in (*DATE_FIELDS, *names) if f in frame.columns]
        once = (
            frame.filter(pl.col("amount") != 0)
            .select(
                (pl.col("amount") * times).alias("anchor"),
                *(pl.col(f).alias(f"{prefix}_{f}") for f in kept),
            )
            .filter(pl.len().over("anchor") == 1)
        )
        sides.append(once)
    return sides[0].join(sides[1], on="anchor")


def anchored_date_model(left: pl.DataFrame, right: pl.DataFrame, sign: str) -> DateModel | None:
    """The date window when no key pairs the sides, read off the anchors' lags (without one,
    equal amounts months apart tie). Fewer than ``_MIN_ANCHORS`` anchors: no window."""
    anchors = anchored_pairs(left, right, sign, ([], []))
    if anchors.height < _MIN_ANCHORS:
        return None
    return date_model(anchors, "pairs of amounts found once on each side")


def anchored_text_match(
    left: pl.DataFrame,
    right: pl.DataFrame,
    sign: str,
    fields: tuple[list[str], list[str]],
    dates: DateModel,
    seed: int,
) -> TextMatch | None:
    """Text fields that agree on nearly every anchor within the date window, for the amount +
    date rule when keyed pairs give no text evidence (the key is read from the only text, whose
    similarity on keyed pairs would only restate the key). Same-day payments of one amount are
    then told apart by their texts instead of tying."""
    anchors = anchored_pairs(left, right, sign, fields).filter(
        (pl.col(f"r_{dates.right_field}") - pl.col(f"l_{dates.left_field}")).dt.total_days().abs()
        <= dates.window_days
    )
    if anchors.height < _MIN_ANCHORS:
        return None
    # Fields of the raw extra columns are not read here (``extra.<name>``: not a frame column).
    text = best_text_match(anchors, *fields, seed)
    return text if text is not None and text.true_share >= _ANCHOR_TEXT_SHARE else None


def similar_text(
    left_field: str, right_field: str, threshold: float, *, weight: float = 1.0
) -> FuzzyCondition:
    """The two text fields' token-set similarity at or above ``threshold`` (one field named once
    when both sides use it)."""
    return FuzzyCondition(
        field=left_field,
        right_field=right_field if right_field != left_field else None,
        threshold=threshold,
        scorer="token_set_ratio",
        weight=weight,
    )


def similarity(left: list[str | None], right: list[str | None], scorer: str) -> np.ndarray:
    scorers = {"ratio": fuzz.ratio, "token_set_ratio": fuzz.token_set_ratio}
    missing = np.array([a is None or b is None for a, b in zip(left, right, strict=True)])
    sims = np.asarray(
        rf_process.cpdist(
            [a or "" for a in left], [b or "" for b in right], scorer=scorers[scorer], workers=1
        ),
        dtype=np.float64,
    )
    sims[missing] = 0.0
    return sims


def keyed_similarities(
    sample: pl.DataFrame, left_fields: list[str], right_fields: list[str], seed: int
) -> Iterator[tuple[str, str, np.ndarray, np.ndarray]]:
    """For each pair of text fields both in ``sample`` (keyed pairs, ``l_*``/``r_*``): the
    token-set similarity of the keyed pairs and of the same pairs shuffled (chance)."""
    order = np.random.default_rng(seed).permutation(sample.height)
    norms = ("case", "punctuation")
    for lf in left_fields:
        for rf in right_fields:
            if f"l_{lf}" not in sample.columns or f"r_{rf}" not in sample.columns:
                continue
            texts = sample.select(
                normalise(pl.col(f"l_{lf}"), norms).alias("a"),
                normalise(pl.col(f"r_{rf}"), norms).alias("b"),
            )
            a, b = texts["a"].to_list(), texts["b"].to_list()
            true = similarity(a, b, "token_set_ratio")
            yield lf, rf, true, similarity(a, [b[i] for i in order], "token_set_ratio")


@dataclass(frozen=True)
class TextMatch:
    left_field: str
    right_field: str
    threshold: float
    true_share: float  # keyed pairs at or above the threshold
    chance_share: float  # shuffled pairs at or above it
    note: str
    # The similarity 95 % of shuffled pairs stay below: enough to tell records of another
    # party apart among those a key already pairs (below ``threshold``, which must tell them
    # apart among all records).
    floor: float = 0.0


def best_text_match(
    facts: pl.DataFrame, left_fields: list[str], right_fields: list[str], seed: int
) -> TextMatch | None:
    """The pair of text fields whose similarity best tells keyed pairs from shuffled ones."""
    sample = facts.head(SIMILARITY_SAMPLE)
    if sample.height < 5:
        return None
    best: TextMatch | None = None
    for lf, rf, true, chance in keyed_similarities(sample, left_fields, right_fields, seed):
        for threshold in (95.0, 90.0, 85.0):
            t_share = float((true >= threshold).mean())
            c_share = float((chance >= threshold).mean())
            if c_share > 0.2:  # the field hardly varies (one payer, one text): no evidence
                continue
            gain = t_share - c_share
            if best is None or gain > best.true_share - best.chance_share:
                floor = float(np.quantile(chance, 0.95)) + 1
                best = TextMatch(
                    lf,
                    rf,
                    threshold,
                    t_share,
                    c_share,
                    f"{lf} (left) and {rf} (right) at least {threshold:.0f} similar in "
                    f"{t_share:.0%} of keyed pairs, {c_share:.0%} of shuffled pairs",
                    min(max(floor, _FLOOR_MIN), threshold),
                )
    if best is None or best.true_share - best.chance_share < 0.5:
        return None
    return best
