"""Sums per party when the bank names the payer only in its own words: the party's stem.

A customer paying several invoices in one deposit (a lockbox line whose remittance is cut
after the first invoice), or one invoice in instalments of which some quote no number, leaves
records that no key ties together. What still ties them is the payer: the ledger writes
"Northstar Medical Supply Company", the bank "ACH CREDIT NORTHSTAR MED SU PPD ID ..." (the ACH
record's 16 characters, abbreviated, in capitals). Equal texts (the counterparty groups of
:mod:`tally.matching.infer_candidates`) never see it; a fuzzy score cannot block a sum search.

What survives every abbreviation is the start of the name's first word. Rule inference learns
from the key-joined pairs whether a left text field's **stem** (the first letters of its first
word) appears among the word stems of a right text field in most pairs and rarely in shuffled
pairs; if so, each side gets a derived field (the left's one stem, the right's every stem) and
the stem blocks sums within the date window: one left record against several right records,
several left against one right, and single pairs of exact amounts. Stems of different parties
collide ("Summit Logistics", "Summit Foods"), so sums must be exact and each rule is kept only
when its estimated precision (the decoy of :mod:`tally.matching.infer`) clears the bar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import polars as pl

from tally.matching.fields import ROW
from tally.matching.infer_candidates import Candidate
from tally.matching.infer_keys import KeyChoice, key_rule_set, key_values
from tally.matching.infer_models import AmountModel, DateModel
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    DerivedField,
    EqualsCondition,
    Rule,
)

STEM_LETTERS = 4
# The first word of at least STEM_LETTERS ASCII letters, its first letters (a word with an
# accent inside has no stem: "Díaz" is skipped, "Muebles" read): the left's party stem.
LEFT_STEM = rf"\b(?P<value>[A-Za-z]{{{STEM_LETTERS}}})"
_STEM = re.compile(LEFT_STEM)
# The first letters of the name's second word ("Blue Ridge Medical": RID; "Northstar Medical
# Supply": MED) and of every word of the bank text: with the stem, a block of one name where
# many names share a first word (at 20k invoices, dozens of customers called "Summit ...").
# Abbreviations that keep no first letters ("Manufacturing": MFG) lose it, so the stem's own
# rules follow.
LEFT_SECOND = r"^\S+\s+(?P<value>[A-Za-z]{3})"
RIGHT_WORDS = r"\b(?P<value>[A-Za-z]{3})"
_SECOND = re.compile(LEFT_SECOND)
_WORDS = re.compile(RIGHT_WORDS)
_MIN_TRUE = 0.6  # keyed pairs whose left stem the right text holds
# Shuffled pairs that do: parties share stems ("Summit Foods", "Summit Logistics") and bank
# words share them with names ("TRANSFERENCIA", "Transportes"). The stem only blocks; exact sums
# and the decoy decide, so a stem shared by a fifth of chance pairs still blocks usefully.
_MAX_CHANCE = 0.2
_MIN_LIFT = 5.0  # keyed pairs holding the stem per shuffled pair holding it
_MIN_STEMS = 10  # distinct left stems: fewer cannot tell parties apart
_GROUP_SIZE = 5
_MIN_SPLITS = 5  # keyed splits needed to read their lags
# Instalments of one invoice run over a quarter; a party's block is its own records only, so a
# window twice the single payments' limit stays small.
_MAX_SPLIT_DAYS = 120


@dataclass(frozen=True)
class PartyStem:
    """A left text field whose stem the right text field holds, with the shares measured."""

    left_field: str
    right_field: str
    true_share: float
    chance_share: float
    second_share: float = 0.0  # keyed pairs whose text holds the second word's letters too

    @property
    def derived(self) -> tuple[DerivedField, DerivedField]:
        return self._fields("left_party_stem", "right_party_stems", LEFT_STEM, LEFT_STEM)

    @property
    def second_derived(self) -> tuple[DerivedField, DerivedField]:
        return self._fields("left_party_second", "right_party_words", LEFT_SECOND, RIGHT_WORDS)

    def _fields(
        self, left: str, right: str, left_pattern: str, right_pattern: str
    ) -> tuple[DerivedField, DerivedField]:
        """The left text's one value and the right text's every value, each a derived field."""
        return (
            DerivedField(
                name=left, source=self.left_field, pattern=left_pattern, normalisers=("case",)
            ),
            DerivedField(
                name=right,
                source=self.right_field,
                pattern=right_pattern,
                normalisers=("case",),
                multiple=True,
            ),
        )

    @property
    def note(self) -> str:
        return (
            f"the first {STEM_LETTERS} letters of {self.left_field}'s first word appear in "
            f"{self.right_field} in {self.true_share:.0%} of keyed pairs, "
            f"{self.chance_share:.0%} of shuffled pairs"
        )


def _left_stem(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    found = _STEM.search(text)
    return found.group("value").upper() if found else None


def _right_stems(text: object) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {m.upper() for m in _STEM.findall(text)}


def party_stem(
    facts: pl.DataFrame, fields: tuple[list[str], list[str]], seed: int
) -> PartyStem | None:
    """The (left, right) text fields whose party stems agree best in the keyed pairs ``facts``
    (``l_<field>``/``r_<field>`` columns), or None when no pair of fields tells partners from
    chance."""
    if facts.height < 20:
        return None
    rng = np.random.default_rng(seed)
    order = rng.permutation(facts.height)
    best: PartyStem | None = None
    for lf in fields[0]:
        column = f"l_{lf}"
        if column not in facts.columns:
            continue
        stems = [_left_stem(v) for v in facts[column].to_list()]
        if sum(s is not None for s in stems) < facts.height * _MIN_TRUE:
            continue
        if len({s for s in stems if s}) < _MIN_STEMS:
            continue
        for rf in fields[1]:
            if f"r_{rf}" not in facts.columns:
                continue
            words = [_right_stems(v) for v in facts[f"r_{rf}"].to_list()]
            true = float(
                np.mean([s is not None and s in w for s, w in zip(stems, words, strict=True)])
            )
            chance = float(
                np.mean(
                    [s is not None and s in words[j] for s, j in zip(stems, order, strict=True)]
                )
            )
            if true < _MIN_TRUE or chance > _MAX_CHANCE or true < chance * _MIN_LIFT:
                continue
            if best is None or true - chance > best.true_share - best.chance_share:
                seconds = [_left_second(v) for v in facts[column].to_list()]
                texts = facts[f"r_{rf}"].to_list()
                second = float(np.mean([
                    s is not None and s in w and n is not None and n in _right_words(t)
                    for s, w, n, t in zip(stems, words, seconds, texts, strict=True)
                ]))  # fmt: skip
                best = PartyStem(lf, rf, true, chance, second)
    return best


def _left_second(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    found = _SECOND.search(text)
    return found.group("value").upper() if found else None


def _right_words(text: object) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {m.upper() for m in _WORDS.findall(text)}


def split_window(
    left: pl.DataFrame, right: pl.DataFrame, key: KeyChoice, amount: AmountModel, dates: DateModel
) -> int | None:
    """The days holding 99 % of the lags of keyed splits (a left record whose amount several
    right records quoting its key add up to, within 1 %): instalments come weeks after the
    single payments the date window was read from. None with fewer than :data:`_MIN_SPLITS`."""
    cond = key.condition
    rule_set = key_rule_set(cond, key.derived)
    lk = key_values(left, cond.field, cond.normalisers, rule_set, ROW)
    rk = key_values(right, cond.other_field, cond.normalisers, rule_set, ROW)
    lk = lk.filter(pl.len().over("k") == 1).join(
        left.select(ROW, pl.col(dates.left_field).alias("l_date"), pl.col("amount").alias("l_amt")),
        on=ROW,
    )
    rk = rk.filter(pl.len().over("k") > 1).join(
        right.select(
            ROW, pl.col(dates.right_field).alias("r_date"), pl.col("amount").alias("r_amt")
        ),
        on=ROW,
    )
    sign = -1 if amount.sign == "opposite" else 1
    parts = (
        lk.drop(ROW)
        .join(rk.drop(ROW), on="k")
        .with_columns((pl.col("r_amt").sum().over("k") * sign - pl.col("l_amt")).abs().alias("gap"))
    )
    splits = parts.filter(pl.col("gap") * 100 <= pl.col("l_amt").abs())
    if splits["k"].n_unique() < _MIN_SPLITS:
        return None
    days = (splits["r_date"] - splits["l_date"]).dt.total_days().abs().drop_nulls().to_numpy()
    return (
        min(int(np.quantile(days, 0.99, method="higher")), _MAX_SPLIT_DAYS) if days.size else None
    )


def party_stem_rules(
    stem: PartyStem, amount: AmountModel, dates: DateModel, split_days: int | None = None
) -> list[tuple[Rule, str]]:
    """The rules blocked on the party stem, tried in this order: sums of several right records
    (within ``split_days`` when the keyed splits' lags are longer than the date window), sums
    of several left records, then single pairs; each with exact amounts."""
    block = EqualsCondition(
        field="left_party_stem", right_field="right_party_stems", normalisers=("case",)
    )
    exact = AmountCondition(sign="opposite" if amount.sign == "opposite" else "same")
    out: list[tuple[Rule, str]] = []
    for cardinality, what, window in (
        (Cardinality.ONE_TO_MANY, "one left record paid by several right records", split_days),
        (Cardinality.MANY_TO_ONE, "several left records paid by one right record", None),
        (Cardinality.ONE_TO_ONE, "one left record paid by one right record", None),
    ):
        date = dates.condition()
        if window is not None and window > date.window_days:
            date = date.model_copy(update={"window_days": window})
            what += f" (the keyed instalments' {window} days)"
        rule = Rule(
            name=f"party_stem_{cardinality.value}",
            conditions=[block, exact, date],
            cardinality=cardinality,
            max_group_size=_GROUP_SIZE,
        )
        out.append((rule, f"{what} of one party, sums exact within the date window; {stem.note}"))
    return out


def party_name_rules(stem: PartyStem, rules: list[tuple[Rule, str]]) -> list[tuple[Rule, str]]:
    """The stem's sum rules (of :func:`party_stem_rules`) blocked on the second word's first
    letters too, when the keyed pairs' bank texts hold them: tried first, where a first word
    is shared by many parties. Single pairs are left to the stem: their amount tells them."""
    if stem.second_share < _MIN_TRUE:
        return []
    second = EqualsCondition(
        field="left_party_second", right_field="right_party_words", normalisers=("case",)
    )
    out = []
    for rule, note in rules:
        if rule.cardinality is Cardinality.ONE_TO_ONE:
            continue
        named = rule.model_copy(update={
            "name": rule.name.replace("party_stem", "party_name"),
            "conditions": [rule.conditions[0], second, *rule.conditions[1:]],
        })  # fmt: skip
        out.append((named, f"{note}; its second word's first letters in {stem.second_share:.0%}"))
    return out


def party_candidates(
    left: pl.DataFrame,
    right: pl.DataFrame,
    key: KeyChoice | None,
    facts: pl.DataFrame | None,
    fields: tuple[list[str], list[str]],
    amount: AmountModel,
    dates: DateModel | None,
    seed: int,
) -> list[Candidate]:
    """The party rules as candidates, when the keyed pairs show a party stem."""
    if facts is None or dates is None or key is None:
        return []
    stem = party_stem(facts, fields, seed)
    if stem is None:
        return []
    rules = party_stem_rules(stem, amount, dates, split_window(left, right, key, amount, dates))
    both = stem.derived + stem.second_derived
    return [Candidate(rule, both, note) for rule, note in party_name_rules(stem, rules)] + [
        Candidate(rule, stem.derived, note) for rule, note in rules
    ]
