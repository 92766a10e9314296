from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, Timestamp


class OpenItem(Base):
    """A record of a reconciliation that nothing settles yet: unmatched, in a suggestion waiting
    for review, or in a discrepancy. The worklist of the next incremental job and of the people
    working the breaks; its size follows the open items, never the sources (1M settled records
    leave no row here). ``first_seen_at`` is when a job first included the record: its age."""

    __tablename__ = "open_item"
    __table_args__ = (
        # Ageing and the open items of one side, oldest first.
        Index(
            "ix_open_item_reconciliation_id_side_first_seen_at",
            "reconciliation_id",
            "side",
            "first_seen_at",
        ),
        # Every open item of a reconciliation, oldest first (the worklist's first page): without
        # it each page sorted all the open items (tests/results/test_plans_at_scale.py).
        Index(
            "ix_open_item_reconciliation_id_first_seen_at_record_id",
            "reconciliation_id",
            "first_seen_at",
            "record_id",
        ),
    )

    reconciliation_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign key to record (BULK_TABLES_NOTE); deleted with its reconciliation.
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    side: Mapped[str] = mapped_column(String(5))
    first_seen_at: Mapped[datetime] = mapped_column(Timestamp)
    first_job_id: Mapped[int] = mapped_column(BigInteger)
