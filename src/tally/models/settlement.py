from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, Timestamp, utcnow


class Settlement(Base):
    """A record a person settled (a confirmation or a manual match): the decision a full re-run
    carries forward instead of matching the record again. Auto settlements need no row: a seen
    record that is not an open item is settled. Kept apart from the job's matches so that
    expiring old results loses no decision."""

    __tablename__ = "settlement"

    reconciliation_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    side: Mapped[str] = mapped_column(String(5))
    job_id: Mapped[int] = mapped_column(BigInteger)
    match_id: Mapped[int] = mapped_column(BigInteger)
    settled_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
