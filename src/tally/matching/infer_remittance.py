"""Every key inference finds gets the whole family of key rules, each with its own amount model.

The inferred key is tried 1:1, as splits and batches summed over it, and with typos; a second
key (another pair of fields sharing rare values, e.g. the invoice numbers a payer types into the
remittance message while other payments quote a structured reference) got only a 1:1 rule. A
remittance naming several invoices ("Laskut 20240117, 20240118 ja 20240125"), or an invoice and
the credit note netted against it, is a batch over that second key, and a number typed wrong in
it a fuzzy match: the same rules, built here for any key (:func:`key_family`).

Each key's rules read the amount tolerance off its own clean 1:1 pairs: the pairs of another key
may be of another kind (payments with a structured reference netting a credit note differ by a
fifth of the invoice, which no fee tolerance should be widened for).
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from tally.matching.fields import normalise
from tally.matching.infer_candidates import Candidate, candidate_rules
from tally.matching.infer_keys import (
    KeyCandidate,
    KeyChoice,
    Reading,
    TokenShapes,
    _engine_keys,
    _fan_out,
    key_rule_set,
    keyed_pairs,
)
from tally.matching.infer_models import (
    AmountModel,
    DateModel,
    amount_model,
    joined_pairs,
    similarity,
)
from tally.matching.rules import DerivedField, EqualsCondition, FuzzyCondition

_MIN_OWN_PAIRS = 10  # clean 1:1 pairs a key needs to read its own amount tolerance
# Share of a second key's own pairs that must pass the party condition for its rules to ask it.
_OWN_PARTY_AGREES = 0.5
# The candidate rules of a key family: 1:1, splits and batches (exact sums, then within the
# tolerance); ``fuzzy_key`` with typos when asked.
_FAMILY = ("key", "key_one_to_many", "key_many_to_one", "key_one_to_many_fee",
           "key_many_to_one_fee")  # fmt: skip


def built_key(
    left: pl.DataFrame,
    right: pl.DataFrame,
    condition: EqualsCondition,
    derived: tuple[DerivedField, ...],
    note: str,
    readings: tuple[Reading, Reading],
    shapes: dict[str, TokenShapes] | None = None,
) -> KeyChoice:
    """A key (its condition and derived fields) with what the engine's key expressions pair:
    its clean 1:1 pairs, its groups' totals and fan-out."""
    rule_set = key_rule_set(condition, derived)
    values, links = _engine_keys(left, right, condition, rule_set)
    agreeing = int(values.filter(pl.col("agree")).height)
    groups = values.filter(pl.col("agree") & (pl.max_horizontal("l_n", "r_n") > 1)).select(
        pl.col("l_total").alias("l_amount"),
        pl.col("r_total").alias("r_amount"),
        pl.max_horizontal("l_n", "r_n").alias("size"),
    )
    # Shapes feed only the prefix rules, which a key family does not propose.
    shapes = {d.name: TokenShapes(()) for d in derived} | (shapes or {})
    return KeyChoice(
        condition,
        derived,
        KeyCandidate(readings[0], readings[1], agreeing, agreeing, values.height, 1.0),
        None,
        keyed_pairs(left, right, condition, rule_set),
        note,
        groups,
        _fan_out(links),
        shapes,
    )


def own_amount(
    left: pl.DataFrame, right: pl.DataFrame, key: KeyChoice, fallback: AmountModel
) -> AmountModel:
    """The amount model read off ``key``'s own clean pairs (``fallback`` with too few), with
    the sign convention of ``fallback`` (learned from the inferred key's many more pairs)."""
    if key.pairs.height < _MIN_OWN_PAIRS:
        return fallback
    own = amount_model(joined_pairs(left, right, key.pairs))
    if own is None or own.sign != fallback.sign:
        return fallback
    return own


def own_party(
    left: pl.DataFrame, right: pl.DataFrame, key: KeyChoice, party: FuzzyCondition | None
) -> FuzzyCondition | None:
    """``party`` (learned from the inferred key's pairs), unless most of ``key``'s own clean
    pairs fail it: the texts quoting a second key are often another kind of record (a customer's
    transfer naming the bill where the inferred key's direct debits name the mandate), and the
    party asked of them left 90 % of the bills paid in parts unmatched (direct_debit_fr)."""
    if party is None:
        return party
    # Every pair the key links, parts of splits and batches too: a key quoted by customers
    # paying in parts has few clean 1:1 pairs.
    _, links = _engine_keys(left, right, key.condition, key_rule_set(key.condition, key.derived))
    if links.height < _MIN_OWN_PAIRS:
        return party
    lf, rf = party.field, party.right_field or party.field
    facts = joined_pairs(left, right, links.select("l_row", "r_row"), ([lf], [rf]))
    if f"l_{lf}" not in facts.columns or f"r_{rf}" not in facts.columns:
        return party
    norms = ("case", "punctuation")
    texts = facts.select(
        normalise(pl.col(f"l_{lf}"), norms).alias("a"),
        normalise(pl.col(f"r_{rf}"), norms).alias("b"),
    )
    scores = similarity(texts["a"].to_list(), texts["b"].to_list(), party.scorer)
    return party if float((scores >= party.threshold).mean()) >= _OWN_PARTY_AGREES else None


