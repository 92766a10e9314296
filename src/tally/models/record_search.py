from __future__ import annotations

from sqlalchemy import BigInteger, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from tally.models.base import Base

# Each source's rows are a partition of record_search in this schema (PostgreSQL).
SEARCH_SCHEMA = "source_search"


def search_partition(source_id: int) -> str:
    """The qualified name of a source's partition of record_search."""
    return f"{SEARCH_SCHEMA}.record_search_{int(source_id)}"


class RecordSearch(Base):
    """The searchable text of a data source's records, with a trigram index (PostgreSQL).

    A table of its own, not an index on ``record``: a trigram GIN index there would be paid by
    every COPY of an ingestion. Written in the background after the first job over a source
    completes (tally.results.indexing). On PostgreSQL the table is partitioned by source: a
    source's partition is filled first and indexed by one sorted build, then attached (measured
    3.6x faster than inserting through the GIN index); rows appended to the source later are
    inserted into it. On SQLite it is a plain table, and a search reads it in full.
    """

    __tablename__ = "record_search"
    __table_args__ = (
        # results ?q=: content ILIKE '%q%', then reference or description rechecked on the rows
        # found. One trigram scan, where an index on the two columns took two (a search reads
        # the long posting lists of common trigrams such as "inv" once per scan: ~30 ms at 1M).
        # pg_trgm comes with migration 0009_result_search.
        Index(
            "ix_record_search_content",
            "content",
            postgresql_using="gin",
            postgresql_ops={"content": "gin_trgm_ops"},
        ),
        {"postgresql_partition_by": "LIST (data_source_id)"},
    )

    # No foreign keys (BULK_TABLES_NOTE): written in bulk, deleted with the source's records.
    data_source_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reference: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    # reference, a line break, description: what the trigram index covers.
    content: Mapped[str] = mapped_column(Text)
