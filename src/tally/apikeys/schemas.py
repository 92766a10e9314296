from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tally.models import ProjectRole


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["nightly ledger import"])
    role: ProjectRole = Field(
        description="The highest role the key acts with on a project (never more than yours)"
    )
    project_id: int | None = Field(
        None, ge=1, description="The one project the key reaches; None: every project of yours"
    )
    expires_in_days: int | None = Field(
        365, ge=1, le=3650, description="Days until the key stops working; None: never"
    )


class ApiKeyRotate(BaseModel):
    overlap_hours: int = Field(
        24,
        ge=0,
        le=24 * 30,
        description="How long the old key keeps working beside the new one (0: stops now)",
    )


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str | None = Field(description="The key's first characters, to recognise it")
    role: ProjectRole
    project_id: int | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="Noted to the minute")
    revoked_at: datetime | None


class ApiKeyCreated(BaseModel):
    key: ApiKeyRead
    secret: str = Field(
        description="The key itself, shown this once (only its hash is stored): send it as "
        "`Authorization: Bearer <secret>`"
    )
