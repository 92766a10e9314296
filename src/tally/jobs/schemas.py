from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tally.matching.rules import RuleSet
from tally.models import JobMode, JobStatus, MatchOrigin, MatchStatus, Partitioning
from tally.money import CurrencyCode, Money, format_amount

# Summary figures held as integer units (tally.money) that a reader sees as decimal amounts.
_AMOUNT_KEYS = ("matched_amount", "unmatched_amount")


class CurrencyFigures(BaseModel):
    """One currency's records of a side: amounts of different currencies are never added."""

    currency: CurrencyCode | None = Field(description="None: records that name no currency")
    records: int
    matched: int
    unmatched: int
    matched_amount: Money
    unmatched_amount: Money


class SideSummary(BaseModel):
    """One source's records in a job: how many, how many matched, and their amounts."""

    records: int = 0
    claimed: int = Field(0, description="Held by a match of any status (not in the unmatched tabs)")
    matched: int = Field(0, description="Settled: auto, confirmed or manual matches")
    unmatched: int = 0
    currency: CurrencyCode | None = Field(
        None, description="The currency of its amounts (None when its records name none or several)"
    )
    matched_amount: Money | None = Field(
        "0.00",
        description="Sum of the matched records' absolute amounts; null when the records are in "
        "several currencies (see by_currency)",
    )
    unmatched_amount: Money | None = Field(
        "0.00",
        description="Sum of the open records' absolute amounts; null when the records are in "
        "several currencies (see by_currency)",
    )
    by_currency: list[CurrencyFigures] | None = Field(
        None,
        description="Per currency, when the records are in several; null when in one (the "
        "amounts above are then that currency's)",
    )


class SummaryAgeBucket(BaseModel):
    label: str = Field(description="e.g. 0-7 days, aged against the newest date in the data")
    count: int


class SummaryWarning(BaseModel):
    """Something about the run a person should act on."""

    code: str = Field(description="field_empty, no_candidates, group_candidates_truncated, ...")
    message: str = Field(description="What happened, with the figures")
    action: str = Field(description="What to do about it")
    rule: str | None = None


class DecisionCount(BaseModel):
    """Matches of one rule by origin and current status: what the quality report counts."""

    rule: str
    rule_index: int
    origin: MatchOrigin
    status: MatchStatus
    count: int


