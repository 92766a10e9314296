from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, Timestamp, utcnow


class ProjectStats(Base):
    """Stats stored when a job completes or a review changes them: get_project_stats is one read."""

    __tablename__ = "project_stats"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    last_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="SET NULL"), index=True
    )
    matched_count: Mapped[int] = mapped_column(BigInteger, default=0)
    unmatched_count: Mapped[int] = mapped_column(BigInteger, default=0)
    matched_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    unmatched_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    match_rate: Mapped[float] = mapped_column(Float, default=0.0)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