def key_family(
    key: KeyChoice,
    prefix: str,
    *,
    amount: AmountModel,
    dates: DateModel | None,
    currency: EqualsCondition | None,
    party: FuzzyCondition | None,
    period: int | None,
    fuzzy_threshold: float | None = None,
) -> list[Candidate]:
    """The key rules of ``key`` (1:1, splits, batches and, with a ``fuzzy_threshold``, typos),
    named ``prefix`` + what follows ``key`` in the usual names, so
    that they compete with the inferred key's rules by name and group as separate rules."""
    wanted = set(_FAMILY)
    if fuzzy_threshold is not None:
        wanted.add("fuzzy_key")
    out: list[Candidate] = []
    threshold = fuzzy_threshold if fuzzy_threshold is not None else 100.0
    for candidate in candidate_rules(key, amount, dates, None, currency, threshold, party, period):
        name = candidate.rule.name
        if name not in wanted:
            continue
        renamed = (
            prefix + name.removeprefix("key") if name.startswith("key") else f"{prefix}_{name}"
        )
        conditions = candidate.rule.conditions
        if name == "fuzzy_key" and party is not None:
            # A near-miss of a key other than the inferred one also needs the parties to agree
            # when keyed pairs' parties do (the inferred key's own rules ask it for the same
            # reason): on the demo vendor case, 2 of 20 typo matches otherwise paired another
            # vendor's payment quoting a neighbouring number.
            conditions = [*conditions, party]
        rule = candidate.rule.model_copy(update={"name": renamed, "conditions": conditions})
        note = f"{key.note}; {candidate.note}" if name == "key" else candidate.note
        group = renamed if candidate.group else ""
        out.append(replace(candidate, rule=rule, note=note, group=group))
    return out


def second_key_candidates(
    left: pl.DataFrame,
    right: pl.DataFrame,
    key: KeyChoice | None,
    *,
    amount: AmountModel,
    dates: DateModel | None,
    currency: EqualsCondition | None,
    party: FuzzyCondition | None,
    period: int | None,
    fuzzy_threshold: float,
) -> list[Candidate]:
    """The second key's splits, batches and typos, and its 1:1 rule again with its own amount
    model (the inferred key's ``second_key`` reads the inferred key's)."""
    if key is None or key.second is None:
        return []
    second = key.second
    readings = (key.runner_up.left, key.runner_up.right) if key.runner_up else (
        Reading(second.condition.field, "value"), Reading(second.condition.other_field, "value"))  # fmt: skip
    choice = built_key(left, right, second.condition, second.derived, second.note, readings)
    return key_family(
        choice,
        "second_key",
        amount=own_amount(left, right, choice, amount),
        dates=dates,
        currency=currency,
        party=own_party(left, right, choice, party),
        period=period,
        fuzzy_threshold=fuzzy_threshold,
    )


def after_second_key(
    candidates: list[Candidate], more: list[Candidate]
) -> tuple[list[Candidate], list[Candidate]]:
    """``candidates`` with the second key's 1:1 and sums of ``more`` right after the last
    ``second_key*`` candidate, and apart, its typo rules: tried after every other rule, the
    fallbacks included. A weaker key's near-miss must not take a record another rule pairs,
    nor change which fallback is kept (measured on the demo cases: tried before the fallbacks,
    the vendor case lost precision 0.9986 -> 0.9959, the column-reference case recall 0.983 ->
    0.974 as amount + date kept its exact variant)."""
    typos = [c for c in more if c.rule.name.endswith("fuzzy_key")]
    rest = [c for c in more if c not in typos]
    last = max(
        (i for i, c in enumerate(candidates) if c.rule.name.startswith("second_key")), default=None
    )
    if last is None:
        return candidates + rest, typos
    return candidates[: last + 1] + rest + candidates[last + 1 :], typos
