from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base, BigId


class Record(Base):
    """One row of a data source. Columns mirror tally.ingest.records.RECORD_SCHEMA.

    ``amount`` is an integer count of 1/10,000 currency units (tally.money): exact, and summable in
    SQL on every backend.
    """

    __tablename__ = "record"
    __table_args__ = (
        # Loading a source for matching and paging its rows: WHERE data_source_id = ? ORDER BY
        # row_number; also makes deleting a source one indexed range delete.
        Index("ix_record_data_source_id_row_number", "data_source_id", "row_number"),
        # Nearest candidates of an unmatched record read a date window of the other source, and
        # the unmatched tabs sort by date: WHERE data_source_id = ? AND booking_date BETWEEN ...
        Index("ix_record_data_source_id_booking_date", "data_source_id", "booking_date"),
        # ... and an amount window (AND amount BETWEEN ...), the unmatched tabs' amount sort and
        # min_amount/max_amount filter.
        Index("ix_record_data_source_id_amount", "data_source_id", "amount"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # No foreign key, on purpose (see BULK_TABLES_NOTE in tally.models.base).
    data_source_id: Mapped[int] = mapped_column(BigInteger)
    row_number: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(Text)
    booking_date: Mapped[date | None] = mapped_column(Date)
    value_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(Text)
    counterparty: Mapped[str | None] = mapped_column(Text)
    counterparty_account: Mapped[str | None] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(Text)
    row_hash: Mapped[int] = mapped_column(BigInteger)
    extra: Mapped[str | None] = mapped_column(Text)  # JSON object text, kept as written by ingest
