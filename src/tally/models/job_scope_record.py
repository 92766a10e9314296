from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base


class JobScopeRecord(Base):
    """An open item an incremental job started with. With the job's row watermarks
    (``left_from_row``/``right_from_row``: the rows appended after them are new) it is the job's
    scope, which its unmatched tabs list from; records settled before the job are outside it."""

    __tablename__ = "job_scope_record"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    side: Mapped[str] = mapped_column(String(5))
