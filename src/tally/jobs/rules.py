"""The rule set a project uses when a job names none."""

from __future__ import annotations

from tally.matching.rules import RuleSet

# Reference-keyed first (the common case of a clean key), then amount and date with the
# counterparty as supporting evidence, for lines whose reference the bank dropped.
DEFAULT_RULE_SET = RuleSet.model_validate(
    {
        "version": 1,
        "rules": [
            {
                "name": "reference_amount_date",
                "conditions": [
                    {
                        "type": "equals",
                        "field": "reference",
                        "normalisers": ["case", "whitespace", "leading_zeros", "punctuation"],
                    },
                    {"type": "amount", "abs_tolerance": "0.01"},
                    {"type": "date", "window_days": 5},
                ],
                "auto": 0.9,
                "suggest": 0.6,
            },
            {
                "name": "amount_date_counterparty",
                "conditions": [
                    {"type": "amount", "abs_tolerance": "0"},
                    {"type": "date", "window_days": 3},
                    {"type": "fuzzy", "field": "counterparty", "threshold": 80, "required": False},
                ],
                "auto": 0.95,
                "suggest": 0.7,
            },
        ],
    }
)
