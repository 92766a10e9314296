from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak yields no usable token.

    A login token (``kind`` "login") acts with its user's full rights for a few weeks. An API key
    (``kind`` "key", tally.apikeys) is named and made for a program: it never carries its user's
    administrator rights, is capped at ``role`` on every project, and with ``project_id`` reaches
    that one project only.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Every authenticated request looks its token up by this hash (unique index).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="login")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    kind: Mapped[str] = mapped_column(String(8), default="login", server_default="login")
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(16))
    # The first characters of a key, to tell keys apart in lists (the rest is never stored).
    prefix: Mapped[str | None] = mapped_column(String(16))
    # Noted at most once a minute per key (tally.apikeys.usage).
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
