"""Receivables against a bank export: sums per party named by its stem, and a key rule whose
amounts differ by a discount rate or a fixed fee; each mechanism on crafted frames."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from tally.matching import reconcile
from tally.matching.infer import infer_rules
from tally.matching.infer_candidates import Candidate
from tally.matching.infer_discount import discount_model, with_discount
from tally.matching.infer_models import AmountModel, DateModel
from tally.matching.infer_party import (
    LEFT_STEM,
    PartyStem,
    party_name_rules,
    party_stem,
    party_stem_rules,
)
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    DateCondition,
    DerivedField,
    EqualsCondition,
    Rule,
    RuleSet,
)
from tally.money import to_units

from .helpers import pairs, records

_STEMS = (
    "Acme", "Blue Ridge", "Summit", "Lakeshore", "Pioneer", "Redwood", "Granite", "Harbor",
    "Keystone", "Liberty", "Northstar", "Prairie", "Silverline", "Cascade", "Evergreen",
)  # fmt: skip
_TRADES = ("Manufacturing", "Logistics", "Dental Partners", "Construction", "Foods")


def _bank_name(name: str) -> str:
    """As an ACH record writes the payer: capitals, 16 characters."""
    return name.upper().replace(".", "").replace(",", "")[:16].rstrip()


def _party_facts(n: int = 40) -> pl.DataFrame:
    rng = random.Random(3)
    names = [f"{rng.choice(_STEMS)} {rng.choice(_TRADES)} Inc." for _ in range(n)]
    return pl.DataFrame(
        {
            "l_counterparty": names,
            "l_description": [f"PO {rng.randint(10_000, 99_999)}" for _ in names],
            "r_description": [
                f"ACH CREDIT {_bank_name(name)} PPD ID: {rng.randint(10**9, 10**10 - 1)}"
                for name in names
            ],
        }
    )


_DATES = DateModel("booking_date", "booking_date", 30, 20.0, "")
_SAME = AmountModel("same", 0, 0, 1.0, 100, "")


def test_the_party_stem_is_the_left_name_whose_first_letters_the_bank_text_holds() -> None:
    found = party_stem(_party_facts(), (["counterparty", "description"], ["description"]), 0)
    assert found is not None
    assert (found.left_field, found.right_field) == ("counterparty", "description")
    assert found.true_share == 1.0 and found.chance_share < 0.2
    # The bank keeps the second word's first letters too ("BLUE RIDGE MED", "SUMMIT FOODS").
    assert found.second_share == 1.0
    # A bank text naming no payer holds no stem: nothing to block on.
    facts = _party_facts().with_columns(pl.lit("LOCKBOX DEPOSIT BOX 0042").alias("r_description"))
    assert party_stem(facts, (["counterparty"], ["description"]), 0) is None


def test_party_stem_rules_block_on_the_stem_with_exact_sums_and_the_splits_window() -> None:
    stem = PartyStem("counterparty", "description", 1.0, 0.05)
    rules = party_stem_rules(stem, _SAME, _DATES, split_days=85)
    block = EqualsCondition(
        field="left_party_stem", right_field="right_party_stems", normalisers=("case",)
    )
    assert [r.name for r, _ in rules] == [
        "party_stem_one_to_many", "party_stem_many_to_one", "party_stem_one_to_one",
    ]  # fmt: skip
    assert rules[0][0] == Rule(
        name="party_stem_one_to_many",
        conditions=[block, AmountCondition(), DateCondition(window_days=85)],
        cardinality=Cardinality.ONE_TO_MANY,
        max_group_size=5,
    )
    assert rules[1][0].conditions[2] == DateCondition(window_days=30)  # splits only
    assert stem.derived == (
        DerivedField(name="left_party_stem", source="counterparty", pattern=LEFT_STEM,
                     normalisers=("case",)),
        DerivedField(name="right_party_stems", source="description", pattern=LEFT_STEM,
                     normalisers=("case",), multiple=True),
    )  # fmt: skip


def test_the_engine_sums_a_partys_payments_and_keeps_other_parties_apart() -> None:
    stem = PartyStem("counterparty", "description", 1.0, 0.05)
    rule, _ = party_stem_rules(stem, _SAME, _DATES)[0]
    rule_set = RuleSet(rules=[rule], derived_fields=list(stem.derived))
    left = records(
        {"id": 1, "amount": "300.00", "counterparty": "Northstar Medical Supply Company"},
        {"id": 2, "amount": "300.00", "counterparty": "Summit Foods Inc."},
    )
    right = records(
        {"id": 11, "amount": "100.00", "day": 10,
         "description": "ACH CREDIT NORTHSTAR MED SU PPD ID: 1234567890 PMT 1 OF 2"},
        {"id": 12, "amount": "200.00", "day": 25,
         "description": "ORIG CO NAME:NORTHSTAR MED SU ORIG ID:1234567890"},
        {"id": 13, "amount": "150.00", "day": 12, "description": "ACH CREDIT PRAIRIE FOODS"},
        {"id": 14, "amount": "150.00", "day": 14, "description": "ACH CREDIT PRAIRIE FOODS"},
    )  # fmt: skip
    assert set(pairs(reconcile(left, right, rule_set))) == {((1,), (11, 12))}


def _discount_facts() -> pl.DataFrame:
    rng = random.Random(5)
    left: list[int] = []
    right: list[int] = []
    for i in range(120):
        cents = rng.randint(5_000, 2_000_000)
        if i % 10 == 0:  # 2 % off for paying early, rounded half up to the cent
            paid = cents - (cents * 2 + 50) // 100
        elif i % 10 == 1:  # an intermediary bank's fixed fee
            paid = cents - rng.choice((1_500, 2_500))
        else:
            paid = cents
        left.append(cents)
        right.append(paid)
    # A deposit paying three invoices that quotes only the first: 14 % over it.
    left.append(1_000_000)
    right.append(1_141_377)
    units = to_units("0.01")
    return pl.DataFrame(
        {"l_amount": [c * units for c in left], "r_amount": [c * units for c in right]}
    )


def test_the_discount_model_reads_the_rate_and_the_recurring_fixed_fees() -> None:
    model = discount_model(_discount_facts(), "same")
    assert model is not None
    assert model.rates_ppm == (0, 20_000) and model.fee_from == "left"
    assert model.abs_units == to_units("25.00")  # not the deposit's 1,413.77 over its invoice
    assert model.condition("same") == AmountCondition(
        abs_tolerance="25.00", fee_rates=("0", "2"), fee_from="left"
    )
    exact = _discount_facts().with_columns(pl.col("l_amount").alias("r_amount"))
    assert discount_model(exact, "same") is None  # no rate recurs: nothing to propose
    # Every pair less a commission of 7 or 10 %: a fee schedule, not a discount on some.
    units = to_units("0.01")
    gross = [(5_000 + 37 * i) * 100 for i in range(60)]
    schedule = pl.DataFrame({
        "l_amount": [g * units // 100 for g in gross],
        "r_amount": [(g - g * (7 if i % 2 else 10) // 100) * units // 100
                     for i, g in enumerate(gross)],
    })  # fmt: skip
    assert discount_model(schedule, "same") is None


def test_with_discount_tries_the_key_rule_again_with_the_discount_amounts() -> None:
    key = EqualsCondition(field="reference", normalisers=("case",))
    wide = AmountCondition(abs_tolerance="1413.77", pct_tolerance="2.01")
    key_rule = Rule(name="key", conditions=[key, wide])
    fuzzy = Candidate(Rule(name="fuzzy_key", conditions=[wide]))
    out = with_discount([Candidate(key_rule, note="reference; 99 %"), fuzzy],
                        _discount_facts(), "same")  # fmt: skip
    assert [c.rule.name for c in out] == ["key", "key_discount", "fuzzy_key"]
    assert out[1].rule.conditions == [
        key,
        AmountCondition(abs_tolerance="25.00", fee_rates=("0", "2"), fee_from="left"),
    ]


def _receivables(n: int = 240) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A sales ledger and a bank export: most payments quote the invoice; every third invoice is
    paid in two instalments weeks apart, of which the second quotes it only every other time."""
    rng = random.Random(11)
    names = sorted({f"{rng.choice(_STEMS)} {rng.choice(_TRADES)} Inc." for _ in range(60)})
    left: list[dict[str, object]] = []
    right: list[dict[str, object]] = []
    day0 = dt.date(2024, 1, 2)
    for i in range(n):
        name = rng.choice(names)
        cents = rng.randint(5_000, 900_000)
        day = day0 + dt.timedelta(days=rng.randrange(300))
        number = f"INV-2024-{i + 1:05d}"
        left.append({"id": i + 1, "amount": f"{cents / 100:.2f}", "counterparty": name,
                     "reference": number, "booking_date": day})  # fmt: skip
        bank = _bank_name(name)
        paid = day + dt.timedelta(days=rng.randint(10, 30))
        if i % 3 == 0:  # instalments: the second quotes the invoice every other time
            first = cents // 2
            right.append({"amount": f"{first / 100:.2f}", "booking_date": paid,
                          "description": f"ACH CREDIT {bank} INV {number} PMT 1 OF 2"})  # fmt: skip
            second = f"ORIG CO NAME:{bank} ORIG ID:{rng.randint(1, 9)}"
            right.append({"amount": f"{(cents - first) / 100:.2f}",
                          "booking_date": paid + dt.timedelta(days=rng.randint(30, 50)),
                          "description": second if i % 2 else f"{bank} INV {number}"})  # fmt: skip
        else:
            right.append({"amount": f"{cents / 100:.2f}", "booking_date": paid,
                          "description": f"ACH CREDIT {bank} INV {number}"})  # fmt: skip
    for j, row in enumerate(right):
        row["id"] = 10_000 + j
    return records(*left), records(*right)


