from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tally.matching.rules import RuleSet
from tally.models import JobStatus


class JobCreate(BaseModel):
    left_source_id: int = Field(ge=1)
    right_source_id: int = Field(ge=1)
    rules: RuleSet | None = Field(
        None, description="The rule set to match with; default: the project's default rule set"
    )


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    left_source_id: int
    right_source_id: int
    status: JobStatus
    progress: float
    cancel_requested: bool
    attempts: int
    rules: dict[str, Any]
    summary: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
