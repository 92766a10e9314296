from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, Timestamp, utcnow


class RejectedPair(Base):
    """A proposal a reviewer rejected: no later job of the reconciliation proposes it again.

    ``signature`` names the records (sorted left ids, "|", sorted right ids), so a rejected group
    is refused as a whole; one-to-one pairs also keep their two ids, which the engine excludes
    from its candidates. Kept apart from the job's matches so that expiring old results loses no
    rejection.
    """

    __tablename__ = "rejected_pair"

    reconciliation_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation.id", ondelete="CASCADE"), primary_key=True
    )
    signature: Mapped[str] = mapped_column(Text, primary_key=True)
    left_record_id: Mapped[int | None] = mapped_column(BigInteger)
    right_record_id: Mapped[int | None] = mapped_column(BigInteger)
    job_id: Mapped[int] = mapped_column(BigInteger)
    match_id: Mapped[int] = mapped_column(BigInteger)
    rejected_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
