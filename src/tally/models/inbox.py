from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class Inbox(Base):
    """A place statements land (a folder, ``sftp://``, ``s3://``: any fsspec URL), polled every
    ``poll_seconds``: each new file matching ``pattern`` is appended to ``data_source_id`` with
    ``profile_id``'s options, then the source is reconciled with ``counterpart_source_id``.

    ``claimed_until`` is a lease: the one process (`tally watch`, a server, a worker) that set it
    polls the inbox, so two of them never take the same file."""

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    pattern: Mapped[str] = mapped_column(String(200), default="*")
    data_source_id: Mapped[int] = mapped_column(
        ForeignKey("data_source.id", ondelete="CASCADE"), index=True
    )
    counterpart_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("data_source.id", ondelete="SET NULL"), index=True
    )
    profile_id: Mapped[str | None] = mapped_column(String(64))
    poll_seconds: Mapped[int] = mapped_column(Integer, default=300)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    claimed_until: Mapped[datetime | None] = mapped_column(Timestamp)
    last_polled_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
