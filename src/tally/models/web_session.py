from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here, so a
    database leak yields no usable session, and deleting the row ends the session at once."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Every page request looks its session up by this hash (unique index).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The per-session CSRF token, echoed by forms and htmx requests (not secret from the user).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # Purging expired sessions walks this index.
    expires_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
