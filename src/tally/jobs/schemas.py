from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tally.matching.rules import RuleSet
from tally.models import JobMode, JobStatus


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
    summary: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    results_indexed_at: datetime | None = Field(
        None,
        description="When the indexes of its results pages were built (after completion); until"
        " then a text search (q) over its results scans every record",
    )
