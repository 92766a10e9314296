from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tally.models import ProjectRole
from tally.users.schemas import UserRead

InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]


class InvitationRead(BaseModel):
    """An invitation as its project's owners see it (never its token)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    email: str
    role: ProjectRole
    status: InvitationStatus
    invited_by_id: int | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationCreated(InvitationRead):
    """The answer to adding a member by email, whether or not the address has an account:
    the invitation, with its link and token, shown this once."""

    token: str = Field(description="Shown once; only its digest is stored")
    accept_url: str = Field(description="The page where the invitee accepts; shown once")


class InvitationAccept(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Field(
        min_length=8,
        max_length=200,
        description="The password of the invited address's account if it has one; otherwise "
        "the password of the account that accepting creates",
    )


class InvitationAccepted(BaseModel):
    project_id: int
    role: ProjectRole
    user: UserRead
