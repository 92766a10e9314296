from __future__ import annotations

from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base


class ScopeKind(StrEnum):
    OPEN = "open"  # an open item an incremental job carried in
    SETTLED = "settled"  # a record a person settled, which a full job left out


class JobScopeRecord(Base):
    """A record that defines a job's scope when the job started from earlier state, which its
    unmatched tabs list from. An incremental job covers its ``open`` rows and the rows appended
    above its watermarks (``left_from_row``/``right_from_row``); a full job covers every record
    but its ``settled`` rows (confirmed or manually matched before it, carried forward)."""

    __tablename__ = "job_scope_record"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    side: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(8), default=ScopeKind.OPEN, server_default="open")
