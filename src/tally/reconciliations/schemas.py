"""What the reconciliations API reads and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from tally.results.schemas import RecordRead


class AgeBucket(BaseModel):
    label: str
    left: int = Field(description="Open items of the left source first seen this long ago")
    right: int


class ReconciliationRead(BaseModel):
    id: int
    project_id: int
    left_source_id: int
    right_source_id: int
    left_row_watermark: int = Field(
        description="Rows of the left source numbered up to this have been through a job"
    )
    right_row_watermark: int
    latest_job_id: int | None = Field(description="The job that last advanced the state")
    open_left: int = Field(description="Open items of the left source")
    open_right: int
    rejected_pairs: int = Field(description="Rejected proposals no job makes again")
    ageing: list[AgeBucket] = Field(description="Open items by days since first seen")
    created_at: datetime
    updated_at: datetime


class OpenItemRead(BaseModel):
    record: RecordRead
    first_seen_at: datetime = Field(description="When a job first included the record")
    first_job_id: int
    age_days: int = Field(description="Whole days since first seen")


class UnsettleRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="Why it is reopened (audited)")


class UnsettleOutcome(BaseModel):
    reopened_record_ids: list[int] = Field(description="Records now open items again")
    match_id: int | None = Field(description="The match that had settled them, if still stored")
    job_id: int | None


OpenSide = Literal["left", "right"]
