from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class AuditEvent(Base):
    """Who changed what and when: one row per review change (confirm, reject, manual match)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # A project's activity, newest first: WHERE project_id = ? ORDER BY id DESC.
        Index("ix_audit_event_project_id_id", "project_id", "id"),
        # GET .../jobs/{job_id}/audit: WHERE job_id = ? ORDER BY id DESC.
        Index("ix_audit_event_job_id_id", "job_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    # The trail outlives the job's results (retention) but not the job itself being deleted.
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="SET NULL")
    )
    # Indexed for the ON DELETE SET NULL lookup when a user is removed.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))  # e.g. match.confirmed
    target: Mapped[str] = mapped_column(String(200))  # e.g. match:123
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
