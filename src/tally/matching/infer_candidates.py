"""The candidate rules inference tries, in priority order, built from the models it learned.

:mod:`tally.matching.infer` learns the key, the amount, date and text models from the two sides,
then tries each candidate built here on what the rules before it left open and keeps those whose
estimated precision holds (``_try``). Here: the key rules and their groups (splits, batches, key
prefixes), the fuzzy key, the text groups and the amount + date fallbacks, each with its note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from tally.matching.infer_identity import Proposal
from tally.matching.infer_keys import (
    KEY_NORMALISERS,
    KeyChoice,
    slug,
)
from tally.matching.infer_models import (
    AmountModel,
    DateModel,
    TextMatch,
    amount_model,
    similar_text,
)
from tally.matching.infer_periodic import key_date
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    Condition,
    DerivedField,
    EqualsCondition,
    FuzzyCondition,
    Rule,
)

_MIN_GROUPS = 5  # key groups (splits, batches) needed to set the tolerance of sums
_DEFAULT_GROUP_SIZE, _MAX_GROUP_SIZE = 5, 10  # Rule.max_group_size: its default and its limit


@dataclass
class Candidate:
    rule: Rule
    derived: tuple[DerivedField, ...] = ()
    note: str = ""
    margin: float | None = None
    group: str = ""  # candidates of one group compete: the first kept wins
    key_group: bool = False  # sums within one value of the inferred key
    identified: bool = False  # its fields identify pairs: the decoy shuffles them, not amounts
    # Builds the rule (and its note) from the records still open when it is tried: a tolerance
    # read off what the rules before it left (None: not tried).
    build: Callable[[pl.DataFrame, pl.DataFrame], tuple[Rule, str] | None] | None = None


def _with(
    conditions: list[Condition], more: EqualsCondition | FuzzyCondition | None
) -> list[Condition]:
    return [*conditions, more] if more is not None else conditions


def party_condition(text: TextMatch) -> FuzzyCondition:
    return similar_text(text.left_field, text.right_field, text.floor, weight=0.5)


def candidate_rules(
    key: KeyChoice | None,
    amount: AmountModel,
    dates: DateModel | None,
    text: TextMatch | None,
    currency: EqualsCondition | None,
    fuzzy_threshold: float,
    party: FuzzyCondition | None = None,
    period: int | None = None,
    fallback_text: TextMatch | None = None,
) -> list[Candidate]:
    """The rules to try, in order. ``fallback_text`` (by default ``text``) is the text the
    amount + date rule asks for."""
    out: list[Candidate] = []
    fallback_text = fallback_text or text
    if key is not None:
        # With repeated key values, the key identifies a record only together with its party.
        keyed = _with(_with([], currency), party)
        margin = (
            key.best.records / key.runner_up.records
            if key.runner_up and key.runner_up.records
            else None
        )
        conds: list[Condition] = [key.condition.model_copy(update={"weight": 2.0})]
        conds.append(amount.condition())
        if dates is not None:
            conds.append(key_date(dates, period))
        # Exact sums first (a split's parts add up to the cent); with the fee tolerance after,
        # on what exact sums left open (parts each with a fee deducted).
        sums = amount_model(key.groups, sums=True) if key.groups.height >= _MIN_GROUPS else None
        if sums is not None:  # the sums' own tolerance, with the pairs' sign convention
            sums = _sums_model(sums, amount)
        retried: list[Candidate] = []
        for tolerance in reversed(_tolerances(sums or amount)):
            exact = tolerance.abs_units == tolerance.pct_ppm == 0
            group_conds: list[Condition] = [key.condition, tolerance]
            if dates is not None:  # instalments of one key may come weeks apart: only scored
                group_conds.append(key_date(dates, period))
            for cardinality, what in (
                (Cardinality.ONE_TO_MANY, "one left record paid by several right records"),
                (Cardinality.MANY_TO_ONE, "several left records paid by one right record"),
            ):
                name = f"key_{cardinality.value}" + ("" if exact else "_fee")
                out.append(
                    Candidate(
                        Rule(
                            name=name,
                            conditions=[*group_conds, *keyed],
                            cardinality=cardinality,
                            max_group_size=_group_size(key),
                        ),
                        key.derived,
                        key_group=True,
                        note=f"{what}, quoting the same key; sums "
                        + ("equal" if exact else "within the amount tolerance"),
                        group=name,
                    )
                )
                if not exact:
                    retried.append(dataclasses.replace(out[-1]))
        out.append(
            Candidate(
                Rule(name="key", conditions=[*conds, *keyed]),
                key.derived,
                f"{key.note}; {amount.note}",
                margin,
            )
        )
        # Sums within a tolerance are tried again once the key has settled whole payments: a
        # sale and its refund or chargeback quoting one order are a block of several records
        # too, where chance sums of the decoy count against the rule though no true sum of
        # them exists. Without them the blocks left are the splits' and batches' own.
        out += retried
        if key.second is not None:
            second: list[Condition] = [
                key.second.condition.model_copy(update={"weight": 2.0}),
                amount.condition(),
            ]
            if dates is not None:
                second.append(key_date(dates, period))
            out.append(
                Candidate(
                    Rule(name="second_key", conditions=[*second, *keyed]),
                    key.second.derived,
                    f"{key.second.note}; {amount.note}",
                )
            )
        out += _fuzzy_key(key, amount, dates, currency, fuzzy_threshold)
        out += _prefix_groups(key, amount, dates, currency)
    if text is not None:
        out += _text_groups(text, amount, dates, currency)
    for tolerance in _tolerances(amount):
        out.append(
            Candidate(
                amount_date_rule("amount_date_text", tolerance, dates, fallback_text, currency),
                note=(
                    "exact amount"
                    if tolerance.abs_units == tolerance.pct_ppm == 0
                    else "amount within the tolerance"
                )
                + " and date window"
                + (
                    f", {fallback_text.left_field}/{fallback_text.right_field} similar"
                    if fallback_text
                    else ""
                ),
                group="amount_date",
            )
        )
    return out


def inserted(candidates: list[Candidate], proposals: list[Proposal]) -> list[Candidate]:
    """The candidates with each proposal (:mod:`tally.matching.infer_identity`) right after
    the candidate it follows, in the proposals' order."""
    out = list(candidates)
    for p in reversed(proposals):  # each inserted first after its anchor: keeps their order
        at = [c.rule.name for c in out].index(p.after)
        out.insert(at + 1, Candidate(p.rule, p.derived, p.note, identified=p.identified))
    return out