class JobSummary(BaseModel):
    """A finished job's figures. Amounts are decimal strings beside their currency."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "left": {
                        "records": 1200,
                        "claimed": 1180,
                        "matched": 1170,
                        "unmatched": 30,
                        "currency": "EUR",
                        "matched_amount": "184220.50",
                        "unmatched_amount": "2310.00",
                    },
                    "right": {
                        "records": 1190,
                        "claimed": 1180,
                        "matched": 1170,
                        "unmatched": 20,
                        "currency": "EUR",
                        "matched_amount": "184220.50",
                        "unmatched_amount": "1120.40",
                    },
                    "matches": {"matched:auto": 1160, "matched:suggested": 10},
                    "warnings": [],
                    "seconds": 1.8,
                }
            ]
        }
    )

    left: SideSummary = Field(default_factory=SideSummary)
    right: SideSummary = Field(default_factory=SideSummary)
    matches: dict[str, int] = Field(
        default_factory=dict, description="Matches per category:status, e.g. matched:auto"
    )
    unmatched_by_age: list[SummaryAgeBucket] | None = None
    decisions: list[DecisionCount] = Field(default_factory=list)
    warnings: list[SummaryWarning] = Field(default_factory=list)
    duplicates: int | None = Field(None, description="Records with a twin on their own side")
    mode: JobMode | None = None
    reconciliation_id: int | None = None
    scope: dict[str, int] | None = Field(
        None, description="incremental: the records per side the run matched"
    )
    settled_before: dict[str, int] | None = Field(
        None, description="incremental: the records per side settled by earlier runs"
    )
    engine: dict[str, Any] | None = Field(None, description="The matching engine's statistics")
    seconds: float | None = None
    phases: dict[str, float] | None = Field(None, description="Seconds per phase of the run")
    reviewed_at: datetime | None = Field(None, description="The last review that moved a figure")


def present_summary(summary: dict[str, Any] | None) -> JobSummary | None:
    """A job's stored summary as every reader sees it (API, job page, CLI): amounts as decimal
    strings in their currency's exponent, never the integer units of 1/10,000 the summary keeps
    for exact arithmetic; decision rows as named objects."""
    if summary is None:
        return None
    shown = dict(summary)
    for side in ("left", "right"):
        figures = shown.get(side)
        if isinstance(figures, dict):
            shown[side] = present_side(figures)
    decisions = shown.get("decisions")
    if isinstance(decisions, list):
        names = ("rule", "rule_index", "origin", "status", "count")
        shown["decisions"] = [dict(zip(names, row, strict=True)) for row in decisions]
    return JobSummary.model_validate(shown)


def present_side(figures: dict[str, Any]) -> dict[str, Any]:
    """A side's stored totals as shown: amounts in their currency's places. A side in several
    currencies shows each currency's figures and no sum across them; one whose split is unknown
    (settled records carried into an incremental run) shows no amounts rather than a sum."""
    currency = figures.get("currency")
    split = figures.get("by_currency")
    shown = {
        key: format_amount(value, currency)
        if key in _AMOUNT_KEYS and isinstance(value, int)
        else value
        for key, value in figures.items()
        if key != "by_currency"
    }
    unsplittable = "by_currency" in figures and split is None and currency is None
    if isinstance(split, dict) and len(split) > 1:
        shown |= dict.fromkeys(_AMOUNT_KEYS, None)
        shown["by_currency"] = [
            CurrencyFigures(
                currency=code or None,
                records=part["records"],
                matched=part["matched"],
                unmatched=part["unmatched"],
                matched_amount=format_amount(part["matched_amount"], code or None),
                unmatched_amount=format_amount(part["unmatched_amount"], code or None),
            )
            for code, part in sorted(split.items())
        ]
    elif unsplittable and figures.get("records"):
        shown |= dict.fromkeys(_AMOUNT_KEYS, None)
    return shown


class JobCreate(BaseModel):
    left_source_id: int = Field(ge=1)
    right_source_id: int = Field(ge=1)
    rules: RuleSet | None = Field(
        None, description="The rules to match with; default: the project's active rule-set version"
    )
    rule_set_version: int | None = Field(
        None, ge=1, description="A released version of the project's rule set to match with"
    )
    mode: JobMode = Field(
        JobMode.FULL,
        description="full: match every record of both sources (decisions of earlier jobs on"
        " rejected pairs still hold); incremental: match only the open items of the two sources'"
        " reconciliation and the rows appended since its last job (settled records stay settled)",
    )
    partitioning: Partitioning = Field(
        Partitioning.AUTO,
        description="Split the matching into parts by the key every rule shares, with exactly"
        " one run's result: auto (from TALLY_PARTITION_MIN_RECORDS records), on or off",
    )

    @model_validator(mode="after")
    def _one_rule_source(self) -> Self:
        if self.rules is not None and self.rule_set_version is not None:
            raise ValueError("give either rules or rule_set_version, not both")
        return self


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int = Field(
        description='1, 2, 3 within the project, never reused, what people call it ("job 7"); '
        "the id stays its key in URLs"
    )
    project_id: int
    left_source_id: int
    right_source_id: int
    status: JobStatus
    mode: JobMode = Field(JobMode.FULL, description="full or incremental (see JobCreate)")
    reconciliation_id: int | None = Field(
        None, description="The reconciliation of its two sources whose state the job advances"
    )
    progress: float
    partitioning: Partitioning = Field(Partitioning.AUTO, description="auto, on or off")
    partitions: dict[str, Any] | None = Field(
        None,
        description="The partition plan (parts, key, records per part, boundary share) and each"
        " part's progress; None when the job ran in one part",
    )
    cancel_requested: bool
    attempts: int
    rules: RuleSet
    rule_set_version: int | None = Field(
        description="The project's rule-set version the job ran with (None: its own rules)"
    )
    summary: JobSummary | None = Field(
        description="A finished job's counts, amounts with their currency, warnings with what to"
        " do, and the engine's statistics"
    )
    error: str | None
    created_at: datetime
    updated_at: datetime = Field(description="The job's last change (of any field or a review)")
    started_at: datetime | None
    finished_at: datetime | None
    archived_at: datetime | None = Field(
        None,
        description="When the job was archived: read-only from then on, its decisions and audit"
        " trail kept, and its sources may be deleted from the project",
    )
    results_indexed_at: datetime | None = Field(
        None,
        description="When the indexes of its results pages were built (after completion); until"
        " then a text search (q) over its results scans every record",
    )

    @field_validator("summary", mode="before")
    @classmethod
    def _presented(cls, value: Any) -> Any:
        return present_summary(value) if isinstance(value, dict) or value is None else value
