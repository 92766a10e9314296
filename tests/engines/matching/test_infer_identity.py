"""Rule inference on crafted frames: pairs a key and a party identify whatever their amounts,
records missing the party, and batches of a day and a category both sides spell apart."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl

from tally.matching import reconcile
from tally.matching.backtest import precision_recall
from tally.matching.fields import prepare_side
from tally.matching.infer import infer_rules
from tally.matching.infer_batches import batch_rule, correspondence
from tally.matching.infer_identity import (
    identified_amount,
    identity_decoy,
    missing_anywhere,
    party_agrees,
    second_key_agrees,
    without_missing,
)
from tally.matching.infer_keys import SecondKey
from tally.matching.infer_models import AmountModel, DateModel, TextMatch
from tally.matching.rules import (
    Cardinality,
    DateCondition,
    DerivedField,
    EqualsCondition,
    FuzzyCondition,
    Rule,
)

from .helpers import DAY0, records

_PARTY = TextMatch("extra.Approval", "extra.Approval no", 95.0, 0.9, 0.0, "", floor=60.0)
_FEE = AmountModel("same", 1_000, 20_000, 0.0, 100, "within 2 %")
_DATES = DateModel("booking_date", "booking_date", 0, 0.0, "")


def _facts(rng: np.random.Generator, n: int, *, agree: bool) -> pl.DataFrame:
    """Keyed pairs: the right amount 3-14 % above the left one (a tip less a fee), the approval
    code quoted on both sides (or, without ``agree``, a different one on the right)."""
    left = rng.integers(10_000, 900_000, n) * 100
    right = (left * rng.uniform(1.03, 1.14, n)).astype(np.int64) // 100 * 100
    codes = [f"{c:06d}" for c in rng.integers(0, 1_000_000, n)]
    other = codes if agree else [f"X{c[::-1]}Q" for c in codes]
    return pl.DataFrame(
        {
            "l_amount": left,
            "r_amount": right,
            "l_extra.Approval": codes,
            "r_extra.Approval no": other,
        }
    )


def test_pairs_identified_by_key_and_party_read_a_wider_tolerance() -> None:
    rng = np.random.default_rng(3)
    facts = _facts(rng, 200, agree=True)
    agree = party_agrees(facts, _PARTY)
    assert agree is not None and agree.all()
    wide = identified_amount(facts, agree, "approval codes", _FEE)
    assert wide is not None
    # 14 % more is 12.3 % of the larger amount, read in whole percents
    assert 120_000 <= wide.pct_ppm <= 130_000
    assert wide.sign == "same"
    # Without the party agreeing, the differences are no evidence: the fee model stays.
    other = _facts(rng, 200, agree=False)
    disagree = party_agrees(other, _PARTY)
    assert disagree is not None and not disagree.any()
    assert identified_amount(other, disagree, "codes", _FEE) is None
    # A model already as wide is not widened again; too few pairs say nothing.
    as_wide = AmountModel("same", 0, 200_000, 0.0, 100, "within 20 %")
    assert identified_amount(facts, agree, "codes", as_wide) is None
    assert identified_amount(facts.head(5), agree[:5], "codes", _FEE) is None


def test_the_identity_decoy_scatters_each_field_on_its_own() -> None:
    # A card number and its approval code must not land on one record together: what the
    # decoy still matches is a coincidence of fields, not a true pair with its amount moved.
    rows = [
        {"amount": str(i + 1), "reference": f"R{i}",
         "extra": json.dumps({"Card": f"{i:04d}", "Auth": f"A{i:05d}"})}
        for i in range(200)
    ]  # fmt: skip
    frame = records(*rows)
    decoy = identity_decoy(frame, seed=1)
    assert decoy["amount"].to_list() == frame["amount"].to_list()
    assert sorted(decoy["reference"].to_list()) == sorted(frame["reference"].to_list())
    pairs = [json.loads(e) for e in decoy["extra"].to_list()]
    together = sum(int(p["Card"]) == int(p["Auth"][1:]) for p in pairs)
    assert together <= 3
    assert sorted(p["Card"] for p in pairs) == [f"{i:04d}" for i in range(200)]


def _party_rule() -> Rule:
    return Rule.model_validate(
        {
            "name": "key",
            "conditions": [
                {"type": "equals", "field": "reference"},
                {"type": "amount", "pct_tolerance": "2"},
                {"type": "date", "window_days": 0, "required": False, "weight": 0.5},
                {
                    "type": "fuzzy",
                    "field": "extra.Approval",
                    "right_field": "extra.Approval no",
                    "threshold": 60,
                },
            ],
        }
    )


def test_a_rule_without_the_party_is_proposed_when_the_party_is_missing_on_some_records() -> None:
    rows = [
        {"reference": f"R{i}", "extra": json.dumps({"Approval": f"{i:06d}"})} for i in range(50)
    ]
    some_missing = records(*rows, *({"reference": f"S{i}"} for i in range(5)))
    right = records(*({"reference": f"R{i}", "extra": json.dumps({"Approval no": f"{i:06d}"})}
                      for i in range(55)))  # fmt: skip
    fallback = without_missing(_party_rule(), some_missing, right, _DATES)
    assert fallback is not None
    assert fallback.name == "key_without_Approval"
    assert not any(isinstance(c, FuzzyCondition) for c in fallback.conditions)
    (date,) = [c for c in fallback.conditions if isinstance(c, DateCondition)]
    assert date.required  # key and amount alone pair too many records over a year
    # Every record has it: nothing to fall back for.
    assert without_missing(_party_rule(), records(*rows), right, _DATES) is None


def _terminal_case(
    seed: int = 5,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, set[int], set[int], set[int]]:
    """A till export (left: the card's last digits, approval code, till ``Kasse 3``) of regular
    customers (150 cards) against an acquirer report (right: card digits, approval code, terminal ``TID-000003``): sales less
    1.2 %, tips added after approval (5-15 % more, less the fee), payments approved offline
    (no code on the till), and one card scheme settled as one row per till and day, less
    3.1 %, with no card or code."""
    rng = np.random.default_rng(seed)
    left: list[dict[str, object]] = []
    right: list[dict[str, object]] = []
    truth: list[tuple[int, int]] = []
    tips: set[int] = set()
    offline: set[int] = set()
    batched: set[int] = set()
    scheme: dict[tuple[int, int], list[tuple[int, int]]] = {}
    cards = [f"{c:04d}" for c in rng.integers(0, 10_000, 150)]  # regulars: card digits repeat
    for _ in range(400):
        till, day = int(rng.integers(1, 4)), int(rng.integers(0, 60))
        amount = int(rng.integers(500, 60_000)) * 100
        card = str(rng.choice(cards))
        code = f"{int(rng.integers(0, 36**5)):06X}"
        kind = rng.choice(["sale", "tip", "offline", "scheme"], p=[0.55, 0.15, 0.12, 0.18])
        left_id = len(left) + 1
        left.append({"id": left_id, "amount": amount, "day": day,
                     "extra": json.dumps({"Kasse": f"Kasse {till}", "Karte": f"**** {card}",
                                          **({} if kind == "offline" else {"Genehmigung": code})})
                     })  # fmt: skip
        if kind == "scheme":
            scheme.setdefault((till, day), []).append((left_id, amount))
            batched.add(left_id)
            continue
        settled = amount + (amount * int(rng.integers(5, 16)) // 100 if kind == "tip" else 0)
        settled -= settled * 12 // 1000 // 100 * 100
        right_id = 10_000 + len(right)
        right.append({"id": right_id, "amount": settled, "day": day,
                      "extra": json.dumps({"TID": f"TID-{till:06d}", "PAN": f"5411 **** **** {card}",
                                           "Auth": code})})  # fmt: skip
        truth.append((left_id, right_id))
        (tips if kind == "tip" else offline if kind == "offline" else set()).add(left_id)
    for (till, day), members in scheme.items():
        total = sum(a for _, a in members)
        right_id = 10_000 + len(right)
        right.append({"id": right_id, "amount": total - total * 31 // 1000 // 100 * 100,
                      "day": day, "extra": json.dumps({"TID": f"TID-{till:06d}"})})  # fmt: skip
        truth += [(left_id, right_id) for left_id, _ in members]
    return (
        records(*left),
        records(*right),
        pl.DataFrame(truth, schema=["left_id", "right_id"], orient="row"),
        tips,
        offline,
        batched,
    )


def test_tips_offline_payments_and_keyless_batches_are_matched_without_rules() -> None:
    left, right, truth, tips, offline, batched = _terminal_case()
    inferred = infer_rules(left, right)
    names = [r.name for r in inferred.rule_set.rules]
    assert "key_identified" in names, inferred.describe()  # tips beyond the fee tolerance
    assert "Kasse_date_many_to_one" in names, inferred.describe()
    result = reconcile(left, right, inferred.rule_set)
    assert precision_recall(result, truth).precision == 1.0
    for members in (tips, offline, batched):
        part = truth.filter(pl.col("left_id").is_in(list(members)))
        assert precision_recall(result, part).recall >= 0.9, inferred.describe()


def _terminal_facts(rng: np.random.Generator, n: int, mapped: bool) -> pl.DataFrame:
    tills = rng.integers(1, 6, n)
    other = tills if mapped else rng.permutation(tills)
    amounts = rng.integers(1_000, 9_000, n) * 100
    days = [DAY0 + dt.timedelta(days=int(d)) for d in rng.integers(0, 90, n)]
    return pl.DataFrame(
        {
            "l_amount": amounts,
            "r_amount": amounts - amounts // 50,
            "l_booking_date": days,
            "r_booking_date": days,
            "l_extra.Kasse": [f"Kasse {t}" for t in tills],
            "r_extra.TID": [f"TID-{t:06d}" for t in other],
            "l_extra.Beleg": [f"{i:05d}" for i in range(n)],  # many values: not a category
            "r_extra.Beleg": [f"{i:05d}" for i in range(n)],
        }
    )


def test_a_category_is_matched_by_its_trailing_digits_in_keyed_pairs() -> None:
    rng = np.random.default_rng(8)
    fields = (["extra.Kasse", "extra.Beleg"], ["extra.TID", "extra.Beleg"])
    corr = correspondence(_terminal_facts(rng, 300, True), *fields, _DATES, seed=0)
    assert corr is not None
    assert (corr.left.source, corr.right.source, corr.digits) == ("extra.Kasse", "extra.TID", 1)
    # Tills that do not follow their terminals are no category of the pair.
    assert correspondence(_terminal_facts(rng, 300, False), *fields, _DATES, seed=0) is None


def test_the_batch_tolerance_is_read_off_the_open_blocks_totals() -> None:
    rng = np.random.default_rng(8)
    corr = correspondence(
        _terminal_facts(rng, 300, True), ["extra.Kasse"], ["extra.TID"], _DATES, 0
    )
    assert corr is not None
    left, right = [], []
    for block in range(30):  # each till and day: 2-4 receipts, one settlement less 3.1 %
        amounts = [int(a) * 100 for a in rng.integers(1_000, 9_000, int(rng.integers(2, 5)))]
        for a in amounts:
            left.append({"amount": a, "day": block, "extra": json.dumps({"Kasse": "Kasse 2"})})
        total = sum(amounts)
        right.append({"amount": total - total * 31 // 1000, "day": block,
                      "extra": json.dumps({"TID": "TID-000002"})})  # fmt: skip
    built = batch_rule(corr, _DATES, "same", Cardinality.MANY_TO_ONE, records(*left),
                       records(*right))  # fmt: skip
    assert built is not None
    rule, note = built
    assert rule.amount_condition is not None
    # The sum asks for the total less the fee to the cent, read off the blocks.
    assert rule.amount_condition.fee_rates == ("3.1",)
    assert rule.amount_condition.fee_from == "left"
    assert "30 of 30 open blocks" in note
    single = batch_rule(corr, _DATES, "same", Cardinality.ONE_TO_ONE, records(*left),
                        records(*right))  # fmt: skip
    assert single is not None and single[0].amount_condition is not None
    assert single[0].amount_condition.pct_tolerance == "3.1"  # the fee, to the next 0.1 %
    assert "30 such blocks" in single[1]


def test_keyed_pairs_agreeing_on_the_second_key_are_marked() -> None:
    # When no party is asked, the second key (the card digits beside an approval code) is what
    # identifies a keyed pair together with the key.
    left = prepare_side(
        records(*({"extra": json.dumps({"Karte": f"VISA ****{i:04d}"})} for i in range(6))),
        "left",
    )
    right = prepare_side(
        records(*({"extra": json.dumps({"PAN": f"4111 **** **** {i % 4:04d}"})} for i in range(6))),
        "right",
    )
    second = SecondKey(
        EqualsCondition(field="card", right_field="card_r"),
        (
            DerivedField(name="card", source="extra.Karte", pattern=r"(?P<v>\d{4})$"),
            DerivedField(name="card_r", source="extra.PAN", pattern=r"(?P<v>\d{4})$"),
        ),
        "card digits",
    )
    facts = pl.DataFrame({"l_row": list(range(6)), "r_row": list(range(6))})
    agree = second_key_agrees(facts, left, right, second)
    assert agree.tolist() == [True, True, True, True, False, False]
    # A key missing on some records calls for the dated second-key rule.
    assert missing_anywhere(left, right, "extra.Karte", "extra.Auth")
    assert not missing_anywhere(left, right, "extra.Karte", "extra.PAN")
