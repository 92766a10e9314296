"""What the results API reads and returns. Money is a decimal string in the currency's own
exponent (tally.money.Money), with the currency beside it; never a float."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tally.models import MatchCategory, MatchOrigin, MatchStatus, MatchTab
from tally.money import CurrencyCode, Money

MAX_GROUP_RECORDS = 50  # per side of a manual match: a reviewer's selection, not a batch job


class RecordTab(StrEnum):
    UNMATCHED_LEFT = "unmatched_left"  # left records no claiming match holds
    UNMATCHED_RIGHT = "unmatched_right"
    DUPLICATES = "duplicates"  # records with a twin on their own side


class ResultTab(StrEnum):
    """Every tab of a job's results: the match tabs and the record tabs."""

    MATCHED = "matched"
    REVIEW = "review"
    DISCREPANCIES = "discrepancies"
    REJECTED = "rejected"
    UNMATCHED_LEFT = "unmatched_left"
    UNMATCHED_RIGHT = "unmatched_right"
    DUPLICATES = "duplicates"


class MatchSort(StrEnum):
    ID = "id"
    ID_DESC = "-id"
    AMOUNT = "amount"
    AMOUNT_DESC = "-amount"
    DATE = "date"
    DATE_DESC = "-date"
    SCORE = "score"
    SCORE_DESC = "-score"


class RecordSort(StrEnum):
    ID = "id"  # file order
    ID_DESC = "-id"
    AMOUNT = "amount"
    AMOUNT_DESC = "-amount"
    DATE = "date"
    DATE_DESC = "-date"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ExportLayout(StrEnum):
    """records: one row per record; pairs: one row per pair, left and right side by side."""

    RECORDS = "records"
    PAIRS = "pairs"


class MatchQuery(BaseModel):
    """Filters of a match tab; amounts in integer units (tally.money)."""

    tab: MatchTab = MatchTab.MATCHED
    rule: str | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    any_sign: bool = False  # the bounds apply to the amount's size (debits and credits)
    q: str | None = None
    sort: MatchSort = MatchSort.ID


class RecordQuery(BaseModel):
    """Filters of a record tab; amounts in integer units (tally.money)."""

    tab: RecordTab = RecordTab.UNMATCHED_LEFT
    min_amount: int | None = None
    max_amount: int | None = None
    any_sign: bool = False  # the bounds apply to the amount's size (debits and credits)
    q: str | None = None
    sort: RecordSort = RecordSort.ID


_RECORD_EXAMPLE: dict[str, Any] = {
    "id": 1001,
    "side": "left",
    "row_number": 14,
    "reference": "INV-2026-0042",
    "booking_date": "2026-11-30",
    "value_date": "2026-11-30",
    "amount": "1250.00",
    "currency": "EUR",
    "description": "Invoice 42",
    "counterparty": "Acme GmbH",
    "counterparty_account": "DE89370400440532013000",
    "transaction_id": "TX-88213",
}


class RecordRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_RECORD_EXAMPLE]})

    id: int
    side: Literal["left", "right"]
    row_number: int
    reference: str | None
    booking_date: date | None
    value_date: date | None
    amount: Money
    currency: CurrencyCode | None
    description: str | None
    counterparty: str | None
    counterparty_account: str | None
    transaction_id: str | None
    duplicate_group: int | None = Field(
        None, description="Smallest record id of this record's duplicate group in the job, if any"
    )


class RecordItem(RecordRead):
    match_id: int | None = Field(None, description="The match that claims this record, if any")


class EvidenceKind(StrEnum):
    PAIR = "pair"
    GROUP = "group"
    DISCREPANCY = "discrepancy"
    MANUAL = "manual"


class ConditionEvidence(BaseModel):
    """What one condition of the rule measured on the match (fields by condition type)."""

    type: Literal["equals", "amount", "date", "fuzzy"]
    field: str | None = None
    right_field: str | None = Field(None, description="The right side's field, when it differs")
    passed: bool = True
    required: bool = True
    exact: bool | None = Field(None, description="equals: equal before normalising")
    normalisers: list[str] | None = Field(None, description="equals: what made them equal")
    difference: Money | None = Field(None, description="amount: right minus left")
    tolerance: Money | None = Field(None, description="amount: the difference allowed")
    sign: Literal["opposite"] | None = Field(None, description="amount: right amounts negated")
    days: int | None = Field(None, description="date: right minus left, in days")
    max_days: int | None = Field(None, description="date, in a group: the largest gap")
    window: int | None = Field(None, description="date: the days allowed")
    similarity: float | None = Field(None, description="fuzzy: 0-100")
    threshold: float | None = Field(None, description="fuzzy: the similarity required")


