from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class ExceptionStatus(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"


class ExceptionResolution(StrEnum):
    MATCHED = "matched"  # a match settled the record (a job, a confirmation, a manual match)
    WRITTEN_OFF = "written_off"  # a write_off row holds the amount
    EXPLAINED = "explained"  # expected to clear by ``expected_clear_date``


class ExceptionItem(Base):
    """An open item of a reconciliation being worked by people: who has it, how far it is, why it
    is open and how it was resolved. One row per record and reconciliation, kept when the record
    is settled (resolved as matched) and reopened when it is open again, so its comments and
    history stay in one place. ``amount`` and ``booking_date`` copy the record's, for filters and
    ageing without reading ``record``."""

    __tablename__ = "exception_item"
    __table_args__ = (
        UniqueConstraint("reconciliation_id", "record_id"),
        # The worklist: WHERE project_id = ? AND status = ? ORDER BY first_seen_at.
        Index(
            "ix_exception_item_project_id_status_first_seen_at",
            "project_id",
            "status",
            "first_seen_at",
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    reconciliation_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation.id", ondelete="CASCADE")
    )
    # No foreign key to record (BULK_TABLES_NOTE); deleted with its reconciliation.
    record_id: Mapped[int] = mapped_column(BigInteger)
    side: Mapped[str] = mapped_column(String(5))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    booking_date: Mapped[date | None] = mapped_column(Date)
    first_seen_at: Mapped[datetime] = mapped_column(Timestamp)
    status: Mapped[str] = mapped_column(String(16), default=ExceptionStatus.OPEN)
    resolution: Mapped[str | None] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    expected_clear_date: Mapped[date | None] = mapped_column(Date)
    resolved_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Moved by every change: an edit made on an older version is refused (409).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
