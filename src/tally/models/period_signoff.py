from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class PeriodSignoff(Base):
    """An owner's sign-off of a reconciliation up to ``as_of_date``, with the statement as it was
    signed. While it stands (``reopened_at`` is None) decisions on records dated on or before
    that date are locked; reopening keeps the row, with who and why."""

    __tablename__ = "period_signoff"
    __table_args__ = (
        # The lock check: WHERE reconciliation_id = ? AND reopened_at IS NULL.
        Index(
            "ix_period_signoff_reconciliation_id_reopened_at", "reconciliation_id", "reopened_at"
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    reconciliation_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation.id", ondelete="CASCADE")
    )
    as_of_date: Mapped[date] = mapped_column(Date)
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)
    signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    signed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    reopened_at: Mapped[datetime | None] = mapped_column(Timestamp)
    reopened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    reopen_reason: Mapped[str | None] = mapped_column(Text)
