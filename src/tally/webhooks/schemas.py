from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tally.models import DeliveryStatus, Webhook

EventName = Literal[
    "job.completed", "job.failed", "period.signed_off", "exceptions.threshold_exceeded"
]
SECRET_HINT_CHARS = 10


class WebhookCreate(BaseModel):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="An https:// URL on a public address (internal addresses are refused)",
        examples=["https://hooks.example.com/tally"],
    )
    events: list[EventName] = Field(min_length=1, description="The events this hook receives")
    description: str = Field("", max_length=200)
    exceptions_threshold: int = Field(
        1,
        ge=1,
        description="exceptions.threshold_exceeded fires when a job leaves at least this many "
        "new exceptions",
    )

    @field_validator("events")
    @classmethod
    def _distinct(cls, events: list[EventName]) -> list[EventName]:
        return list(dict.fromkeys(events))


class WebhookUpdate(BaseModel):
    """What an owner may change on a hook (the URL and secret have their own ways)."""

    events: list[EventName] | None = Field(None, min_length=1)
    description: str | None = Field(None, max_length=200)
    exceptions_threshold: int | None = Field(
        None,
        ge=1,
        description="exceptions.threshold_exceeded fires when a job leaves at least this many "
        "new exceptions",
    )

    @field_validator("events")
    @classmethod
    def _distinct(cls, events: list[EventName] | None) -> list[EventName] | None:
        return None if events is None else list(dict.fromkeys(events))


class WebhookRead(BaseModel):
    id: int
    project_id: int
    url: str
    description: str
    events: list[str]
    exceptions_threshold: int
    secret_hint: str = Field(description="The secret's first characters, to tell secrets apart")
    created_at: datetime
    secret_rotated_at: datetime | None

    @classmethod
    def of(cls, hook: Webhook) -> WebhookRead:
        return cls(
            id=hook.id,
            project_id=hook.project_id,
            url=hook.url,
            description=hook.description,
            events=hook.events,
            exceptions_threshold=hook.exceptions_threshold,
            secret_hint=hook.secret[:SECRET_HINT_CHARS] + "...",
            created_at=hook.created_at,
            secret_rotated_at=hook.secret_rotated_at,
        )


class WebhookCreated(BaseModel):
    webhook: WebhookRead
    secret: str = Field(
        description="Verify each delivery's Tally-Signature with it. Shown this once: keep it."
    )


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    started_at: datetime
    status_code: int | None = Field(description="The receiver's answer; null when none came")
    latency_ms: int | None
    error: str | None


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    webhook_id: int
    event: str
    event_key: str = Field(description="The event's id (header Tally-Event-Id), for deduplication")
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None = Field(description="When the next retry is due, if pending")
    created_at: datetime
    finished_at: datetime | None
    attempt_log: list[AttemptRead]
