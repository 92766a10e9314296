from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class WriteOff(Base):
    """An amount written off to close an exception: a record of its own, so the reconciliation
    statement adds it as a line and the balances stay exact. Reopening the exception voids it
    (kept, with who and why)."""

    __tablename__ = "write_off"
    __table_args__ = (
        # The statement: WHERE reconciliation_id = ? AND voided_at IS NULL.
        Index("ix_write_off_reconciliation_id_voided_at", "reconciliation_id", "voided_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    reconciliation_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation.id", ondelete="CASCADE")
    )
    exception_id: Mapped[int] = mapped_column(
        ForeignKey("exception_item.id", ondelete="CASCADE"), index=True
    )
    record_id: Mapped[int] = mapped_column(BigInteger)
    side: Mapped[str] = mapped_column(String(5))
    amount: Mapped[int] = mapped_column(BigInteger)  # units of 1/10,000 (tally.money)
    currency: Mapped[str | None] = mapped_column(String(3))
    booking_date: Mapped[date | None] = mapped_column(Date)  # the written-off record's
    reason: Mapped[str] = mapped_column(Text)
    account: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    void_reason: Mapped[str | None] = mapped_column(Text)
