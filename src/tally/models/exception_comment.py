from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class ExceptionComment(Base):
    """A note on an exception, shown in the order written (each is also an audit event)."""

    __tablename__ = "exception_comment"
    __table_args__ = (
        Index("ix_exception_comment_exception_id_id", "exception_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    exception_id: Mapped[int] = mapped_column(ForeignKey("exception_item.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
