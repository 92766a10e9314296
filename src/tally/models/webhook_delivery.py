from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tally.models.base import Base, BigId, Timestamp, utcnow
from tally.models.webhook_attempt import WebhookAttempt


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookDelivery(Base):
    """One event for one hook: its exact body, and where its attempts stand.

    ``event_key`` names the event (``job:42:completed``) so that emitting it twice (a task run
    again) delivers it once. An attempt claims the row by raising ``attempts`` and taking a lease
    (``claimed_until``): a worker that dies mid-request leaves the lease to expire, and the
    attempt is made again.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("webhook_id", "event_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    event_key: Mapped[str] = mapped_column(String(200))
    # The body exactly as signed and sent, so every attempt sends the same bytes.
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(Timestamp)
    claimed_until: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)

    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        order_by=WebhookAttempt.number, lazy="raise", passive_deletes=True
    )
