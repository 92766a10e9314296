from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, utcnow


class JobStage(Base):
    """A job fanned out over the task queue (tally.jobs.fanout): what its parts share and the
    counter of parts done, which each part task moves in the transaction that stores its result,
    so exactly one of them sees the last part land and queues the merge.

    ``attempt`` is the job's attempt that planned it: a part task of an earlier attempt finds
    another number here and does nothing."""

    __tablename__ = "job_stage"
    __table_args__ = ({"sqlite_autoincrement": True},)

    job_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="CASCADE"), primary_key=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    parts: Mapped[int] = mapped_column(Integer)
    parts_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The rules the parts run (after inference), the run's scope and the phases timed so far.
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    scope: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    phases: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Arrow IPC: the duplicates of the whole sets, and an incremental run's appended ids.
    shared: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
