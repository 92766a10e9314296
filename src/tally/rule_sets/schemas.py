from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from tally.matching.rules import DerivedField, Rule, RuleSet
from tally.models import BacktestStatus, RuleSetVersionStatus, SuggestionStatus
from tally.money import CurrencyCode, Money

NOTE_LENGTH = 2000


class DraftCreate(BaseModel):
    rules: RuleSet | None = Field(
        None,
        description="The draft's rules; default: a copy of `from_version`, else of the active "
        "version (or Tally's built-in rules when the project has none yet)",
    )
    from_version: int | None = Field(None, ge=1, description="The version number to copy")
    note: str = Field("", max_length=NOTE_LENGTH, description="What changes, and why")


class DraftUpdate(BaseModel):
    rules: RuleSet
    note: str | None = Field(None, max_length=NOTE_LENGTH)


class RuleSetVersionRead(BaseModel):
    number: int
    status: RuleSetVersionStatus
    rules: RuleSet
    note: str
    author_id: int | None
    author_email: str | None
    created_at: datetime
    updated_at: datetime
    activated_at: datetime | None = Field(description="When it last became the active version")


class BacktestCreate(BaseModel):
    job_id: int = Field(ge=1, description="A completed job whose inputs the version is run on")


class RecordBrief(BaseModel):
    id: int
    reference: str | None
    booking_date: date | None
    amount: Money
    currency: CurrencyCode | None = None
    description: str | None


class DiffSample(BaseModel):
    """One match that differs: its records, and how it was (``old_*``) and is now."""

    left: list[RecordBrief]
    right: list[RecordBrief]
    status: str | None = Field(description="Under the backtested rules (None: lost)")
    rule: str | None
    old_status: str | None = Field(description="In the job's stored results (None: new)")
    old_rule: str | None


class DiffCounts(BaseModel):
    added: int = Field(description="Matches of records the job left unmatched")
    lost: int = Field(description="The job's matches whose records are now all unmatched")
    changed: int = Field(description="The same records matched otherwise (partners, status, rule)")
    unchanged: int


class DecisionFigures(BaseModel):
    """Agreement with the reviewers' decisions on the job (pairs of records)."""

    predicted: int = Field(description="Pairs matched (auto or suggested)")
    confirmed_found: int = Field(description="... that reviewers confirmed or matched by hand")
    rejected_found: int = Field(description="... that reviewers rejected")
    positives_missed: int = Field(description="Confirmed or manual pairs not matched")
    unreviewed: int = Field(description="Predicted pairs no reviewer decided on")
    precision: float | None = Field(description="confirmed / (confirmed + rejected) found")
    recall: float | None = Field(description="confirmed found / all confirmed or manual pairs")


class BacktestReport(BaseModel):
    job_id: int
    diff: DiffCounts
    samples: dict[str, list[DiffSample]] = Field(
        description="Up to a few matches per kind: added, lost, changed"
    )
    decisions: dict[str, int] = Field(
        description="Reviewed pairs on the job: positives (confirmed, manual), negatives"
    )
    current: DecisionFigures = Field(description="The job's own results (what the engine made)")
    backtested: DecisionFigures = Field(description="The backtested rules' results")
    matches: dict[str, int] = Field(description="Matches by status under the backtested rules")
    seconds: float


class BacktestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    outdated: bool = Field(description="The draft was edited after this backtest was asked for")
    job_id: int
    status: BacktestStatus
    report: BacktestReport | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class SuggestionCreate(BaseModel):
    job_ids: list[int] | None = Field(
        None,
        min_length=1,
        description="Completed jobs with stored results to learn from; default: every such job "
        "of the project. Their records together may number up to "
        "tally.rule_sets.service.SUGGEST_MAX_RECORDS (200,000)",
    )


class SuggestionFigures(BaseModel):
    """A suggested rule run alone over the records, against the reviewers' decisions of all the
    jobs learned from: of the `pairs` learned from (manual matches and confirmed suggestions) it
    finds `found` (`coverage` = found / pairs); of the `predicted` pairs it matches, reviewers
    `confirmed` (or matched by hand), `rejected` (in any of the jobs), or matched a record of
    `conflicting` ones with another; `precision` = confirmed / (confirmed + rejected +
    conflicting), null when none of them was reviewed."""

    model_config = ConfigDict(from_attributes=True)

    pairs: int
    found: int
    predicted: int
    confirmed: int
    rejected: int
    conflicting: int
    precision: float | None

    @computed_field(description="found / pairs")  # type: ignore[prop-decorator]
    @property
    def coverage(self) -> float:
        return round(self.found / self.pairs, 4) if self.pairs else 0.0


class JobSuggestionFigures(SuggestionFigures):
    job_id: int


class SuggestionRead(SuggestionFigures):
    """A suggested rule with its figures over all the jobs learned from, and per job."""

    id: int
    status: SuggestionStatus
    rule: Rule = Field(description="The proposed rule, as a rule set's rules hold it")
    derived_fields: list[DerivedField] = Field(description="Derived fields the rule reads")
    description: str = Field(description="The rule in words")
    support: int = Field(description="Pairs learned from (of all the jobs) showing its pattern")
    jobs: list[JobSuggestionFigures] = Field(description="The figures on each job, newest first")
    draft_version: int | None = Field(description="The draft version accepting it created")
    created_at: datetime
    decided_at: datetime | None
