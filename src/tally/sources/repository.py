from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.ingest.records import RECORD_COLUMNS
from tally.models import DataSource, Record

_LOAD_COLUMNS = ("data_source_id", *RECORD_COLUMNS)
_CSV_OPTIONS = pa_csv.WriteOptions(include_header=False, batch_size=65_536)


class DataSourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for_project(self, project_id: int) -> list[DataSource]:
        # One statement on ix_data_source_project_id_id.
        statement = (
            select(DataSource).where(DataSource.project_id == project_id).order_by(DataSource.id)
        )
        return list(await self.session.scalars(statement))

    async def get_in_project(self, project_id: int, source_id: int) -> DataSource | None:
        statement = select(DataSource).where(
            DataSource.id == source_id, DataSource.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def add(self, source: DataSource) -> DataSource:
        self.session.add(source)
        await self.session.flush()
        return source

    async def delete(self, source: DataSource) -> None:
        # Records go in one indexed range delete (ix_record_data_source_id_row_number), not one by
        # one through the ORM; matches that used them cascade in the database.
        await self.session.execute(delete(Record).where(Record.data_source_id == source.id))
        await self.session.execute(delete(DataSource).where(DataSource.id == source.id))

    async def delete_records(self, source_id: int) -> None:
        await self.session.execute(delete(Record).where(Record.data_source_id == source_id))

    async def count_records(self, source_id: int) -> int:
        statement = (
            select(func.count()).select_from(Record).where(Record.data_source_id == source_id)
        )
        return int(await self.session.scalar(statement) or 0)

    async def load_records(self, source_id: int, batches: AsyncIterator[pa.RecordBatch]) -> int:
        """Bulk-load record batches (RECORD_SCHEMA) in the session's transaction.

        PostgreSQL gets one streaming ``COPY ... FROM STDIN``; SQLite a batched executemany. Either
        way nothing is visible to others until the transaction owner commits.
        """
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            return await self._copy_postgres(connection, source_id, batches)
        return await self._insert_many(connection, source_id, batches)

    async def _copy_postgres(
        self, connection: Any, source_id: int, batches: AsyncIterator[pa.RecordBatch]
    ) -> int:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        columns = ", ".join(_LOAD_COLUMNS)
        loaded = 0
        async with driver.cursor() as cursor:
            copy_sql = f"COPY record ({columns}) FROM STDIN (FORMAT csv)"
            async with cursor.copy(copy_sql) as copy:
                async for batch in batches:
                    payload = await asyncio.to_thread(_csv_payload, batch, source_id)
                    await copy.write(payload)
                    loaded += batch.num_rows
        return loaded

    async def _insert_many(
        self, connection: Any, source_id: int, batches: AsyncIterator[pa.RecordBatch]
    ) -> int:
        placeholders = ", ".join("?" for _ in _LOAD_COLUMNS)
        statement = f"INSERT INTO record ({', '.join(_LOAD_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
        loaded = 0
        async for batch in batches:
            rows = await asyncio.to_thread(_python_rows, batch, source_id)
            await connection.exec_driver_sql(statement, rows)
            loaded += batch.num_rows
        return loaded


def _with_source(batch: pa.RecordBatch, source_id: int) -> pa.Table:
    table = pa.Table.from_batches([batch])
    source_column = pa.array([source_id] * batch.num_rows, pa.int64())
    return table.add_column(0, "data_source_id", source_column)


def _csv_payload(batch: pa.RecordBatch, source_id: int) -> bytes:
    buffer = io.BytesIO()
    pa_csv.write_csv(_with_source(batch, source_id), buffer, _CSV_OPTIONS)
    return buffer.getvalue()


def _python_rows(batch: pa.RecordBatch, source_id: int) -> list[tuple[Any, ...]]:
    # Dates as ISO text: the format SQLAlchemy's Date type reads back on SQLite.
    table = _with_source(batch, source_id)
    columns = [
        pc.strftime(column, "%Y-%m-%d").to_pylist()
        if pa.types.is_date(column.type)
        else column.to_pylist()
        for column in table.columns
    ]
    return list(zip(*columns, strict=True))
