from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class BacktestStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class RuleSetBacktest(Base):
    """A run of one rule-set version over a past job's inputs, compared with that job's stored
    results and review decisions. Its report is the only thing a backtest writes."""

    __tablename__ = "rule_set_backtest"
    __table_args__ = (
        # A version's backtests, newest first (the rule sets page).
        Index("ix_rule_set_backtest_version_id_id", "version_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("rule_set_version.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="CASCADE"), index=True
    )
    # The rules as they were when the backtest was asked for (a draft may change afterwards).
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=BacktestStatus.QUEUED)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
