from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base


class UnmatchedRecord(Base):
    """A record no match of the job holds: a row of the unmatched-left/right tabs.

    Without it those tabs are an anti-join of a source's records with the job's claims, which
    walks every matched record before the first unmatched one when they sit at the end of a file
    (1.4 s at 1M). Built in the background after the job completes (tally.results.indexing;
    ``reconciliation_job.results_indexed_at`` says when) and kept current by every review change;
    until it is built the tabs use the anti-join. Row number, amount and date are copied from the
    record so each sort of the tab is one index range.
    """

    __tablename__ = "unmatched_record"
    __table_args__ = (
        # The tab in file order (sort=id|-id): WHERE job_id = ? AND side = ? ORDER BY row_number.
        Index(
            "ix_unmatched_record_job_id_side_row_number_record_id",
            "job_id",
            "side",
            "row_number",
            "record_id",
        ),
        # sort=amount|-amount and the min_amount/max_amount range.
        Index(
            "ix_unmatched_record_job_id_side_amount_record_id",
            "job_id",
            "side",
            "amount",
            "record_id",
        ),
        # sort=date|-date.
        Index(
            "ix_unmatched_record_job_id_side_booking_date_record_id",
            "job_id",
            "side",
            "booking_date",
            "record_id",
        ),
    )

    # No foreign keys (BULK_TABLES_NOTE): deleted with the job's other results.
    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    side: Mapped[str] = mapped_column(String(5))
    row_number: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    booking_date: Mapped[date | None] = mapped_column(Date)
