from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class ProjectInvitation(Base):
    """An owner's invitation of an email address to a project, with a role.

    Adding a member by email always makes one, whether or not an account exists for the address,
    so the answer says nothing about who has an account. The invitation link carries a token that
    is shown to the inviter once; only its SHA-256 digest is stored. Accepting it (signing in to
    the existing account, or choosing a password for a new one) makes the membership. An
    invitation is pending until accepted, revoked or past ``expires_at``.
    """

    __tablename__ = "project_invitation"
    __table_args__ = (
        # An owner's list of a project's invitations, newest first.
        Index("ix_project_invitation_project_id_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Indexed for the ON DELETE SET NULL lookup when a user is removed.
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    accepted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    def status_at(self, now: datetime) -> str:
        """``accepted``, ``revoked``, ``expired`` or ``pending`` at ``now``."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"
