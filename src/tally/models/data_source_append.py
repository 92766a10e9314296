from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class DataSourceAppend(Base):
    """One file appended to an existing data source, loaded in the background.

    Only the rows the source does not already hold are added (tally.ingest.duplicates), unless
    ``include_duplicates``. ``status`` is ``ingesting`` while it loads, then ``ready`` or ``failed``;
    a failed append leaves the source's rows as they were and keeps its reason in ``error``.
    """

    __tablename__ = "data_source_append"
    __table_args__ = (
        # A source's append history, newest last: WHERE data_source_id = ? ORDER BY id.
        Index("ix_data_source_append_data_source_id_id", "data_source_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    data_source_id: Mapped[int] = mapped_column(ForeignKey("data_source.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(32), default="csv")
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    parse_options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    include_duplicates: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_added: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_already_imported: Mapped[int] = mapped_column(BigInteger, default=0)
    skipped_count: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
