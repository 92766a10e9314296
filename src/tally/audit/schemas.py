from __future__ import annotations

from pydantic import BaseModel, Field


class ChainLink(BaseModel):
    seq: int = Field(description="Position in the project's chain (1, 2, ...)")
    hash: str = Field(description="SHA-256 of the link (hex)")

    @property
    def token(self) -> str:
        """``SEQ:HASH``, as exports carry it and ``tally audit verify --head`` reads it."""
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, token: str) -> ChainLink | None:
        seq, _, digest = token.strip().partition(":")
        if not seq.isdigit() or len(digest) != 64:
            return None
        return cls(seq=int(seq), hash=digest)


def verify_command(project_id: int, head: ChainLink) -> str:
    """The command that checks, later, that the chain still holds ``head``."""
    return f"tally audit verify --project {project_id} --head {head.token}"


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
