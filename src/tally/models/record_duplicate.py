from __future__ import annotations

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base


class RecordDuplicate(Base):
    """A record that has a twin on its own side, as a job's matching found it.

    The primary key (job_id, record_id) answers "is this record a duplicate?" for result pages
    and the export.
    """

    __tablename__ = "record_duplicate"
    __table_args__ = (
        # The duplicates tab: WHERE job_id = ? ORDER BY group_id, record_id.
        Index("ix_record_duplicate_job_id_group_id_record_id", "job_id", "group_id", "record_id"),
        # Deleting a source's records checks this foreign key per record.
        Index("ix_record_duplicate_record_id", "record_id"),
    )

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    side: Mapped[str] = mapped_column(String(5))
    group_id: Mapped[int] = mapped_column(BigInteger)  # the smallest record id of the group
