from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import polars as pl
import pyarrow as pa
from sqlalchemy.ext.asyncio import AsyncSession

from tally.ingest.records import RECORD_SCHEMA
from tally.sources.frames import load_record_frame
from tally.sources.repository import DataSourceRepository
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user

TRICKY_TEXT = ["plain", None, "", 'quote " and, comma', "line\nbreak", "Zürich €", "=SUM(A1)"]


def _batch(texts: list[str | None]) -> pa.RecordBatch:
    n = len(texts)
    return pa.RecordBatch.from_pydict(
        {
            "row_number": list(range(1, n + 1)),
            "reference": texts,
            "booking_date": [dt.date(2026, 1, i + 1) if i % 2 == 0 else None for i in range(n)],
            "value_date": [None] * n,
            "amount": [-1_234_5600, 1, 0, 99_999_999_999_9999, -1, 50, 7][:n],
            "currency": ["EUR"] * n,
            "description": texts,
            "counterparty": texts[::-1],
            "counterparty_account": [None] * n,
            "transaction_id": [None] * n,
            "row_hash": [-(2**63), 2**63 - 1, 0, 1, 2, 3, 4][:n],
            "extra": ['{"k": "v"}'] + [None] * (n - 1),
        },
        schema=RECORD_SCHEMA,
    )


async def _batches(*batches: pa.RecordBatch) -> AsyncIterator[pa.RecordBatch]:
    for batch in batches:
        yield batch


async def test_bulk_load_round_trips_exactly(session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    source = await create_data_source(session, project=project)
    batch = _batch(TRICKY_TEXT)

    loaded = await DataSourceRepository(session).load_records(source.id, _batches(batch, batch))
    await session.commit()
    assert loaded == 2 * len(TRICKY_TEXT)

    frame = await load_record_frame(session, source.id)
    assert frame.height == 2 * len(TRICKY_TEXT)
    first = frame.head(len(TRICKY_TEXT))
    assert first["reference"].to_list() == TRICKY_TEXT  # nulls stay null, empty strings stay empty
    assert first["counterparty"].to_list() == TRICKY_TEXT[::-1]
    assert first["amount"].to_list() == batch.column("amount").to_pylist()
    assert first["booking_date"].to_list() == batch.column("booking_date").to_pylist()
    assert first["extra"].to_list()[0] == '{"k": "v"}'
    assert frame.schema["amount"] == pl.Int64


async def test_rolled_back_load_leaves_nothing(session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    source_id = (await create_data_source(session, project=project)).id
    repository = DataSourceRepository(session)
    await repository.load_records(source_id, _batches(_batch(TRICKY_TEXT)))
    await session.rollback()
    assert await repository.count_records(source_id) == 0