class Evidence(BaseModel):
    """Why the match was made: each condition's measurement, and a group's arithmetic."""

    kind: EvidenceKind
    conditions: list[ConditionEvidence] = Field(default_factory=list)
    tie: bool = Field(False, description="Another candidate had the same score")
    left: list[Money] | None = Field(None, description="group, manual: the left amounts")
    right: list[Money] | None = Field(None, description="group, manual: the right amounts")
    difference: Money | None = Field(None, description="group, manual: right minus left total")
    tolerance: Money | None = Field(None, description="group: the difference allowed")
    sign: Literal["opposite"] | None = Field(None, description="Right amounts negated")


class MatchRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 5012,
                    "number": 214,
                    "job_id": 12,
                    "tab": "matched",
                    "status": "auto",
                    "category": "matched",
                    "origin": "auto",
                    "rule": "reference",
                    "rule_set_version": 3,
                    "score": 0.98,
                    "amount": "1250.00",
                    "amount_difference": "0.00",
                    "currency": "EUR",
                    "date_difference_days": 1,
                    "booking_date": "2026-11-30",
                    "evidence": {
                        "kind": "pair",
                        "conditions": [
                            {"type": "equals", "field": "reference", "exact": True},
                            {"type": "amount", "difference": "0.00", "tolerance": "0.01"},
                            {"type": "date", "field": "booking_date", "days": 1, "window": 3},
                        ],
                        "tie": False,
                    },
                    "explanation": "reference equal; amount equal; booked 1 day later",
                    "left": [_RECORD_EXAMPLE],
                    "right": [{**_RECORD_EXAMPLE, "id": 2077, "side": "right", "row_number": 3}],
                    "version": 0,
                    "created_at": "2026-12-07T09:30:00Z",
                }
            ]
        }
    )

    id: int
    number: int | None = Field(
        description='1, 2, 3 within the project, what people call it ("match 214"); the id '
        "stays its key in URLs"
    )
    job_id: int
    tab: MatchTab
    status: MatchStatus
    category: MatchCategory
    origin: MatchOrigin = Field(description="What produced it (kept when a reviewer decides)")
    rule: str
    rule_set_version: int | None = Field(
        description="The project's rule-set version that made it (None: manual, or the job's own "
        "rules)"
    )
    score: float
    amount: Money = Field(description="The left side's total")
    amount_difference: Money = Field(description="Right total minus left total")
    currency: CurrencyCode | None = Field(
        description="The currency of its amounts (None when its records name none or several)"
    )
    date_difference_days: int | None
    booking_date: date | None
    evidence: Evidence | None
    explanation: str
    left: list[RecordRead]
    right: list[RecordRead]
    version: int = Field(
        0, description="Moved by every review change; send it back with a decision (409 if stale)"
    )
    created_at: datetime


class ReviewNote(BaseModel):
    note: str | None = Field(None, max_length=1000, description="Why; kept in the audit trail")
    version: int | None = Field(
        None,
        ge=0,
        description="The match's version the decision was made on: when it has changed since"
        " (another reviewer acted), 409 MatchChanged with the match as it is now",
    )


