from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base


class ExceptionReason(Base):
    """A reason code a project offers for its exceptions (while ``active``). A project without
    rows offers the defaults (tally.exceptions.service.DEFAULT_REASONS)."""

    __tablename__ = "exception_reason"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A deactivated code stays on the exceptions that carry it but is no longer offered.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
