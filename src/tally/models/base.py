"""Declarative base with a naming convention so migrations name constraints predictably."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a real 64-bit key.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcTimestamp(TypeDecorator[datetime]):
    """A point in time, stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no zone (its DATETIME text drops the offset) and PostgreSQL answers in the
    session's zone; both read back as UTC here, so every response renders RFC 3339 with ``Z``.
    A naive value is taken as UTC, which is what ``utcnow`` and SQLite's own defaults mean.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value) if value is not None else None

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return as_utc(value) if value is not None else None


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


Timestamp = UtcTimestamp()

BULK_TABLES_NOTE = """
record, match, match_record and record_duplicate hold millions of rows written by COPY and have no
foreign keys: measured on PostgreSQL, the per-row referential-integrity trigger of one foreign key
more than doubled the load of 1M records (14.8 s -> 33.3 s, indexes alone 1.6 -> 14.8 s; see
bench/ingest/REPORT.md), and cascading deletes ran row by row. Their integrity is kept by the
code that owns them: rows are written only inside the transaction that creates or re-creates their
parent's content (ingestion, a job's results), and parents are deleted with one range delete per
child table, or by dropping a job's partitions of match and match_record on PostgreSQL
(DataSourceRepository.delete, ResultRepository.delete_results*, ProjectService).
"""


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("__table__")
        if table is not None and [c.name for c in table.primary_key] == ["id"]:
            # An id is never handed out twice, even after its row is deleted: SQLite reuses the
            # highest rowid without AUTOINCREMENT (PostgreSQL sequences never go back). A
            # confirmed match, a job or a source id that came back as another row would pass a
            # client's stored decision to the wrong thing (migration 0015_integrity).
            table.dialect_kwargs["sqlite_autoincrement"] = True
