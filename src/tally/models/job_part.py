from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base


class PartState(StrEnum):
    PENDING = "pending"
    DONE = "done"


class JobPart(Base):
    """One part of a fanned-out job (tally.jobs.fanout): its open records, staged by the plan,
    and its result once a part task matched them (Arrow IPC both). A part is done once: a
    retried part task finds it done and stops."""

    __tablename__ = "job_part"
    __table_args__ = ({"sqlite_autoincrement": True},)

    job_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="CASCADE"), primary_key=True
    )
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(
        String(8), default=PartState.PENDING, server_default="pending"
    )
    records: Mapped[bytes] = mapped_column(LargeBinary)
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
