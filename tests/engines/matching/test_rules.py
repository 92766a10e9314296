"""Rule models: validation with clear messages, exact tolerances, JSON round trip."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tally.matching import AmountCondition, RuleSet

from .helpers import amount, date, equals, fuzzy, rule, rules

EXAMPLE = """
{
  "version": 3,
  "derived_fields": [
    {"name": "invoice", "source": "description", "pattern": "(?P<no>INV-\\\\d+)",
     "normalisers": ["case"], "multiple": true}
  ],
  "rules": [
    {"name": "reference", "auto": 0.9, "suggest": 0.6,
     "conditions": [
       {"type": "equals", "field": "reference", "normalisers": ["case", "whitespace"]},
       {"type": "amount", "abs_tolerance": "2.00", "pct_tolerance": "0.5", "sign": "opposite"},
       {"type": "date", "field": "value_date", "window_days": 3}
     ]},
    {"name": "batch", "cardinality": "one_to_many", "max_group_size": 4,
     "conditions": [
       {"type": "equals", "field": "invoice", "right_field": "reference"},
       {"type": "amount", "abs_tolerance": "0"},
       {"type": "fuzzy", "field": "counterparty", "threshold": 80, "required": false}
     ]}
  ]
}
"""


def test_json_round_trip_keeps_everything() -> None:
    parsed = RuleSet.from_json(EXAMPLE)
    assert parsed.version == 3
    assert RuleSet.from_json(parsed.to_json()) == parsed
    cond = parsed.rules[0].amount_condition
    assert cond is not None
    assert (cond.abs_units, cond.pct_ppm, cond.sign_factor) == (20_000, 5_000, -1)
    assert parsed.rules[1].max_group_size == 4
    assert parsed.rules[1].conditions[2].required is False


@pytest.mark.parametrize(
    ("value", "units"), [("0", 0), ("0.01", 100), ("2.5", 25_000), ("1000", 10_000_000)]
)
def test_abs_tolerance_is_exact_units(value: str, units: int) -> None:
    assert AmountCondition(abs_tolerance=value).abs_units == units


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"abs_tolerance": "0.00001"}, "more than 4 decimal places"),
        ({"abs_tolerance": "-1"}, "must not be negative"),
        ({"abs_tolerance": "abc"}, "not a decimal number"),
        ({"pct_tolerance": "100"}, "percentage in [0, 100)"),
        ({"pct_tolerance": "0.00001"}, "more than 4 decimal places"),
    ],
)
def test_bad_tolerances_are_explained(payload: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace(")", r"\)")):
        AmountCondition.model_validate(payload)


@pytest.mark.parametrize(
    ("rule_dicts", "extra", "message"),
    [
        ([rule("r", date())], {}, "needs a required equals or amount condition"),
        ([rule("r", equals(), amount(), suggest=0.95, auto=0.9)], {}, "suggest threshold"),
        ([rule("r", equals(), amount()), rule("r", amount())], {}, "rule names must be unique"),
        ([rule("r", equals("nope"))], {}, "unknown field 'nope'"),
        ([rule("r", amount(), amount())], {}, "at most one amount and one date"),
        (
            [rule("g", amount(), date(), cardinality="one_to_many")],
            {},
            "need a required equals condition",
        ),
        (
            [rule("g", equals(), cardinality="many_to_many")],
            {},
            "need a required amount condition",
        ),
        ([rule("r", equals(), max_group_size=61)], {}, "less than or equal to 60"),
        ([rule("r", fuzzy(threshold=120), amount())], {}, "less than or equal to 100"),
        (
            [rule("r", equals("inv"))],
            {"derived_fields": [{"name": "inv", "pattern": "INV-\\d+"}]},
            "needs a named group",
        ),
        (
            [rule("r", equals("inv"))],
            {"derived_fields": [{"name": "inv", "pattern": "(?P<a>x)(?P<b>y)"}]},
            "several named groups",
        ),
        (
            [rule("r", equals("inv"))],
            {"derived_fields": [{"name": "inv", "pattern": "(?P<a>[x)"}]},
            "invalid pattern",
        ),
        (
            [rule("r", equals("reference"))],
            {"derived_fields": [{"name": "amount", "pattern": "(?P<a>x)"}]},
            "clashes with a record field",
        ),
    ],
)
def test_invalid_rule_sets_say_why(
    rule_dicts: list[dict[str, object]], extra: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        rules(*rule_dicts, **extra)


def test_extra_fields_and_cross_field_equality_validate() -> None:
    parsed = rules(
        rule("r", equals("extra.invoice_no", right_field="reference"), amount()),
    )
    cond = parsed.rules[0].key_conditions[0]
    assert (cond.field, cond.other_field) == ("extra.invoice_no", "reference")


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        rules(rule("r", {**amount(), "tolerance": "1"}))
