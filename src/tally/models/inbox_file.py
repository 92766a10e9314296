from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class InboxFile(Base):
    """A file an inbox took, once: known by name, size and content hash, so the same statement
    dropped again is recognised and left alone. ``status`` is ``processed`` (appended; the file
    moved to ``processed/``) or ``failed`` (nothing appended; moved to ``failed/`` with
    ``error`` written beside it)."""

    __tablename__ = "inbox_file"
    __table_args__ = (UniqueConstraint("inbox_id", "name", "size_bytes", "content_sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inbox_id: Mapped[int] = mapped_column(ForeignKey("inbox.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    append_id: Mapped[int | None] = mapped_column(
        ForeignKey("data_source_append.id", ondelete="SET NULL")
    )
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="SET NULL")
    )
    taken_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
