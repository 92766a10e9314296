from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class IdempotencyKey(Base):
    """The first answer to a write sent with an ``Idempotency-Key`` (tally.idempotency): a retry
    with the same key and body gets it again instead of doing the write twice."""

    __tablename__ = "idempotency_key"
    __table_args__ = (
        # Keys are the caller's own: one lookup per keyed write.
        UniqueConstraint("user_id", "key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # sha256 of method, path and body; None while the first request is still running.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Retention removes keys a day old (ix: the cleanup's range).
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
