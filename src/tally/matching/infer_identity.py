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

Neither is kept unless its estimated precision clears the bar, like every other candidate. The
identified rule's evidence is its fields, not its amounts: its decoy (:func:`identity_decoy`)
shuffles the right records' text fields among them, keeping amounts and dates, so that what it
matches is what coincidences of key and party alone would produce.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from tally.matching.fields import ROW, key_expr, normalise
from tally.matching.infer_keys import (
    KeyChoice,
    SecondKey,
    key_rule_set,
    key_values,
    plain_field,
    slug,
)
from tally.matching.infer_models import AmountModel, DateModel, TextMatch, similarity
from tally.matching.rules import (
    TEXT_FIELDS,
    AmountCondition,
    Condition,
    DateCondition,
    DerivedField,
    FuzzyCondition,
    Rule,
    RuleSet,
)

_MIN_PAIRS = 10  # keyed pairs with agreeing parties needed to read their amounts
_COVER = 0.99
_MAX_PPM = 500_000  # beyond half the amount, amounts tell nothing about a pair
_STEP_PPM = 10_000  # identified tolerances are read in whole percents
# A field is "missing on some records" when this share of a side's records lack it (and the
# share of records having it is not negligible either).
_MISSING_SHARE = 0.01
EXTRA_COLUMN = "extra"
_PLACEHOLDER = Rule(name="fields", conditions=[AmountCondition()])  # a rule set needs a rule


def identity_decoy(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    """The records with each text field, and each ``extra`` column, moved to other records at
    random, every one by its own permutation: no record keeps the combination of values that
    identifies its partner (a card number and an authorisation code land on different
    records), while amounts, dates and each field's values stay as they are."""
    if frame.height < 2:
        return frame
    rng = np.random.default_rng(seed)
    moved = [
        frame[c].gather(rng.permutation(frame.height))
        for c in TEXT_FIELDS
        if c in frame.columns and c != "currency"
    ]
    if EXTRA_COLUMN in frame.columns and frame[EXTRA_COLUMN].drop_nulls().len():
        fields = frame[EXTRA_COLUMN].str.json_decode(infer_schema_length=None).struct.unnest()
        fields = fields.select(
            fields[c].gather(rng.permutation(frame.height)) for c in fields.columns
        )
        encoded = fields.select(pl.struct(pl.all()).struct.json_encode().alias(EXTRA_COLUMN))
        moved.append(encoded[EXTRA_COLUMN])
    return frame.with_columns(moved)


def party_agrees(facts: pl.DataFrame, party: TextMatch) -> np.ndarray | None:
    """Which keyed pairs' parties are at least ``party.threshold`` similar, the similarity that
    tells pairs from chance among all records, not only among those a key pairs (None: the
    fields are not in ``facts``)."""
    lname, rname = f"l_{party.left_field}", f"r_{party.right_field}"
    if lname not in facts.columns or rname not in facts.columns:
        return None
    texts = facts.select(
        normalise(pl.col(lname).cast(pl.String), ("case", "punctuation")).alias("a"),
        normalise(pl.col(rname).cast(pl.String), ("case", "punctuation")).alias("b"),
    )
    sims = similarity(texts["a"].to_list(), texts["b"].to_list(), "token_set_ratio")
    return np.asarray(sims >= party.threshold)


def second_key_agrees(
    facts: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame, second: SecondKey
) -> np.ndarray:
    """Which keyed pairs (``l_row``, ``r_row`` of ``left`` and ``right``) also share a value of
    the second key."""
    cond = second.condition
    rule_set = key_rule_set(cond, second.derived)
    lv = key_values(left, cond.field, cond.normalisers, rule_set, ROW).rename({ROW: "l_row"})
    rv = key_values(right, cond.other_field, cond.normalisers, rule_set, ROW)
    both = lv.join(rv.rename({ROW: "r_row"}), on="k").select("l_row", "r_row").unique()
    marked = facts.select("l_row", "r_row").join(
        both.with_columns(pl.lit(True).alias("agree")), on=["l_row", "r_row"], how="left"
    )
    return marked["agree"].fill_null(False).to_numpy()


def identified_amount(
    facts: pl.DataFrame, agree: np.ndarray, what: str, model: AmountModel
) -> AmountModel | None:
    """The amount tolerance of the keyed pairs that ``agree`` on ``what`` too, when it is wider
    than ``model``'s: those pairs are identified by two fields together, so their differences
    are the relation of the two sides' amounts, not chance."""
    sign = -1 if model.sign == "opposite" else 1
    la = facts["l_amount"].to_numpy().astype(np.int64)
    ra = facts["r_amount"].to_numpy().astype(np.int64) * sign
    kept = agree & (la * ra > 0)
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
        f"within {Decimal(pct) / 10_000} % in 99 % of {ppm.size} keyed pairs whose {what} "
        "agree too (tips, exchange rates, fees by type: two fields identify the pair)"
    )
    exact = float((ppm == 0).mean())
    return AmountModel(model.sign, model.abs_tolerance, pct, exact, int(ppm.size), note)


