"""Rendering match evidence (compact JSON) as a sentence a reviewer can read.

Evidence objects have a ``kind`` (``pair``, ``group`` or ``discrepancy``), a list of
``conditions`` (one object per rule condition with its measured values) and ``tie``; groups add
the member amounts. Amounts are integer units; days are right minus left.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tally.money import format_units

_NORMALISER_WORDS = {
    "case": "case",
    "whitespace": "whitespace",
    "leading_zeros": "leading zeros",
    "punctuation": "punctuation",
}


def explain_evidence(evidence: str | Mapping[str, Any]) -> str:
    """One sentence, e.g. ``reference equal after normalising case; amount -1.20 (within 2.00);
    booked 2 days later``."""
    data: Mapping[str, Any] = json.loads(evidence) if isinstance(evidence, str) else evidence
    parts: list[str] = []
    if data.get("kind") == "group":
        parts.append(_group_arithmetic(data))
    parts += [explain_condition(c) for c in data.get("conditions", ())]
    if data.get("tie"):
        parts.append("tied with another candidate of equal score")
    return "; ".join(p for p in parts if p)


def _label(cond: Mapping[str, Any]) -> str:
    field = str(cond.get("field", ""))
    right = cond.get("right_field")
    return f"left {field} / right {right}" if right else field


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _signed(units: int) -> str:
    return ("+" if units > 0 else "") + format_units(units)


def explain_condition(cond: Mapping[str, Any]) -> str:
    """A clause for one condition's evidence, phrased as passed or failed."""
    kind = cond.get("type")
    passed = bool(cond.get("passed", True))
    if kind == "equals":
        if not passed:
            return f"{_label(cond)} differs"
        norms = [_NORMALISER_WORDS.get(n, n) for n in cond.get("normalisers", ())]
        shared = int(cond.get("shared_values") or 0)
        # Several values in common set a pair apart from candidates sharing fewer (a tie-break).
        common = f" ({shared} values in common)" if shared > 1 else ""
        if cond.get("exact") or not norms:
            return f"{_label(cond)} equal{common}"
        return f"{_label(cond)} equal after normalising {', '.join(norms)}{common}"
    if kind == "amount":
        diff = int(cond.get("difference") or 0)
        tol = int(cond.get("tolerance") or 0)
        signs = " (opposite signs)" if cond.get("sign") == "opposite" else ""
        if not passed:
            return f"amount off by {format_units(abs(diff))} (tolerance {format_units(tol)}){signs}"
        if diff == 0:
            return f"amount equal{signs}"
        return f"amount {_signed(diff)} (within {format_units(tol)}){signs}"
    if kind == "date":
        what = "value date" if cond.get("field") == "value_date" else "booked"
        days = cond.get("days", cond.get("max_days"))
        window = int(cond.get("window") or 0)
        if days is None:
            return f"{'value' if what == 'value date' else 'booking'} date missing"
        n = int(days)
        if not passed:
            return f"date {_days(abs(n))} apart (window {window})"
        if n == 0:
            return f"{what} the same day"
        direction = "later" if n > 0 else "earlier"
        if cond.get("max_days") is not None:
            return f"{what} up to {_days(abs(n))} apart"
        return f"{what} {_days(abs(n))} {direction}"
    if kind == "fuzzy":
        sim = float(cond.get("similarity") or 0.0)
        threshold = float(cond.get("threshold") or 0.0)
        word = "similar" if passed else "similar only"
        return f"{_label(cond)} {sim:.0f}% {word} (min {threshold:.0f}%)"
    return ""


def _group_arithmetic(data: Mapping[str, Any]) -> str:
    left: Sequence[int] = data.get("left", ())
    right: Sequence[int] = data.get("right", ())
    lhs = " + ".join(format_units(int(a)) for a in left)
    rhs = " + ".join(format_units(int(a)) for a in right)
    text = f"{lhs} = {rhs}"
    diff = int(data.get("difference") or 0)
    rates = data.get("fee_rates")
    if rates:
        shown = ", ".join(f"{r} %" for r in rates)
        text = (
            f"{lhs} ≈ {rhs} (difference {_signed(diff)}: a fee of {shown}, to "
            f"{format_units(int(data.get('tolerance') or 0))})"
        )
    elif diff:
        text = f"{lhs} ≈ {rhs} (difference {_signed(diff)}, within {format_units(int(data.get('tolerance') or 0))})"
    if data.get("sign") == "opposite":
        text += " (right amounts negated)"
    return text
