from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MIN_POLL_SECONDS = 10


class InboxCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="Where files land, as an fsspec URL: a local folder (/srv/drop or file://), "
        "sftp://user@host/path, s3://bucket/prefix, memory://path",
    )
    pattern: str = Field("*", min_length=1, max_length=200, description="Glob of file names")
    data_source_id: int = Field(ge=1, description="The data source each new file is appended to")
    counterpart_source_id: int | None = Field(
        None,
        ge=1,
        description="The source it is reconciled with after each file (default: the other side "
        "of the source's latest job)",
    )
    profile_id: str | None = Field(
        None, max_length=64, description="Import profile to read files with (id or builtin:<key>)"
    )
    poll_seconds: int = Field(300, ge=MIN_POLL_SECONDS, le=86_400, description="Schedule")
    enabled: bool = True


class InboxUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    url: str | None = Field(None, min_length=1, max_length=2000)
    pattern: str | None = Field(None, min_length=1, max_length=200)
    counterpart_source_id: int | None = Field(None, ge=1)
    profile_id: str | None = Field(None, max_length=64)
    poll_seconds: int | None = Field(None, ge=MIN_POLL_SECONDS, le=86_400)
    enabled: bool | None = None


class InboxRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    name: str
    url: str
    pattern: str
    data_source_id: int
    counterpart_source_id: int | None
    profile_id: str | None
    poll_seconds: int
    enabled: bool
    last_polled_at: datetime | None
    created_at: datetime


class InboxFileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    inbox_id: int
    name: str
    size_bytes: int
    content_sha256: str
    status: str
    error: dict[str, Any] | None
    append_id: int | None
    job_id: int | None
    taken_at: datetime
