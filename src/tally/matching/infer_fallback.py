"""The fallback rule for records the key rules leave open: amount, date and shared words.

Some records carry no key at all (a marketplace's sale row without the order id, a transfer
without the invoice number). They can still be paired by what an analyst would check: the amount
(equal, or less one of the fees the keyed pairs show), the date within the keyed pairs' lag and a
text both sides share words of (the buyer's surname). Each part is learned from the keyed pairs'
values, never from column names:

- **Fee rates** (:func:`fee_rates`): when the keyed pairs' amounts differ by a few recurring
  percentages (a commission of 7, 10 or 15 % by product category), the rule asks for the amount
  less one of them to the cent (``AmountCondition.fee_rates``) instead of any difference up to
  the largest: a band of 15 % lets a tenth of all open records through at 100k records, three
  exact rates about one in ten thousand.
- **Shared words** (:func:`shared_text`): the pair of text fields (columns or ``extra.<name>``)
  whose similarity tells keyed pairs from shuffled ones best, at the threshold that does; a
  report's "L. García" against the books' "Lucía García Pérez" shares the surname.

The rule is proposed as a candidate like every other: inference keeps it only when its estimated
precision (a decoy of scrambled amounts) clears the bar, and the engine sends a record with two
equally good partners to review (ties are never guessed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from tally.matching.infer_models import (
    SIMILARITY_SAMPLE,
    AmountModel,
    DateModel,
    keyed_similarities,
    similar_text,
)
from tally.matching.rules import (
    PPM,
    AmountCondition,
    Condition,
    EqualsCondition,
    Rule,
)
from tally.money import format_units, to_units

_CLOSE_PPM = 250_000  # keyed pairs within 25 %: payments of the whole amount
_RATE_STEP_PPM = 100  # rates are read to 0.01 %
_MAX_RATES = 6  # more recurring rates than this are no fee schedule
_MIN_RATE_SHARE = 0.02  # a rate explains at least this share of the keyed pairs
_RATES_COVER = 0.95  # the rates together explain this share, else there is no schedule
_MIN_PAIRS = 20
_CENT = to_units("0.01")
# Text similarity: the threshold is chosen on keyed pairs; the rule needs it to hold for nearly
# every true pair (it is required) and to cut chance candidates by at least half.
_THRESHOLDS = (95.0, 90.0, 85.0, 80.0, 75.0, 70.0, 65.0, 60.0)
_TEXT_TRUE = 0.95
_TEXT_CHANCE = 0.5
_ONE_WAY = 0.01  # share of keyed pairs whose lag runs the other way, for a one-way window


@dataclass(frozen=True)
class FeeRates:
    """A fee schedule read off keyed pairs: the larger amount less one of ``rates_ppm``."""

    rates_ppm: tuple[int, ...]
    fee_from: str  # left | right: the gross side
    abs_units: int  # the fee's rounding
    covered: float  # share of the close keyed pairs the rates explain
    pairs: int
    note: str

    def condition(self, sign: str) -> AmountCondition:
        rates = tuple(format((Decimal(p) / 10_000).normalize(), "f") for p in self.rates_ppm)
        return AmountCondition(
            abs_tolerance=format_units(self.abs_units).replace(",", ""),
            fee_rates=rates,
            fee_from="right" if self.fee_from == "right" else "left",
            sign="opposite" if sign == "opposite" else "same",
        )


@dataclass(frozen=True)
class SharedText:
    left_field: str
    right_field: str
    threshold: float
    true_share: float
    chance_share: float
    note: str


def fee_rates(facts: pl.DataFrame, sign: str) -> FeeRates | None:
    """The few percentages (to 0.01 %) the keyed pairs' amounts differ by, when at most
    :data:`_MAX_RATES` of them explain 95 % of the pairs within 25 %, to the cent; None for
    equal amounts, fixed fees or differences of no schedule."""
    if facts.height < _MIN_PAIRS:
        return None
    fee_from, big, small = gross_and_net(facts, sign)
    ppm = (big - small) * PPM // np.maximum(big, 1)
    close = (ppm >= 0) & (ppm <= _CLOSE_PPM)
    big, small, ppm = big[close], small[close], ppm[close]
    if big.size < _MIN_PAIRS:
        return None
    needed = max(3, math.ceil(_MIN_RATE_SHARE * big.size))
    open_pairs = np.ones(big.size, np.bool_)
    chosen = recurring_rates(big, small, ppm, open_pairs, needed, _MAX_RATES)
    covered = 1.0 - float(open_pairs.mean())
    if covered < _RATES_COVER or chosen in ([], [0]):
        return None
    rates = tuple(sorted(chosen))
    nearest = rate_gaps(big, small, rates)
    kept = np.sort(nearest[~open_pairs])
    rounding = int(kept[math.ceil(0.99 * kept.size) - 1]) if kept.size else 0
    abs_units = max(_CENT, math.ceil(rounding / _CENT) * _CENT)
    shown = ", ".join(f"{Decimal(r) / 10_000} %" for r in rates)
    note = (
        f"the {fee_from} amount less a fee of {shown} (to {format_units(abs_units)}) in "
        f"{covered:.0%} of {big.size} keyed payments"
    )
    return FeeRates(rates, fee_from, abs_units, covered, int(big.size), note)


def gross_and_net(facts: pl.DataFrame, sign: str) -> tuple[str, np.ndarray, np.ndarray]:
    """The gross side (the one whose amount is the larger in most keyed pairs: the fee is taken
    from it) and both sides' absolute amounts, gross then net, of the pairs of one sign."""
    factor = -1 if sign == "opposite" else 1
    la = facts["l_amount"].to_numpy().astype(np.int64)
    ra = facts["r_amount"].to_numpy().astype(np.int64) * factor
    same = (np.sign(la) == np.sign(ra)) & (la != 0)
    la, ra = np.abs(la[same]), np.abs(ra[same])
    fee_from = "left" if int((la > ra).sum()) >= int((ra > la).sum()) else "right"
    return (fee_from, la, ra) if fee_from == "left" else (fee_from, ra, la)


