"""Rule-language defects found by the zero-configuration benchmark stay fixed (issue 12 item 4)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tally.matching import RuleSet, nearest_candidates, reconcile
from tally.matching.rules import AmountCondition

from .helpers import amount, date, equals, one_to_one, records, rule, rules


def test_derived_field_regex_honours_the_case_normaliser() -> None:
    left = records({"id": 1, "description": "payment inv-104233 thanks", "amount": "10"})
    right = records({"id": 7, "reference": "INV-104233", "amount": "10"})
    derived = {
        "name": "invoice",
        "source": "description",
        "pattern": r"(?P<ref>INV-\d+)",
        "normalisers": ["case"],
    }
    rule_set = rules(
        rule("r", equals("invoice", right_field="reference", normalisers=["case"]), amount()),
        derived_fields=[derived],
    )
    assert one_to_one(reconcile(left, right, rule_set)) == {(1, 7): "auto"}


def test_case_on_the_condition_reading_a_derived_field_is_enough() -> None:
    left = records({"id": 1, "description": "Rechnung re2024-000017", "amount": "10"})
    right = records({"id": 7, "reference": "RE2024-000017", "amount": "10"})
    rule_set = rules(
        rule("r", equals("invoice", right_field="reference", normalisers=["case"]), amount()),
        derived_fields=[{"name": "invoice", "pattern": r"(?P<ref>RE\d{4}-\d+)"}],
    )
    assert one_to_one(reconcile(left, right, rule_set)) == {(1, 7): "auto"}


def test_derived_field_without_case_stays_case_sensitive() -> None:
    left = records({"id": 1, "description": "inv-104233", "amount": "10"})
    right = records({"id": 7, "reference": "inv-104233", "amount": "10"})
    rule_set = rules(
        rule("r", equals("invoice", right_field="reference"), amount()),
        derived_fields=[{"name": "invoice", "pattern": r"(?P<ref>INV-\d+)"}],
    )
    assert one_to_one(reconcile(left, right, rule_set)) == {}


def test_percentage_tolerance_capped_by_max_abs() -> None:
    # 2.5 % of 1,000.00 is 25.00, capped at 5.00: a 4.00 fee passes, a 6.00 fee does not.
    left = records(
        {"id": 1, "reference": "A", "amount": "996.00"},
        {"id": 2, "reference": "B", "amount": "994.00"},
        {"id": 3, "reference": "C", "amount": "98.00"},  # 2.5 % of 100.00 = 2.50 (under the cap)
    )
    right = records(
        {"id": 11, "reference": "A", "amount": "1000.00"},
        {"id": 12, "reference": "B", "amount": "1000.00"},
        {"id": 13, "reference": "C", "amount": "100.00"},
    )
    capped = amount("0", pct_tolerance="2.5", max_abs="5.00")
    result = reconcile(left, right, rules(rule("r", equals(), capped, auto=0.5, suggest=0.4)))
    assert set(one_to_one(result)) == {(1, 11), (3, 13)}


def test_max_abs_caps_group_sums_too() -> None:
    left = records({"id": 1, "reference": "A", "amount": "1000.00"})
    right = records(
        {"id": 11, "reference": "A", "amount": "600.00"},
        {"id": 12, "reference": "A", "amount": "394.00"},  # 6.00 short: over the 5.00 cap
    )
    group = rule(
        "g",
        equals(),
        amount("0", pct_tolerance="2.5", max_abs="5.00"),
        cardinality="one_to_many",
        auto=0.5,
        suggest=0.4,
    )
    assert reconcile(left, right, rules(group)).links.height == 0
    uncapped = rule("g", equals(), amount("0", pct_tolerance="2.5"), cardinality="one_to_many")
    assert reconcile(left, right, rules({**uncapped, "auto": 0.5, "suggest": 0.4})).links.height


def test_pct_tolerance_states_its_unit() -> None:
    described = AmountCondition.model_json_schema()["properties"]["pct_tolerance"]
    assert "percent" in described["description"]
    with pytest.raises(ValidationError, match="percent"):
        AmountCondition(pct_tolerance="250")
    with pytest.raises(ValidationError, match="max_abs caps pct_tolerance"):
        AmountCondition(max_abs="5.00")
    with pytest.raises(ValidationError, match="max_abs"):
        AmountCondition(pct_tolerance="2", max_abs="-1")


@pytest.mark.parametrize(
    "field", ["reference", "counterparty_account", "transaction_id", "value_date", "amount"]
)
def test_duplicate_fields_accept_every_record_field(field: str) -> None:
    rule_set = rules(rule("r", equals(), amount()), duplicate_fields=[field])
    left = records(
        {
            "id": 1,
            "reference": "A",
            "transaction_id": "T1",
            "counterparty_account": "DE1",
            "amount": "5",
        },
        {
            "id": 2,
            "reference": "A",
            "transaction_id": "T1",
            "counterparty_account": "DE1",
            "amount": "5",
        },
    )
    result = reconcile(left, records({"id": 9, "reference": "Z", "amount": "1"}), rule_set)
    assert sorted(result.duplicates["record_id"].to_list()) == [1, 2]


def test_duplicate_fields_error_lists_the_accepted_names() -> None:
    with pytest.raises(ValidationError) as raised:
        RuleSet.model_validate(
            {"rules": [rule("r", equals(), amount())], "duplicate_fields": ["iban"]}
        )
    message = str(raised.value)
    assert "unknown field 'iban'" in message
    for name in ("reference", "counterparty_account", "booking_date", "amount", "extra.<column>"):
        assert name in message


def test_extra_columns_named_as_the_header_spells_them() -> None:
    left = records({"id": 1, "extra": '{"N° facture": "F-17"}', "amount": "10"})
    right = records({"id": 7, "reference": "F-17", "amount": "10"})
    rule_set = rules(rule("r", equals("extra.N° facture", right_field="reference"), amount()))
    assert one_to_one(reconcile(left, right, rule_set)) == {(1, 7): "auto"}


def test_nearest_candidates_include_the_same_amount_and_date_twin() -> None:
    # The ledger row has no reference the bank row shares; eight bank rows share its reference
    # but are far off in amount. The bank row with the very same amount and date must be listed.
    ledger = records({"id": 1, "reference": "INV-1", "amount": "-1338.29", "day": 3})
    decoys = [
        {"id": 10 + n, "reference": "INV-1", "amount": f"-{1500 + 100 * n}.00", "day": 3}
        for n in range(8)
    ]
    twin = {"id": 99, "reference": "Card 4411", "amount": "-1338.29", "day": 3}
    bank = records(*decoys, twin)
    rule_set = rules(rule("ref", equals(), amount("0.01"), date(3)))
    found = nearest_candidates(ledger, bank, rule_set, limit=5)
    assert 99 in [c.record_id for c in found]
    assert len(found) == 5


def _bank_row(row_id: int, amount_text: str) -> dict[str, object]:
    return {
        "id": row_id,
        "reference": "INV-7",
        "description": "Transfer INV-7",
        "amount": amount_text,
        "day": 1,
    }


def test_a_row_exported_twice_never_pays_one_invoice_with_its_own_copy() -> None:
    ledger = records({"id": 1, "reference": "INV-7", "amount": "200.00"})
    bank = records(_bank_row(11, "100.00"), _bank_row(12, "100.00"))  # one transfer, twice
    split = rule("split", equals(), amount(), date(5), cardinality="one_to_many")
    result = reconcile(ledger, bank, rules(split))
    assert result.links.height == 0
    assert sorted(result.duplicates["record_id"].to_list()) == [11, 12]


def test_a_record_tied_with_its_own_flagged_twin_is_matched_not_sent_to_review() -> None:
    ledger = records({"id": 1, "reference": "INV-7", "amount": "100.00"})
    bank = records(_bank_row(11, "100.00"), _bank_row(12, "100.00"))
    result = reconcile(ledger, bank, rules(rule("ref", equals(), amount(), date(5))))
    assert one_to_one(result) == {(1, 11): "auto"}
    assert result.unmatched_right_ids.to_list() == [12]
    assert sorted(result.duplicates["record_id"].to_list()) == [11, 12]


def test_twins_on_both_sides_pair_up_and_real_ties_still_go_to_review() -> None:
    ledger = records(
        {"id": 1, "reference": "INV-7", "amount": "100.00"},
        {"id": 2, "reference": "INV-7", "amount": "100.00"},
        {"id": 3, "reference": "INV-8", "amount": "50.00"},
    )
    bank = records(
        _bank_row(11, "100.00"),
        _bank_row(12, "100.00"),
        # two different bank rows equally good for INV-8: a real tie
        {"id": 13, "reference": "INV-8", "description": "a", "amount": "50.00", "day": 1},
        {"id": 14, "reference": "INV-8", "description": "b", "amount": "50.00", "day": 1},
    )
    rule_set = rules(
        rule("ref", equals(), amount(), date(5)), duplicate_fields=["reference", "description"]
    )
    found = one_to_one(reconcile(ledger, bank, rule_set))
    assert found[(1, 11)] == "auto" and found[(2, 12)] == "auto"
    assert found[(3, 13)] == "ambiguous" and found[(3, 14)] == "ambiguous"
