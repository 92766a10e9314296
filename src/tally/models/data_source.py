from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class DataSourceStatus(StrEnum):
    PENDING = "pending"
    INGESTING = "ingesting"
    # An append is loading more rows (DataSourceAppend); the rows it holds stay as they were.
    APPENDING = "appending"
    READY = "ready"
    FAILED = "failed"


# The status of a source deleted and hidden (deleted_at set) whose records are being deleted in
# short steps (SQLite), its row last. Not a DataSourceStatus: no reader is ever shown such a source.
SOURCE_DELETING = "deleting"


class DataSource(Base):
    __tablename__ = "data_source"
    __table_args__ = (
        # get_project_data_sources: WHERE project_id = ? ORDER BY id.
        Index("ix_data_source_project_id_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(32), default="csv")
    column_mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parse_options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_done: Mapped[int] = mapped_column(BigInteger, default=0)
    skipped_count: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=DataSourceStatus.PENDING)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    warnings: Mapped[list[str] | None] = mapped_column(JSON)
    statement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # Deleted from the project while archived jobs still read its records: the source is gone from
    # every list and choice, its row and records stay for those jobs (DataSourceService.delete).
    deleted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
