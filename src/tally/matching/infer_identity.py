"""Rules for pairs a key and a party identify together, and for records missing the party.

Two mechanisms of rule inference (:mod:`tally.matching.infer`), both read off the key-joined
pairs and tried after the key rule:

- **Identified amounts.** When the key rule also asks for the party (a second field whose
  similarity tells keyed pairs from chance), a pair agreeing on both is identified whatever
  its amounts: a tip added after authorisation, a card charged in another currency and settled
  at the day's rate, a fee whose rate depends on the card. The fee tolerance read off the
  payments of recurring differences leaves such pairs to review as discrepancies; the amounts
  of the keyed pairs whose parties agree give the tolerance of a second key rule instead (their
  99th percentile, when it stays below half the amount: beyond that amounts tell nothing).
- **Missing party.** A condition on a field that is empty on some records (an authorisation
  code a refund or an offline payment never gets) makes those records unmatchable by a rule
  that requires it. A fallback rule without it, the date window then required, is tried on what
  the rules before it left open.

Neither is kept unless its estimated precision (the decoy of :func:`tally.matching.infer._try`)
clears the bar, like every other candidate.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import polars as pl

from tally.matching.fields import normalise
from tally.matching.infer_keys import plain_field, slug
from tally.matching.infer_models import AmountModel, DateModel, TextMatch, similarity
from tally.matching.rules import Condition, DateCondition, FuzzyCondition, Rule

_MIN_PAIRS = 10  # keyed pairs with agreeing parties needed to read their amounts
_COVER = 0.99
_MAX_PPM = 500_000  # beyond half the amount, amounts tell nothing about a pair
_STEP_PPM = 10_000  # identified tolerances are read in whole percents
# A field is "missing on some records" when this share of a side's records lack it (and the
# share of records having it is not negligible either).
_MISSING_SHARE = 0.01


def identified_amount(
    facts: pl.DataFrame, party: TextMatch, model: AmountModel
) -> AmountModel | None:
    """The amount tolerance of the keyed pairs whose parties agree (at least ``party.floor``
    similar), when it is wider than ``model``'s: those pairs are identified by key and party
    together, so their differences are the relation of the two sides' amounts, not chance."""
    lname, rname = f"l_{party.left_field}", f"r_{party.right_field}"
    if lname not in facts.columns or rname not in facts.columns:
        return None
    texts = facts.select(
        normalise(pl.col(lname).cast(pl.String), ("case", "punctuation")).alias("a"),
        normalise(pl.col(rname).cast(pl.String), ("case", "punctuation")).alias("b"),
    )
    agree = similarity(texts["a"].to_list(), texts["b"].to_list(), "token_set_ratio")
    sign = -1 if model.sign == "opposite" else 1
    la = facts["l_amount"].to_numpy().astype(np.int64)
    ra = facts["r_amount"].to_numpy().astype(np.int64) * sign
    kept = (agree >= party.floor) & (la * ra > 0)
    if int(kept.sum()) < _MIN_PAIRS:
        return None
    la, ra = la[kept], ra[kept]
    big = np.maximum(np.abs(la), np.abs(ra))
    ppm = np.abs(ra - la) * 1_000_000 // big
    top = int(np.sort(ppm)[math.ceil(_COVER * ppm.size) - 1])
    pct = int(math.ceil(top / _STEP_PPM) * _STEP_PPM)
    if pct <= model.pct_ppm or pct >= _MAX_PPM:
        return None
    note = (
        f"within {Decimal(pct) / 10_000} % in 99 % of {ppm.size} keyed pairs whose "
        f"{party.left_field} and {party.right_field} agree (tips, exchange rates, fees by "
        "type: the key and the party identify the pair)"
    )
    exact = float((ppm == 0).mean())
    return AmountModel(model.sign, model.abs_tolerance, pct, exact, int(ppm.size), note)


def missing_share(frame: pl.DataFrame, name: str) -> float:
    """The share of ``frame``'s records whose field ``name`` (a column or ``extra.<name>``) is
    empty."""
    if frame.height == 0:
        return 0.0
    values = frame.select(plain_field(name).cast(pl.String).str.strip_chars().alias("v"))["v"]
    return float((values.is_null() | (values == "")).mean())  # type: ignore[arg-type]


def without_missing(
    rule: Rule, left: pl.DataFrame, right: pl.DataFrame, dates: DateModel | None
) -> Rule | None:
    """``rule`` without its fuzzy conditions on fields empty on some records of either side,
    with the date window then required (a required key and amount alone pair many records of
    one card or customer over a year); None when no condition reads such a field."""
    dropped: list[str] = []
    kept: list[Condition] = []
    for c in rule.conditions:
        if isinstance(c, FuzzyCondition) and c.required:
            shares = (missing_share(left, c.field), missing_share(right, c.other_field))
            if max(shares) >= _MISSING_SHARE and min(shares) < 1.0 - _MISSING_SHARE:
                dropped.append(c.field)
                continue
        kept.append(c)
    if not dropped:
        return None
    has_date = False
    for i, c in enumerate(kept):
        if isinstance(c, DateCondition):
            kept[i] = c.model_copy(update={"required": True, "weight": 1.0})
            has_date = True
    if not has_date:
        if dates is None:
            return None
        kept.append(dates.condition())
    return rule.model_copy(
        update={
            "name": f"{rule.name}_without_{'_'.join(slug(d) for d in dropped)}",
            "conditions": kept,
        }
    )
