"""Turning stored rows into what the API returns: records, matches with their explanation
sentence, engine input frames, and quality figures from review decisions."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Literal

import polars as pl

from tally.matching.evidence import explain_evidence
from tally.matching.fields import INPUT_COLUMNS
from tally.models import Match, MatchOrigin, MatchStatus, MatchTab, Record
from tally.money import format_amount, format_units, single_currency
from tally.results.repository import LinkedRecord
from tally.results.schemas import Evidence, MatchRead, QualityFigures, RecordRead
from tally.results.stats_repository import SETTLED_STATUSES

Side = Literal["left", "right"]


def as_side(value: str) -> Side:
    return "left" if value == "left" else "right"


def record_read(record: Record, side: Side, duplicate_group: int | None = None) -> RecordRead:
    return RecordRead(
        id=record.id,
        side=side,
        row_number=record.row_number,
        reference=record.reference,
        booking_date=record.booking_date,
        value_date=record.value_date,
        amount=format_amount(record.amount, record.currency),
        currency=record.currency,
        description=record.description,
        counterparty=record.counterparty,
        counterparty_account=record.counterparty_account,
        transaction_id=record.transaction_id,
        duplicate_group=duplicate_group,
    )


def match_read(
    match: Match, links: Iterable[LinkedRecord], *, rule_set_version: int | None
) -> MatchRead:
    """``rule_set_version``: the version the match's job ran with (a manual match has none)."""
    evidence = json.loads(match.evidence) if match.evidence else None
    left: list[RecordRead] = []
    right: list[RecordRead] = []
    for link in links:
        read = record_read(link.record, as_side(link.side), link.duplicate_group)
        (left if link.side == "left" else right).append(read)
    # The left side's currency: the match's amount is its total, and the right side agrees
    # whenever the rules compare currencies.
    currency = single_currency(r.currency for r in left)
    return MatchRead(
        id=match.id,
        number=match.number,
        job_id=match.job_id,
        tab=MatchTab(match.tab),
        status=match.status,
        category=match.category,
        origin=match.origin,
        rule=match.rule,
        rule_set_version=None if match.origin == MatchOrigin.MANUAL else rule_set_version,
        score=match.score,
        amount=format_amount(match.amount, currency),
        amount_difference=format_amount(match.amount_difference, currency),
        currency=currency,
        date_difference_days=match.date_difference_days,
        booking_date=match.booking_date,
        evidence=present_evidence(evidence, currency),
        explanation=explain(evidence),
        left=left,
        right=right,
        version=match.version,
        created_at=match.created_at,
    )


# Evidence figures stored as integer units (tally.money), shown as decimal amounts.
_EVIDENCE_AMOUNTS = ("difference", "tolerance")


def present_evidence(evidence: dict[str, Any] | None, currency: str | None) -> Evidence | None:
    """Stored evidence as the API shows it: its integer units as decimal amounts."""
    if evidence is None:
        return None

    def amounts(figures: dict[str, Any]) -> dict[str, Any]:
        shown = dict(figures)
        for key in _EVIDENCE_AMOUNTS:
            if isinstance(shown.get(key), int):
                shown[key] = format_amount(shown[key], currency)
        for key in ("left", "right"):
            if isinstance(shown.get(key), list):
                shown[key] = [format_amount(int(units), currency) for units in shown[key]]
        return shown

    conditions = [amounts(c) for c in evidence.get("conditions") or ()]
    return Evidence.model_validate({**amounts(evidence), "conditions": conditions})


def explain(evidence: dict[str, Any] | None) -> str:
    """The evidence as a sentence; manual matches state their arithmetic."""
    if not evidence:
        return ""
    if evidence.get("kind") == "manual":
        lhs = " + ".join(format_units(int(a)) for a in evidence.get("left", ()))
        rhs = " + ".join(format_units(int(a)) for a in evidence.get("right", ()))
        diff = int(evidence.get("difference") or 0)
        sign = " (right amounts negated)" if evidence.get("sign") == "opposite" else ""
        if diff:
            signed = ("+" if diff > 0 else "") + format_units(diff)
            return f"matched manually: {lhs} ≈ {rhs} (difference {signed}){sign}"
        return f"matched manually: {lhs} = {rhs}{sign}"
    return explain_evidence(evidence)


def record_frame(records: Iterable[Record]) -> pl.DataFrame:
    """Records as the engine's input frame (tally.matching.fields.INPUT_COLUMNS)."""
    rows = [{name: getattr(r, name) for name in INPUT_COLUMNS} for r in records]
    return pl.DataFrame(rows, schema=INPUT_COLUMNS)


def quality_figures(rows: Iterable[tuple[str, str, int]]) -> QualityFigures:
    """Figures from (origin, status, count) rows of one rule or of the whole job."""
    count: dict[tuple[str, str], int] = defaultdict(int)
    for origin, status, n in rows:
        count[(origin, status)] += n

    def total(origin: str | None = None, status: str | None = None) -> int:
        return sum(
            n
            for (o, s), n in count.items()
            if (origin is None or o == origin) and (status is None or s == status)
        )

    def ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 6) if whole else None

    confirmed, rejected = MatchStatus.CONFIRMED, MatchStatus.REJECTED
    engine = total() - total(MatchOrigin.MANUAL)
    auto_confirmed = total(MatchOrigin.AUTO, confirmed)
    auto_rejected = total(MatchOrigin.AUTO, rejected)
    auto = total(MatchOrigin.AUTO)
    ambiguous = total(MatchOrigin.AMBIGUOUS)
    manual = total(MatchOrigin.MANUAL, MatchStatus.MANUAL)
    settled = sum(total(status=s) for s in SETTLED_STATUSES)
    return QualityFigures(
        matches=engine,
        auto=auto,
        auto_confirmed=auto_confirmed,
        auto_rejected=auto_rejected,
        auto_precision=ratio(auto_confirmed, auto_confirmed + auto_rejected),
        auto_reviewed_share=ratio(auto_confirmed + auto_rejected, auto),
        suggested=total(MatchOrigin.SUGGESTED),
        suggested_confirmed=total(MatchOrigin.SUGGESTED, confirmed),
        suggested_rejected=total(MatchOrigin.SUGGESTED, rejected),
        ambiguous=ambiguous,
        ambiguous_confirmed=total(MatchOrigin.AMBIGUOUS, confirmed),
        ambiguous_rejected=total(MatchOrigin.AMBIGUOUS, rejected),
        ambiguity_rate=ratio(ambiguous, engine),
        discrepancies=total(MatchOrigin.DISCREPANCY),
        discrepancies_confirmed=total(MatchOrigin.DISCREPANCY, confirmed),
        discrepancies_rejected=total(MatchOrigin.DISCREPANCY, rejected),
        pending_review=total(status=MatchStatus.SUGGESTED) + total(status=MatchStatus.AMBIGUOUS),
        manual=manual,
        settled=settled,
        manual_share=ratio(manual, settled),
    )
