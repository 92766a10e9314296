"""Every rule set shown in docs/rules.md validates: the reference never teaches a broken rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tally.matching import RuleSet
from tally.matching.rules import AmountCondition, Cardinality

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


def _examples() -> list[str]:
    blocks = _BLOCK.findall(DOC.read_text())
    return [b for b in blocks if b.startswith('{\n  "') and "..." not in b]


def test_the_reference_has_a_worked_example_per_scenario() -> None:
    names = [rule.name for block in _examples() for rule in RuleSet.from_json(block).rules]
    assert {"batch_ff", "payout", "remittance_batch", "facture"} <= set(names)


@pytest.mark.parametrize("block", _examples())
def test_every_full_example_validates(block: str) -> None:
    RuleSet.from_json(block)


def test_every_cardinality_and_condition_option_is_documented() -> None:
    text = DOC.read_text()
    for cardinality in Cardinality:
        assert f"`{cardinality.value}`" in text
    for option in set(AmountCondition.model_fields) - {"type"}:
        assert f"`{option}`" in text, option
    for word in ("case", "punctuation", "whitespace", "leading_zeros", "extra.<column>"):
        assert f"`{word}`" in text, word


def test_single_condition_snippets_validate() -> None:
    for block in _BLOCK.findall(DOC.read_text()):
        if block.lstrip().startswith('{"type"'):
            payload = json.loads(block)
            rule = {"name": "r", "conditions": [payload, {"type": "amount"}]}
            if payload["type"] == "amount":
                rule["conditions"] = [payload]
            RuleSet.model_validate({"rules": [rule]})
