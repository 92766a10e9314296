from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from tally.ingest.records import RECORD_COLUMNS
from tally.kit.bulk import bulk_insert, with_constant
from tally.matching.fields import INPUT_COLUMNS
from tally.models import DataSource, DataSourceStatus, IngestProgress, Record

_LOAD_COLUMNS = ("data_source_id", *RECORD_COLUMNS)


class DataSourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for_project(self, project_id: int) -> list[tuple[DataSource, int | None]]:
        """The project's sources with the live row count of any running ingestion (one statement,
        on ix_data_source_project_id_id)."""
        statement = (
            select(DataSource, IngestProgress.rows_done)
            .outerjoin(IngestProgress, IngestProgress.data_source_id == DataSource.id)
            .where(DataSource.project_id == project_id)
            .order_by(DataSource.id)
        )
        return [(row[0], row[1]) for row in await self.session.execute(statement)]

    async def live_rows(self, source_id: int) -> int | None:
        progress = await self.session.get(IngestProgress, source_id)
        return progress.rows_done if progress else None

    async def get_in_project(self, project_id: int, source_id: int) -> DataSource | None:
        statement = select(DataSource).where(
            DataSource.id == source_id, DataSource.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def get(self, source_id: int) -> DataSource | None:
        return await self.session.get(DataSource, source_id)

    async def mark_ready(
        self,
        source_id: int,
        *,
        row_count: int,
        skipped_count: int,
        statement: dict[str, Any] | None,
        warnings: list[str],
    ) -> None:
        await self.session.execute(
            update(DataSource)
            .where(DataSource.id == source_id)
            .values(
                status=DataSourceStatus.READY,
                row_count=row_count,
                rows_done=row_count,
                skipped_count=skipped_count,
                statement=statement,
                warnings=warnings or None,
                error=None,
            )
        )
        await self._end_progress(source_id)

    async def mark_failed(self, source_id: int, detail: dict[str, Any]) -> None:
        await self.session.execute(
            update(DataSource)
            .where(DataSource.id == source_id)
            .values(status=DataSourceStatus.FAILED, error=detail, row_count=0)
        )
        await self._end_progress(source_id)

    async def set_rows_done(self, source_id: int, rows_done: int) -> None:
        """Publish a running ingestion's progress (PostgreSQL; see IngestProgress for why apart)."""
        statement = pg_insert(IngestProgress).values(data_source_id=source_id, rows_done=rows_done)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[IngestProgress.data_source_id],
                set_={"rows_done": rows_done, "updated_at": func.now()},
            )
        )

    async def _end_progress(self, source_id: int) -> None:
        await self.session.execute(
            delete(IngestProgress).where(IngestProgress.data_source_id == source_id)
        )

    async def ingesting_ids(self) -> list[int]:
        """Sources whose ingestion had not finished (start-up recovery)."""
        statement = select(DataSource.id).where(DataSource.status == DataSourceStatus.INGESTING)
        return list(await self.session.scalars(statement))

    async def add(self, source: DataSource) -> DataSource:
        self.session.add(source)
        await self.session.flush()
        return source

    async def delete(self, source: DataSource) -> None:
        """Records go in one indexed range delete (ix_record_data_source_id_row_number), not one by
        one; the caller has removed the results of jobs that used them (no foreign keys there)."""
        await self.delete_records(source.id)
        await self.session.execute(delete(DataSource).where(DataSource.id == source.id))

    async def delete_records_of_project(self, project_id: int) -> None:
        sources = select(DataSource.id).where(DataSource.project_id == project_id)
        await self.session.execute(delete(Record).where(Record.data_source_id.in_(sources)))

    async def delete_records(self, source_id: int) -> None:
        await self.session.execute(delete(Record).where(Record.data_source_id == source_id))

    async def count_records(self, source_id: int) -> int:
        statement = (
            select(func.count()).select_from(Record).where(Record.data_source_id == source_id)
        )
        return int(await self.session.scalar(statement) or 0)

    async def load_records(self, source_id: int, batches: AsyncIterator[pa.RecordBatch]) -> int:
        """Bulk-load record batches (RECORD_SCHEMA) in the session's transaction (COPY/executemany)."""

        async def tagged() -> AsyncIterator[pa.Table]:
            async for batch in batches:
                yield with_constant(batch, "data_source_id", source_id)

        connection = await self.session.connection()
        return await bulk_insert(connection, "record", _LOAD_COLUMNS, tagged())


# Records go to the matching engine with exactly the columns (and types) it reads.
FRAME_SCHEMA = INPUT_COLUMNS


async def load_record_frame(session: AsyncSession, source_id: int) -> pl.DataFrame:
    """Every record of a source as a polars frame, for the matching engine.

    PostgreSQL streams it out with ``COPY ... TO STDOUT`` (CSV, parsed by polars in a thread); SQLite
    reads rows through the driver. Both return exactly FRAME_SCHEMA.
    """
    connection = await session.connection()
    columns = ", ".join(FRAME_SCHEMA)
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        chunks: list[bytes] = []
        query = (
            f"COPY (SELECT {columns} FROM record WHERE data_source_id = {int(source_id)} "  # noqa: S608
            "ORDER BY id) TO STDOUT (FORMAT csv)"
        )
        driver: Any = raw.driver_connection
        async with driver.cursor() as cursor, cursor.copy(query) as copy:
            async for chunk in copy:
                chunks.append(bytes(chunk))
        payload = b"".join(chunks)
        del chunks
        if not payload:
            return pl.DataFrame(schema=FRAME_SCHEMA)
        return await asyncio.to_thread(
            pl.read_csv,
            payload,
            has_header=False,
            new_columns=list(FRAME_SCHEMA),
            schema=FRAME_SCHEMA,
        )
    result = await connection.exec_driver_sql(
        f"SELECT {columns} FROM record WHERE data_source_id = ? ORDER BY id",  # noqa: S608
        (source_id,),
    )
    rows = result.all()
    frame = pl.DataFrame(
        rows,
        schema={**FRAME_SCHEMA, "booking_date": pl.String(), "value_date": pl.String()},
        orient="row",
    )
    return frame.with_columns(
        pl.col("booking_date").str.to_date("%Y-%m-%d"), pl.col("value_date").str.to_date("%Y-%m-%d")
    )