def rate_gaps(big: np.ndarray, small: np.ndarray, rates: Sequence[int]) -> np.ndarray:
    """Each pair's distance (units) from the gross amount less the nearest of ``rates``."""
    deducted = big[:, None] - big[:, None] * np.array(rates)[None, :] // PPM
    return np.asarray(np.min(np.abs(small[:, None] - deducted), axis=1))


def recurring_rates(
    big: np.ndarray,
    small: np.ndarray,
    ppm: np.ndarray,
    open_pairs: np.ndarray,
    needed: int,
    limit: int,
) -> list[int]:
    """Up to ``limit`` rates (to 0.01 %), each explaining to the cent at least ``needed`` of the
    pairs still open, the one explaining most first; ``open_pairs`` is left with the pairs no
    chosen rate explains."""
    steps = (ppm + _RATE_STEP_PPM // 2) // _RATE_STEP_PPM * _RATE_STEP_PPM
    values, counts = np.unique(steps[open_pairs], return_counts=True)
    candidates = values[counts >= needed]
    chosen: list[int] = []
    if candidates.size == 0:
        return chosen
    gaps = np.abs(small[:, None] - (big[:, None] - big[:, None] * candidates[None, :] // PPM))
    explained = gaps <= _CENT
    while len(chosen) < limit:
        gains = (explained & open_pairs[:, None]).sum(axis=0)
        best = int(np.argmax(gains))
        if gains[best] < needed:
            break
        chosen.append(int(candidates[best]))
        open_pairs &= ~explained[:, best]
    return chosen


def shared_text(
    facts: pl.DataFrame, left_fields: list[str], right_fields: list[str], seed: int
) -> SharedText | None:
    """The text fields whose words the keyed pairs share (a name written two ways) and the
    similarity threshold that holds for nearly all of them and for few shuffled pairs."""
    sample = facts.head(SIMILARITY_SAMPLE)
    if sample.height < _MIN_PAIRS:
        return None
    best: SharedText | None = None
    for lf, rf, true, chance in keyed_similarities(sample, left_fields, right_fields, seed):
        for threshold in _THRESHOLDS:
            t_share = float((true >= threshold).mean())
            c_share = float((chance >= threshold).mean())
            if t_share < _TEXT_TRUE or c_share > _TEXT_CHANCE:
                continue
            if best is None or t_share - c_share > best.true_share - best.chance_share:
                best = SharedText(
                    lf,
                    rf,
                    threshold,
                    t_share,
                    c_share,
                    f"{lf} (left) and {rf} (right) at least {threshold:.0f} similar in "
                    f"{t_share:.0%} of keyed pairs, {c_share:.0%} of shuffled pairs",
                )
            break  # the highest threshold holding for the true pairs cuts chance most
    return best


def lag_direction(dates: DateModel) -> str:
    """Which way the right date lies from the left in (nearly) every keyed pair: a fallback
    rule without a key halves its chance candidates by looking one way only."""
    if dates.lags_before <= _ONE_WAY and dates.median_lag > 0:
        return "right_after"
    if dates.lags_after <= _ONE_WAY and dates.median_lag < 0:
        return "right_before"
    return "either"


def fallback_rule(
    rates: FeeRates,
    amount: AmountModel,
    dates: DateModel | None,
    text: SharedText | None,
    currency: EqualsCondition | None,
    key: EqualsCondition | None = None,
) -> tuple[Rule, str]:
    """Amount less one of the fee rates, date within the keyed pairs' window, the shared text
    similar and the key not contradicted (equal where both sides hold one): the rule and the
    note of its evidence."""
    conds: list[Condition] = [rates.condition(amount.sign)]
    parts = [rates.note]
    if key is not None:
        # A record quoting another record's key (a copy of a row exported twice whose original
        # the key rule took, a payment for an order not in the books) is not its partner.
        conds.append(key.model_copy(update={"missing": "pass", "weight": 0.5}))
        parts.append(f"{key.field} equal where both sides hold one")
    if dates is not None:
        conds.append(dates.condition().model_copy(update={"direction": lag_direction(dates)}))
        parts.append(f"date within {dates.window_days} days")
    if text is not None:
        conds.append(similar_text(text.left_field, text.right_field, text.threshold))
        parts.append(text.note)
    if currency is not None:
        conds.append(currency)
    rule = Rule(name="amount_fee_date_text", conditions=conds, auto=0.95)
    return rule, "; ".join(parts)


def fallback_candidates(
    facts: pl.DataFrame | None,
    fields: tuple[list[str], list[str]],
    amount: AmountModel,
    dates: DateModel | None,
    currency: EqualsCondition | None,
    seed: int,
    key: EqualsCondition | None = None,
) -> list[tuple[Rule, str]]:
    """The fallback rules worth trying on what the key rules left open (none without a fee
    schedule: equal amounts and single fees have their amount + date rule already)."""
    if facts is None:
        return []
    rates = fee_rates(facts, amount.sign)
    if rates is None:
        return []
    text = shared_text(facts, *fields, seed)
    return [fallback_rule(rates, amount, dates, text, currency, key)]
