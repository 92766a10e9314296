from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class RuleSetVersionStatus(StrEnum):
    DRAFT = "draft"  # editable; never used by a job, only backtested
    ACTIVE = "active"  # what new jobs of the project use; immutable
    RETIRED = "retired"  # was active once; immutable, may be activated again


class RuleSetVersion(Base):
    """One numbered version of a project's rule set: the validated rules, who wrote them, when
    and why. Drafts may change; a version is frozen from its first activation on."""

    __tablename__ = "rule_set_version"
    __table_args__ = (
        # Versions are named by their number within the project; jobs refer to it (the pair).
        UniqueConstraint("project_id", "number"),
        # At most one active version per project: a database guarantee, whatever code writes.
        Index(
            "uq_rule_set_version_project_id_active",
            "project_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=RuleSetVersionStatus.DRAFT)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(Timestamp)
