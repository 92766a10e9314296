from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class Webhook(Base):
    """An endpoint a project's events are POSTed to (tally.webhooks), signed with ``secret``.

    The secret is kept in clear because every delivery is signed with it (HMAC needs the key
    itself, as Stripe's and GitHub's webhooks do); it is shown once, at creation or rotation, and
    never returned by a read.
    """

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Event names this hook receives (tally.webhooks.events.EVENTS).
    events: Mapped[list[str]] = mapped_column(JSON)
    # exceptions.threshold_exceeded fires for this hook when a job leaves at least this many new
    # exceptions.
    exceptions_threshold: Mapped[int] = mapped_column(Integer, default=1)
    secret: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(Timestamp)