def missing_share(frame: pl.DataFrame, name: str, derived: Sequence[DerivedField] = ()) -> float:
    """The share of ``frame``'s records with no value in field ``name`` (a column,
    ``extra.<name>`` or one of ``derived``)."""
    if frame.height == 0:
        return 0.0
    if name in {d.name for d in derived}:
        rule_set = RuleSet(rules=[_PLACEHOLDER], derived_fields=list(derived))
        values = frame.select(key_expr(name, (), rule_set).alias("v"))["v"]
        if values.dtype == pl.List(pl.String):
            values = values.list.first()
        return float(values.is_null().mean())  # type: ignore[arg-type]
    values = frame.select(plain_field(name).cast(pl.String).str.strip_chars().alias("v"))["v"]
    return float((values.is_null() | (values == "")).mean())  # type: ignore[arg-type]


def missing_anywhere(
    left: pl.DataFrame,
    right: pl.DataFrame,
    left_field: str,
    right_field: str,
    derived: Sequence[DerivedField] = (),
) -> bool:
    """Whether some records of either side (but not nearly all of both) lack the field."""
    shares = (missing_share(left, left_field, derived), missing_share(right, right_field, derived))
    return max(shares) >= _MISSING_SHARE and min(shares) < 1.0 - _MISSING_SHARE


def dated_rule(rule: Rule, dates: DateModel | None, name: str) -> Rule:
    """``rule`` with its date window required (added from ``dates`` when it has none): without
    a field that identifies the pair, a key and an amount alone pair many records of one card
    or customer over a year."""
    conditions = list(rule.conditions)
    dated = False
    for i, c in enumerate(conditions):
        if isinstance(c, DateCondition):
            conditions[i] = c.model_copy(update={"required": True, "weight": 1.0})
            dated = True
    if not dated and dates is not None:
        conditions.append(dates.condition())
    return rule.model_copy(update={"name": name, "conditions": conditions})


def without_missing(
    rule: Rule, left: pl.DataFrame, right: pl.DataFrame, dates: DateModel | None
) -> Rule | None:
    """``rule`` without its fuzzy conditions on fields empty on some records of either side,
    with the date window required; None when no condition reads such a field."""
    dropped = [
        c
        for c in rule.conditions
        if isinstance(c, FuzzyCondition)
        and c.required
        and missing_anywhere(left, right, c.field, c.other_field)
    ]
    if not dropped or (dates is None and rule.date_condition is None):
        return None
    kept = rule.model_copy(update={"conditions": [c for c in rule.conditions if c not in dropped]})
    name = f"{rule.name}_without_{'_'.join(slug(c.field) for c in dropped)}"
    return dated_rule(kept, dates, name)


@dataclass(frozen=True)
class Proposal:
    """A candidate rule to try right after the candidate named ``after``."""

    after: str
    rule: Rule
    derived: tuple[DerivedField, ...]
    note: str
    identified: bool = False  # its fields identify pairs: its decoy is :func:`identity_decoy`


def identity_proposals(
    key_rule: Rule,
    second_rule: Rule | None,
    facts: pl.DataFrame,
    key: KeyChoice,
    party: TextMatch | None,
    amount: AmountModel,
    dates: DateModel | None,
    left: pl.DataFrame,
    right: pl.DataFrame,
) -> list[Proposal]:
    """After the key rule: the key rule with the amounts of pairs the key and the party (or
    the second key) identify together, and the key rule without a party some records miss.
    After the second key's rule: the same with the date window required, when the key is
    missing on some records."""
    out: list[Proposal] = []
    agree, what, extra, derived = None, "", [], key.derived
    if party is not None:
        agree, what = party_agrees(facts, party), f"{party.left_field} and {party.right_field}"
    elif key.second is not None:
        agree = second_key_agrees(facts, left, right, key.second)
        cond = key.second.condition
        what, extra = f"{cond.field} and {cond.other_field}", [cond]
        derived = (*key.derived, *(d for d in key.second.derived if d not in key.derived))
    wide = identified_amount(facts, agree, what, amount) if agree is not None else None
    if wide is not None:
        conditions = [*(_identifying(c, wide, party) for c in key_rule.conditions), *extra]
        rule = key_rule.model_copy(update={"name": "key_identified", "conditions": conditions})
        out.append(Proposal(key_rule.name, rule, derived, wide.note, identified=True))
    fallback = without_missing(key_rule, left, right, dates) if party is not None else None
    if fallback is not None:
        note = f"the key rule for the records missing {what}, the date window required"
        out.append(Proposal(key_rule.name, fallback, key.derived, note))
    cond = key.condition
    if (
        second_rule is not None
        and key.second is not None
        and dates is not None
        and missing_anywhere(left, right, cond.field, cond.other_field, key.derived)
    ):
        dated = dated_rule(second_rule, dates, f"{second_rule.name}_dated")
        note = f"{key.second.note}; for the records missing the key, the date window required"
        out.append(Proposal(second_rule.name, dated, key.second.derived, note))
    return out


def _identifying(condition: Condition, wide: AmountModel, party: TextMatch | None) -> Condition:
    """A condition of the key rule as the identified rule needs it: the wide amounts, and the
    party at the similarity of identified pairs (a key rule's floor lets similar strangers'
    codes through, which wide amounts no longer tell apart)."""
    if isinstance(condition, AmountCondition):
        return wide.condition()
    if isinstance(condition, FuzzyCondition) and party is not None:
        return condition.model_copy(update={"threshold": party.threshold})
    return condition
