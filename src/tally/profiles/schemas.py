from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tally.sources.reading import UploadOptions


class ImportProfileRead(BaseModel):
    """A saved profile (``id`` is its number) or a built-in one (``id`` is ``builtin:<key>``)."""

    id: str
    name: str
    builtin: bool
    description: str | None = None
    options: UploadOptions
    header: list[str] = Field(description="The columns a file must have for it to be suggested")
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ImportProfileCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    options: UploadOptions
    header: list[str] = Field(
        min_length=1, description="The column names of the file this profile reads"
    )


class ImportProfileUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    options: UploadOptions | None = None
    header: list[str] | None = Field(None, min_length=1)


class ProfileSuggestion(BaseModel):
    """A profile whose columns the file has; ``score`` is the share of the file's columns it names
    (1.0: the file has exactly the profile's columns)."""

    id: str
    name: str
    builtin: bool
    score: float
    options: UploadOptions