def test_inference_pays_instalments_without_the_key_by_the_partys_stem() -> None:
    left, right = _receivables()
    inferred = infer_rules(left, right)
    party = [r for r in inferred.rule_set.rules if r.name.startswith("party_")]
    assert party and party[0].cardinality is Cardinality.ONE_TO_MANY
    found = set(pairs(reconcile(left, right, inferred.rule_set)))
    split = {((i + 1,), tuple(sorted(p))) for i, p in _instalments(right).items()}
    assert len(split) == 80 and split <= found


def _instalments(right: pl.DataFrame) -> dict[int, list[int]]:
    """Left index -> the ids of its two instalments, read back off the bank texts' order."""
    out: dict[int, list[int]] = {}
    rows = right.to_dicts()
    for k, row in enumerate(rows):
        text = str(row["description"])
        if text.endswith("PMT 1 OF 2"):
            number = int(text.split("INV-2024-")[1].split()[0])
            out[number - 1] = [int(row["id"]), int(rows[k + 1]["id"])]
    return out


def test_the_second_words_letters_keep_parties_of_one_first_word_apart() -> None:
    stem = party_stem(_party_facts(), (["counterparty"], ["description"]), 0)
    assert stem is not None
    named = party_name_rules(stem, party_stem_rules(stem, _SAME, _DATES))
    assert [r.name for r, _ in named] == ["party_name_one_to_many", "party_name_many_to_one"]
    rule_set = RuleSet(rules=[named[0][0]], derived_fields=[*stem.derived, *stem.second_derived])
    ledger = records({"id": 1, "amount": "300.00", "counterparty": "Summit Foods Inc."})
    bank = records(
        {"id": 11, "amount": "100.00", "day": 5, "description": "ACH CREDIT SUMMIT LOGISTICS"},
        {"id": 12, "amount": "200.00", "day": 9, "description": "ACH CREDIT SUMMIT LOGISTICS"},
        {"id": 13, "amount": "120.00", "day": 6, "description": "ACH CREDIT SUMMIT FOODS INC"},
        {"id": 14, "amount": "180.00", "day": 8, "description": "SUMMIT FOODS INC PAYMENTS"},
    )
    assert set(pairs(reconcile(ledger, bank, rule_set))) == {((1,), (13, 14))}
    # The first word alone pairs either party's payments: a tie, not a match.
    by_stem = RuleSet(rules=[party_stem_rules(stem, _SAME, _DATES)[0][0]],
                      derived_fields=list(stem.derived))  # fmt: skip
    assert ((1,), (13, 14)) not in pairs(reconcile(ledger, bank, by_stem), "auto")
