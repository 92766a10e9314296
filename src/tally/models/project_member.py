from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, Timestamp, utcnow


class ProjectRole(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class ProjectMember(Base):
    """Who may see a project and what they may do there. The owner has a row too."""

    __tablename__ = "project_member"
    __table_args__ = (
        # "Projects I belong to", newest first: the projects list walks this index by user.
        Index("ix_project_member_user_id_project_id", "user_id", "project_id"),
    )

    # The primary key (project_id, user_id) serves the per-request authorization lookup.
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), default=ProjectRole.VIEWER)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
