from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tally.models import DataSourceStatus
from tally.profiles.schemas import ProfileSuggestion


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


class RowProblem(BaseModel):
    """One row that does not read: which data row (1-based; 0 = the header), column, why."""

    row: int | None
    column: str | None
    value: str | None
    reason: str
    code: str = Field(description="invalid_value, invalid_date, mapping, duplicate_header, ...")


class FileWarning(BaseModel):
    """Something to look at that does not stop the file from loading."""

    code: str
    message: str
    column: str | None = None
    row: int | None = None


class NewRowCounts(BaseModel):
    """An append's rows: how many are new and how many the source already holds."""

    new: int
    already_imported: int
    rows_checked: int
    whole_file: bool = Field(description="Counted over the whole file, not only the rows sent")


class PreflightRead(BaseModel):
    """What Tally read from the head of a file: the format, how it reads it (``options``, to send
    back with the upload as they are or corrected), the first rows and their problems. Nothing
    is stored. Format-specific details (bank statements, sheets) come as further fields."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "format": "csv",
                    "ok": True,
                    "encoding": "utf-8",
                    "delimiter": ",",
                    "has_header": True,
                    "columns": ["Date", "Amount", "Currency", "Reference"],
                    "mapping": {
                        "booking_date": "Date",
                        "amount": "Amount",
                        "currency": "Currency",
                        "reference": "Reference",
                    },
                    "date_format": "%Y-%m-%d",
                    "rows": [["2026-01-02", "100.00", "EUR", "INV-1"]],
                    "errors": [],
                    "warnings": [],
                    "options": {"mapping": {"amount": "Amount"}, "delimiter": ","},
                    "profiles": [],
                }
            ]
        },
    )

    format: str = Field(description="csv, xlsx, ofx, camt, mt940, bai2")
    ok: bool = Field(description="The first rows read without a problem")
    encoding: str | None = None
    delimiter: str | None = None
    quotechar: str | None = None
    has_header: bool | None = None
    columns: list[str] = Field(default_factory=list)
    header: list[str] = Field(default_factory=list)
    mapping: dict[str, str] = Field(
        default_factory=dict, description="Tally's field -> the file's column"
    )
    date_format: str | None = None
    date_format_choices: list[str] = Field(default_factory=list)
    decimal_separator: str | None = None
    skip_rows: int | None = None
    rows: list[list[str | None]] = Field(default_factory=list, description="The first rows")
    row_numbers: list[int] = Field(default_factory=list)
    errors: list[RowProblem] = Field(default_factory=list)
    warnings: list[FileWarning] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    options: dict[str, Any] = Field(
        default_factory=dict, description="How the file is read: send as the upload's options"
    )
    profiles: list[ProfileSuggestion] = Field(
        default_factory=list, description="Import profiles whose columns the file has"
    )
    duplicates: NewRowCounts | None = Field(None, description="Appends only")
