"""Matching engine: pure functions pairing two record frames under a rule set.

No I/O here: callers (tasks, services) load frames, call :func:`reconcile` in a worker and store
the :class:`ReconcileResult`::

    rule_set = RuleSet.from_json(text)  # see tally.matching.rules for the fields
    result = reconcile(left, right, rule_set, progress=report, should_cancel=cancelled)
    result.matches      # match_key, rule, rule_index, score, status, category, differences, evidence
    result.links        # match_key, record_id, side
    explain_evidence(result.matches["evidence"][0])  # "reference equal; amount -1.20 (...)"

Amounts are Int64 units of 1/10,000 (tally.money) and never become floats; only scores do.
"""

from tally.matching.assignment import Strategy
from tally.matching.backtest import (
    DecisionScore,
    PrecisionRecall,
    ResultDiff,
    diff_results,
    precision_recall,
    score_against_decisions,
    stored_result,
)
from tally.matching.candidates import Limits
from tally.matching.engine import reconcile
from tally.matching.evidence import explain_evidence
from tally.matching.explain import NearCandidate, nearest_candidates
from tally.matching.fields import RecordFrameError
from tally.matching.result import (
    MatchingCancelled,
    ReconcileResult,
    ReconcileStats,
)
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    DateCondition,
    DerivedField,
    EqualsCondition,
    FuzzyCondition,
    Rule,
    RuleSet,
)

__all__ = [
    "AmountCondition",
    "Cardinality",
    "DateCondition",
    "DecisionScore",
    "DerivedField",
    "EqualsCondition",
    "FuzzyCondition",
    "Limits",
    "MatchingCancelled",
    "NearCandidate",
    "PrecisionRecall",
    "ReconcileResult",
    "ReconcileStats",
    "RecordFrameError",
    "ResultDiff",
    "Rule",
    "RuleSet",
    "Strategy",
    "diff_results",
    "explain_evidence",
    "nearest_candidates",
    "precision_recall",
    "reconcile",
    "score_against_decisions",
    "stored_result",
]
