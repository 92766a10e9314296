from __future__ import annotations

from pydantic import BaseModel, Field


class ChainLink(BaseModel):
    seq: int = Field(description="Position in the project's chain (1, 2, ...)")
    hash: str = Field(description="SHA-256 of the link (hex)")


class BrokenLink(BaseModel):
    seq: int = Field(description="The first position where the chain no longer holds")
    event_id: int | None = Field(description="The event found there (None when it is missing)")
    reason: str


class ChainVerification(BaseModel):
    """One project's audit chain, recomputed from its first event."""

    project_id: int
    valid: bool
    events: int = Field(description="Events verified")
    head: ChainLink | None = Field(description="The chain's last link (export it to check later)")
    first_broken: BrokenLink | None = None