def _sums_model(sums: AmountModel, pairs: AmountModel) -> AmountModel:
    """The key groups' tolerance, with the pairs' sign convention and at least their percentage
    fee: parts of a split each pay the fee a whole payment pays, while the groups the sums were
    read from are those whose totals agree within the key's 10 %, so a larger fee never shows
    in them."""
    return dataclasses.replace(sums, sign=pairs.sign, pct_ppm=max(sums.pct_ppm, pairs.pct_ppm))


def _group_size(key: KeyChoice) -> int:
    """The most records sharing one key value (a batch of nine invoices, a payout of eight
    charges and a refund), within what a rule allows: key blocks are small, so large groups
    cost little to search."""
    largest = key.fan_out
    if key.groups.height:
        largest = max(largest, int(key.groups["size"].max()))  # type: ignore[arg-type]
    return min(max(largest, _DEFAULT_GROUP_SIZE), _MAX_GROUP_SIZE)


def _sum_condition(amount: AmountModel) -> AmountCondition:
    """Sums must be exact when most single payments are: a tolerance widens every subset sum
    search and lets chance combinations through."""
    if amount.exact_share >= 0.5:
        return AmountCondition(sign="opposite" if amount.sign == "opposite" else "same")
    return amount.condition()


def _fuzzy_key(
    key: KeyChoice,
    amount: AmountModel,
    dates: DateModel | None,
    currency: EqualsCondition | None,
    threshold: float,
) -> list[Candidate]:
    """The key with typos: amount and date window, key texts similar (not equal). Neighbouring
    numbers are as similar as typos, so amounts decide: the fee tolerance first, else exact."""
    return [
        _fuzzy_key_with(key, tolerance, dates, currency, threshold)
        for tolerance in _tolerances(amount)
    ]


def _tolerances(amount: AmountModel) -> list[AmountCondition]:
    """The amount model's condition, then (when it has a tolerance) exact amounts."""
    model = amount.condition()
    exact = AmountCondition(sign=model.sign)
    return [model, exact] if model.abs_units or model.pct_ppm else [exact]


