from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow


class Reconciliation(Base):
    """A project's running reconciliation of one left and one right source that grow by appends.

    It holds the state that outlives each job (tally.reconciliations): how far into each source
    the jobs have reached (row-number watermarks: appended rows are numbered after them), the
    open items (``open_item``) and the rejected pairs (``rejected_pair``). A record of a row at
    or below its side's watermark that is not an open item is settled.
    """

    __tablename__ = "reconciliation"
    __table_args__ = (
        # One reconciliation per ordered pair of sources; also the lookup when a job is created.
        UniqueConstraint("project_id", "left_source_id", "right_source_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    left_source_id: Mapped[int] = mapped_column(
        ForeignKey("data_source.id", ondelete="CASCADE"), index=True
    )
    right_source_id: Mapped[int] = mapped_column(
        ForeignKey("data_source.id", ondelete="CASCADE"), index=True
    )
    # Rows numbered up to these have been through a completed job of this reconciliation.
    left_row_watermark: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    right_row_watermark: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Count and summed absolute amount of each side's rows up to its watermark, kept as the
    # watermarks move: an incremental job's figures add the settled records without reading them.
    left_records: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    left_size: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    right_records: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    right_size: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The same per currency ({"EUR": [records, size]}, "" for rows without one), so an
    # incremental job of a side in several currencies keeps its per-currency figures. NULL: not
    # known (kept before this was stored) until the next full job.
    left_currency_totals: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    right_currency_totals: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    # Moved by every change of the state (job completion, review decision, unsettle): an
    # incremental job that started from another version completes as failed, to be retried.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The job whose completion last set the state (no foreign key: jobs point here).
    latest_job_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
