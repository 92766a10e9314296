"""The amounts "Show nearest candidates" compares reach as far as the rules' fees do."""

from __future__ import annotations

from tally.matching.rules import AmountCondition, Rule, RuleSet
from tally.money import to_units
from tally.results.candidates import _near_amounts


def _rules(condition: AmountCondition) -> RuleSet:
    return RuleSet(rules=[Rule(name="r", conditions=[condition])])


def test_a_commission_of_fifteen_percent_is_within_reach() -> None:
    amount = to_units("100.00")
    ((low, high),) = _near_amounts(amount, _rules(AmountCondition(fee_rates=("7", "15"))))
    assert low <= to_units("85.00") and high >= to_units("117.64")  # 100 less 15 %, or gross
    ((low, high),) = _near_amounts(amount, _rules(AmountCondition(abs_tolerance="0.01")))
    assert (low, high) == (to_units("90.00"), to_units("110.00"))  # 10 % as before
