"""Matching engine: pure functions pairing two record frames under a rule set.

No I/O here: callers (tasks, services) load frames, call :func:`reconcile` in a worker and store
the :class:`ReconcileResult`.
"""

from tally.matching.assignment import Strategy
from tally.matching.backtest import PrecisionRecall, ResultDiff, diff_results, precision_recall
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
]
