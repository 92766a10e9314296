from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from tally.models import DataSourceStatus


class DataSourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    name: str
    file_name: str
    format: str
    status: DataSourceStatus
    row_count: int
    rows_done: int
    skipped_count: int
    size_bytes: int
    column_mapping: dict[str, Any] | None
    error: dict[str, Any] | None
    statement: dict[str, Any] | None
    warnings: list[str] | None
    created_at: datetime
    updated_at: datetime


class DataSourceAppendRead(BaseModel):
    """A file appended to a source: ``status`` ingesting -> ready/failed, and what it added."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    data_source_id: int
    file_name: str
    format: str
    status: DataSourceStatus
    include_duplicates: bool
    size_bytes: int
    rows_read: int
    rows_added: int
    rows_already_imported: int
    skipped_count: int
    error: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None
