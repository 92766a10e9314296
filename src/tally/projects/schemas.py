from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from tally.models import ProjectRole
from tally.money import CurrencyCode, Money


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)


class ProjectUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10_000)


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    owner_id: int
    created_at: datetime
    updated_at: datetime


_PROJECT_JSON = TypeAdapter(ProjectRead)


def project_json(project: ProjectRead) -> bytes:
    """The bytes ``GET /projects/{id}`` answers with, which the cache stores under
    ``project:{id}`` (written by the endpoint, a projects page's loader, or an edit)."""
    return _PROJECT_JSON.dump_json(project)


class MemberAdd(BaseModel):
    email: str = Field(min_length=3, max_length=320, pattern=r"^\s*[^@\s]+@[^@\s]+\s*$")
    role: ProjectRole = ProjectRole.VIEWER

    @field_validator("email")
    @classmethod
    def _normalised(cls, email: str) -> str:
        """Stored and compared trimmed and in lower case; lowering may lengthen some letters."""
        email = email.strip().lower()
        if len(email) > 320:
            raise ValueError("An email address has at most 320 characters")
        return email


class MemberRead(BaseModel):
    user_id: int
    email: str
    role: ProjectRole


class SourceCount(BaseModel):
    id: int
    name: str
    status: str
    row_count: int


class LastJob(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    created_at: datetime
    finished_at: datetime | None


class ProjectStatsRead(BaseModel):
    project_id: int
    sources: list[SourceCount]
    record_count: int
    matched_count: int
    unmatched_count: int
    currency: CurrencyCode | None = Field(
        description="The currency of both amounts (None when the sources name none or differ)"
    )
    matched_amount: Money = Field(description="Matched money, counted once (the left side)")
    unmatched_amount: Money = Field(description="Open items of both sides")
    match_rate: float = Field(description="Share of the last completed job's records matched, 0-1")
    last_job: LastJob | None
    computed_at: datetime | None
