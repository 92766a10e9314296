from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tally.matching.rules import RuleSet
from tally.models import JobMode, JobStatus
from tally.money import format_units

# Summary figures held as integer units (tally.money) that a reader sees as decimal amounts.
_AMOUNT_KEYS = ("matched_amount", "unmatched_amount")


def present_summary(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """A job's stored summary as users read it: amounts as decimal strings ("1234.50"), never
    the integer units of 1/10,000 the summary keeps for exact arithmetic."""
    if summary is None:
        return None
    shown = dict(summary)
    for side in ("left", "right"):
        figures = shown.get(side)
        if isinstance(figures, dict):
            shown[side] = {
                key: format_units(value)
                if key in _AMOUNT_KEYS and isinstance(value, int)
                else value
                for key, value in figures.items()
            }
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

    @model_validator(mode="after")
    def _one_rule_source(self) -> Self:
        if self.rules is not None and self.rule_set_version is not None:
            raise ValueError("give either rules or rule_set_version, not both")
        return self


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    left_source_id: int
    right_source_id: int
    status: JobStatus
    mode: JobMode = Field(JobMode.FULL, description="full or incremental (see JobCreate)")
    reconciliation_id: int | None = Field(
        None, description="The reconciliation of its two sources whose state the job advances"
    )
    progress: float
    cancel_requested: bool
    attempts: int
    rules: dict[str, Any]
    rule_set_version: int | None = Field(
        description="The project's rule-set version the job ran with (None: its own rules)"
    )
    summary: dict[str, Any] | None = Field(
        description="Counts, decimal amounts (matched_amount, unmatched_amount), warnings with "
        "what to do, and the engine's statistics of a finished job"
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
    def _decimal_amounts(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return present_summary(value)
