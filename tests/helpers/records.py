"""Put records into a data source directly (bypassing file parsing) for job and results tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.ingest.identity import content_hashes
from tally.ingest.records import RECORD_SCHEMA
from tally.models import DataSource, DataSourceStatus, Project
from tally.money import to_units
from tally.sources.repository import DataSourceRepository


@dataclass(frozen=True)
class Row:
    reference: str | None
    date: str  # ISO
    amount: str  # decimal text
    description: str | None = None
    counterparty: str | None = None
    currency: str = "EUR"


def rows_batch(rows: Sequence[Row]) -> pa.RecordBatch:
    dates = [dt.date.fromisoformat(r.date) for r in rows]
    amounts = [to_units(r.amount) for r in rows]
    columns = {
        "row_number": list(range(1, len(rows) + 1)),
        "reference": [r.reference for r in rows],
        "booking_date": dates,
        "value_date": [None] * len(rows),
        "amount": amounts,
        "currency": [r.currency for r in rows],
        "description": [r.description for r in rows],
        "counterparty": [r.counterparty for r in rows],
        "counterparty_account": [None] * len(rows),
        "transaction_id": [None] * len(rows),
        "row_hash": [0] * len(rows),
        "extra": [None] * len(rows),
    }
    batch = pa.RecordBatch.from_pydict(columns, schema=RECORD_SCHEMA)
    hashes = content_hashes(
        [batch.column("booking_date"), batch.column("amount"), batch.column("reference")]
    )
    return batch.set_column(RECORD_SCHEMA.get_field_index("row_hash"), "row_hash", hashes)


async def _one(batch: pa.RecordBatch) -> AsyncIterator[pa.RecordBatch]:
    yield batch


async def create_source_with_rows(
    session: AsyncSession, *, project: Project, name: str, rows: Sequence[Row]
) -> DataSource:
    """A ready data source holding ``rows``; committed."""
    source = DataSource(project_id=project.id, name=name, file_name=f"{name}.csv")
    session.add(source)
    await session.flush()
    repository = DataSourceRepository(session)
    await repository.load_records(source.id, _one(rows_batch(rows)))
    await session.execute(
        update(DataSource)
        .where(DataSource.id == source.id)
        .values(status=DataSourceStatus.READY, row_count=len(rows))
    )
    await session.commit()
    await session.refresh(source)
    return source