def _fuzzy_key_with(
    key: KeyChoice,
    amount: AmountCondition,
    dates: DateModel | None,
    currency: EqualsCondition | None,
    threshold: float,
) -> Candidate:
    cond = key.condition
    conds: list[Condition] = [
        amount,
        FuzzyCondition(
            field=cond.field,
            right_field=cond.right_field,
            scorer="ratio",
            threshold=threshold,
            normalisers=KEY_NORMALISERS,
            weight=2.0,
        ),
    ]
    if dates is not None:
        conds.append(dates.condition())
    return Candidate(
        Rule(name="fuzzy_key", conditions=_with(conds, currency), auto=0.85),
        key.derived,
        note=f"the key written with a typo (at least {threshold:.0f} % similar; 1 % of unrelated "
        "keys are more), "
        + ("same amount" if amount.abs_units == amount.pct_ppm == 0 else "amount tolerance")
        + " and date window",
        group="fuzzy_key",
    )


def _prefix_groups(
    key: KeyChoice,
    amount: AmountModel,
    dates: DateModel | None,
    currency: EqualsCondition | None,
) -> list[Candidate]:
    """Batches of consecutive keys (one transfer quoting the first invoice, "ff"): blocked on
    the key without its last digit(s), so a batch's members share a block of 10 or 100. Both
    are tried: the coarser block finds the batches crossing a boundary of the finer one."""
    out = []
    for dropped in (1, 2):
        derived = []
        names = []
        for side, name in (("left", key.condition.field), ("right", key.condition.other_field)):
            source, pattern = _prefix_source(key, name, dropped)
            prefix = DerivedField(
                name=f"{side}_key_prefix{dropped}",
                source=source,
                pattern=pattern,
                normalisers=KEY_NORMALISERS,
                multiple=True,
            )
            derived.append(prefix)
            names.append(prefix.name)
        conds: list[Condition] = [
            EqualsCondition(field=names[0], right_field=names[1], normalisers=KEY_NORMALISERS),
            _sum_condition(amount),
        ]
        if dates is not None:
            conds.append(dates.condition())
        for cardinality in (Cardinality.MANY_TO_ONE, Cardinality.ONE_TO_MANY):
            out.append(
                Candidate(
                    Rule(
                        name=f"key_prefix{dropped}_{cardinality.value}",
                        conditions=_with(conds, currency),
                        cardinality=cardinality,
                    ),
                    tuple(derived),
                    note=f"consecutive keys (equal but for the last {dropped} digit"
                    f"{'s' if dropped > 1 else ''}) summed",
                )
            )
    return out


def _prefix_source(key: KeyChoice, name: str, dropped: int) -> tuple[str, str]:
    """The text a key field is read from and the regex of its tokens less their last
    ``dropped`` digits."""
    derived = next((d for d in key.derived if d.name == name), None)
    if derived is not None:
        return derived.source, key.shapes[name].pattern(drop_digits=dropped)
    return name, rf"(?i)(?P<value>.*\d)\d{{{dropped}}}\b"


def _text_groups(
    text: TextMatch,
    amount: AmountModel,
    dates: DateModel | None,
    currency: EqualsCondition | None,
) -> list[Candidate]:
    """Batches summed per counterparty (when its text is equal on both sides) and date window."""
    if dates is None:
        return []
    conds: list[Condition] = [
        EqualsCondition(
            field=text.left_field,
            right_field=text.right_field if text.right_field != text.left_field else None,
            normalisers=("case", "whitespace", "punctuation"),
        ),
        _sum_condition(amount),
        dates.condition(),
    ]
    return [
        Candidate(
            Rule(
                name=f"{slug(text.left_field)}_{cardinality.value}",
                conditions=_with(conds, currency),
                cardinality=cardinality,
            ),
            note=f"several records of one {text.left_field} summed within the date window",
            group=f"text_{cardinality.value}",
        )
        for cardinality in (Cardinality.MANY_TO_ONE, Cardinality.ONE_TO_MANY)
    ]


def amount_date_rule(
    name: str,
    amount: AmountCondition,
    dates: DateModel | None,
    text: TextMatch | None,
    currency: EqualsCondition | None,
) -> Rule:
    conds: list[Condition] = [amount]
    if dates is not None:
        conds.append(dates.condition())
    if text is not None:
        conds.append(similar_text(text.left_field, text.right_field, text.threshold))
    return Rule(name=name, conditions=_with(conds, currency), auto=0.95)
