"""The rule sets the team writes by hand for each case, knowing the files (bench.quality.knowledge).

What an expert does today: a derived field pulling the number out of the free text, the reference
rule, a fee tolerance, a one-to-many rule for instalments, a many-to-one rule for batches blocked
on a reference prefix, a fuzzy reference for typos and counterparty + amount + date last.
"""

from __future__ import annotations

from typing import Any

from bench.quality.knowledge import Knowledge, field_of
from bench.quality.load import LoadedCase
from tally.matching.rules import RuleSet

KEY_NORMALISERS = ["case", "punctuation", "whitespace", "leading_zeros"]
NAME_NORMALISERS = ["case", "punctuation"]


def hand_rules(loaded: LoadedCase, knowledge: Knowledge) -> RuleSet:
    left_key = field_of(loaded.left, knowledge.left_key)
    text = field_of(loaded.right, knowledge.right_text)
    if knowledge.family == "bank_ledger":
        return _bank_ledger(loaded, knowledge, left_key, text)
    if knowledge.family == "payouts_orders":
        return _payouts(knowledge, left_key, text)
    return _vendor_ap(loaded, knowledge, left_key, text)


def _equals(left: str, right: str, **more: Any) -> dict[str, Any]:
    return {
        "type": "equals",
        "field": left,
        "right_field": right,
        "normalisers": KEY_NORMALISERS,
        **more,
    }


# A rule keyed on the document number is trusted even when the amount or the date is far from
# perfect (a fee, a late payment lower the score): found by hand-tuning on the 2k cases.
KEYED = {"auto": 0.5, "suggest": 0.3}


def _amount(sign: str, abs_tolerance: str = "0", pct: str | None = None) -> dict[str, Any]:
    cond: dict[str, Any] = {"type": "amount", "abs_tolerance": abs_tolerance, "sign": sign}
    if pct is not None:
        cond["pct_tolerance"] = pct
    return cond


def _date(window: int) -> dict[str, Any]:
    return {"type": "date", "window_days": window}


def _bank_ledger(loaded: LoadedCase, k: Knowledge, left_key: str, text: str) -> RuleSet:
    assert k.left_party and k.right_party
    left_party = field_of(loaded.left, k.left_party)
    right_party = field_of(loaded.right, k.right_party)
    derived = [
        {"name": "bank_ref", "source": text, "pattern": k.token, "normalisers": KEY_NORMALISERS},
        {"name": "bank_prefix", "source": text, "pattern": k.prefix, "normalisers": KEY_NORMALISERS},
        {"name": "ledger_prefix", "source": left_key, "pattern": k.prefix,
         "normalisers": KEY_NORMALISERS},
    ]  # fmt: skip
    party = {
        "type": "fuzzy",
        "field": left_party,
        "right_field": right_party,
        "scorer": "token_set_ratio",
        "threshold": 60,
        "normalisers": NAME_NORMALISERS,
    }
    rules = [
        {"name": "reference", "conditions": [
            _equals(left_key, "bank_ref"), _amount(k.sign, "0.01"), _date(60)]},
        {"name": "reference_fee", **KEYED, "conditions": [
            _equals(left_key, "bank_ref"), _amount(k.sign, "15.00", "1.5"), _date(60)]},
        {"name": "instalments", **KEYED, "cardinality": "one_to_many", "max_group_size": 3,
         "conditions": [_equals(left_key, "bank_ref"), _amount(k.sign), _date(90)]},
        {"name": "batch_ff", **KEYED, "cardinality": "many_to_one", "max_group_size": 4,
         "conditions": [_equals("ledger_prefix", "bank_prefix"), _amount(k.sign), _date(60)]},
        {"name": "reference_typo", "conditions": [
            _amount(k.sign), _date(60),
            {"type": "fuzzy", "field": left_key, "right_field": "bank_ref", "scorer": "ratio",
             "threshold": 80, "normalisers": KEY_NORMALISERS}]},
        {"name": "counterparty_amount_date", "auto": 0.9, "conditions": [
            _amount(k.sign), _date(45), party]},
    ]  # fmt: skip
    return RuleSet.model_validate(
        {"rules": rules, "derived_fields": derived, "duplicate_fields": [text, right_party]}
    )


def _payouts(k: Knowledge, left_key: str, text: str) -> RuleSet:
    derived = [{"name": "payout_id", "source": text, "pattern": k.token}]
    rules = [
        {"name": "payout", **KEYED, "cardinality": "many_to_one", "max_group_size": 10,
         "conditions": [{"type": "equals", "field": left_key, "right_field": "payout_id"},
                        _amount(k.sign, "2.50", "10"), _date(7)]},
        {"name": "single_charge", **KEYED, "conditions": [
            {"type": "equals", "field": left_key, "right_field": "payout_id"},
            _amount(k.sign, "2.50", "10"), _date(7)]},
    ]  # fmt: skip
    return RuleSet.model_validate({"rules": rules, "derived_fields": derived})


def _vendor_ap(loaded: LoadedCase, k: Knowledge, left_key: str, text: str) -> RuleSet:
    assert k.left_document and k.left_party and k.right_party
    document = field_of(loaded.left, k.left_document)
    derived = [
        {"name": "remitted", "source": text, "pattern": k.token, "multiple": True},
        {"name": "our_document", "source": text, "pattern": k.document},
    ]
    rules = [
        {"name": "invoice", "conditions": [
            _equals(left_key, "remitted"), _amount(k.sign, "0.01"), _date(60)]},
        {"name": "invoice_discount", **KEYED, "conditions": [
            _equals(left_key, "remitted"), _amount(k.sign, "0.01", "3"), _date(60)]},
        {"name": "remittance_batch", **KEYED, "cardinality": "many_to_one", "max_group_size": 6,
         "conditions": [_equals(left_key, "remitted"), _amount(k.sign), _date(60)]},
        {"name": "instalments", **KEYED, "cardinality": "one_to_many", "max_group_size": 3,
         "conditions": [_equals(left_key, "remitted"), _amount(k.sign), _date(90)]},
        {"name": "our_document", **KEYED, "conditions": [
            _equals(document, "our_document"), _amount(k.sign, "0.01", "3"), _date(60)]},
    ]  # fmt: skip
    return RuleSet.model_validate({"rules": rules, "derived_fields": derived})