class BulkAction(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"


class BulkSelection(BaseModel):
    """A filter choosing matches of one tab: e.g. every suggestion of a rule at or above a score."""

    tab: MatchTab = MatchTab.REVIEW
    rule: str | None = Field(None, description="Only matches made by this rule")
    min_score: float | None = Field(None, ge=0, le=1, description="Only scores at or above this")
    min_amount: Money | None = Field(None, description="Only left totals at or above this")
    max_amount: Money | None = Field(None, description="Only left totals at or below this")
    suggestions_only: bool = Field(
        True,
        description="In the review tab, leave out ambiguous alternatives (confirming one rejects"
        " its rivals, so they are decided one at a time)",
    )


class BulkReview(BaseModel):
    """Confirm or reject many matches in one request: listed by id, or chosen by a filter."""

    action: BulkAction
    match_ids: list[int] | None = Field(
        None,
        min_length=1,
        description="These matches (at most TALLY_BULK_REVIEW_MAX, 1,000,000 by default)",
    )
    selection: BulkSelection | None = Field(None, description="Or every match this filter chooses")
    note: str | None = Field(None, max_length=1000, description="Why; kept with each decision")

    @model_validator(mode="after")
    def _one_choice(self) -> BulkReview:
        if (self.match_ids is None) == (self.selection is None):
            raise ValueError("give either match_ids or selection")
        return self


class BulkOutcome(BaseModel):
    action: BulkAction
    changed: list[int] = Field(description="Matches decided by this request, each audited")
    unchanged: list[int] = Field(description="Matches already in the requested state")
    rejected_match_ids: list[int] = Field(
        default_factory=list,
        description="Ambiguous alternatives rejected because a confirmed match shares records",
    )


class ReviewOutcome(BaseModel):
    match: MatchRead
    rejected_match_ids: list[int] = Field(
        default_factory=list,
        description="Ambiguous alternatives rejected because they share records with this match",
    )


class ManualMatchCreate(BaseModel):
    left_record_ids: list[int] = Field(min_length=1, max_length=MAX_GROUP_RECORDS)
    right_record_ids: list[int] = Field(min_length=1, max_length=MAX_GROUP_RECORDS)
    note: str | None = Field(None, max_length=1000)

    @field_validator("left_record_ids", "right_record_ids")
    @classmethod
    def _unique(cls, ids: list[int]) -> list[int]:
        if len(set(ids)) != len(ids):
            raise ValueError("record ids must not repeat")
        return ids


class AuditEventRead(BaseModel):
    id: int
    job_id: int | None
    actor_id: int | None
    actor_email: str | None
    action: str
    target: str
    detail: dict[str, Any] | None
    created_at: datetime


class QualityFigures(BaseModel):
    """Review decisions over one rule (or the whole job) and the rates they give."""

    matches: int = Field(0, description="Matches the engine proposed (every status)")
    auto: int = 0
    auto_confirmed: int = 0
    auto_rejected: int = 0
    auto_precision: float | None = Field(
        None, description="Confirmed / (confirmed + rejected) among reviewed automatic matches"
    )
    auto_reviewed_share: float | None = Field(
        None, description="Share of automatic matches a reviewer decided on (the sample size)"
    )
    suggested: int = 0
    suggested_confirmed: int = 0
    suggested_rejected: int = 0
    ambiguous: int = Field(0, description="Ambiguous alternatives (several per tie)")
    ambiguous_confirmed: int = 0
    ambiguous_rejected: int = 0
    ambiguity_rate: float | None = Field(
        None, description="Ambiguous alternatives / matches the engine proposed"
    )
    discrepancies: int = 0
    discrepancies_confirmed: int = 0
    discrepancies_rejected: int = 0
    pending_review: int = Field(0, description="Suggestions, ambiguous pairs, discrepancies open")
    manual: int = Field(0, description="Manual matches in place (undone ones excluded)")
    settled: int = Field(0, description="Matches in the matched tab: auto, confirmed, manual")
    manual_share: float | None = Field(
        None, description="Manual matches / settled matches: how much the rules missed"
    )


class RuleQuality(BaseModel):
    rule: str
    rule_index: int
    figures: QualityFigures


class QualityReport(BaseModel):
    job_id: int
    overall: QualityFigures
    rules: list[RuleQuality]


class NearCandidateRead(BaseModel):
    record: RecordRead
    rule: str = Field(description="The rule under which it came closest")
    closeness: float = Field(description="0..1; failing conditions graded by how far they missed")
    matches_rule: bool = Field(description="Every required condition holds")
    failed: list[str]
    passed: list[str]
    match_id: int | None = Field(None, description="The match that already claims it, if any")


class CandidateWindow(BaseModel):
    """The slice of the other source that was compared (bounded, read through indexes)."""

    source_id: int
    date_from: date | None
    date_to: date | None
    amount_ranges: list[tuple[Money, Money]]
    currency: CurrencyCode | None
    records_compared: int


class CandidatesRead(BaseModel):
    record: RecordRead
    window: CandidateWindow
    candidates: list[NearCandidateRead]
