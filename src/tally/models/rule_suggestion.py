from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class SuggestionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # its rule was added to a new draft version
    DISMISSED = "dismissed"


class RuleSuggestion(Base):
    """A rule proposed from the review decisions of a project's past jobs (tally.matching.suggest),
    with its measured coverage and precision on their records, overall and per job (``jobs``),
    until someone accepts or dismisses it."""

    __tablename__ = "rule_suggestion"
    __table_args__ = (
        # The rules page lists a project's suggestions by status, newest first.
        Index("ix_rule_suggestion_project_id_status_id", "project_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=SuggestionStatus.OPEN)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    derived_fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    pairs: Mapped[int] = mapped_column(Integer)
    support: Mapped[int] = mapped_column(Integer)
    found: Mapped[int] = mapped_column(Integer)
    predicted: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    conflicting: Mapped[int] = mapped_column(Integer)
    precision: Mapped[float | None] = mapped_column(Float)
    # The same figures per job learned from: [{"job_id", "pairs", "found", ..., "precision"}].
    # No foreign key: a deleted job leaves what was measured on it.
    jobs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The draft version accepting it created.
    draft_version: Mapped[int | None] = mapped_column(Integer)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
