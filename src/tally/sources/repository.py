from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from tally.ingest.records import RECORD_COLUMNS
from tally.kit.bulk import bulk_insert, with_constant
from tally.kit.pagination import Cursor, Since, cut, keyset
from tally.models import (
    DataSource,
    DataSourceAppend,
    DataSourceStatus,
    IngestProgress,
    Record,
    RecordSearch,
)
from tally.models.base import utcnow
from tally.models.data_source import SOURCE_DELETING

_LOAD_COLUMNS = ("data_source_id", *RECORD_COLUMNS)


class DataSourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page_for_project(
        self, project_id: int, cursor: Cursor, since: Since
    ) -> tuple[list[tuple[DataSource, int | None]], bool]:
        """A cursor page of the project's sources in id order, each with the live row count of
        any running ingestion (one statement, on ix_data_source_project_id_id)."""
        statement = (
            select(DataSource, IngestProgress.rows_done)
            .outerjoin(IngestProgress, IngestProgress.data_source_id == DataSource.id)
            .where(
                DataSource.project_id == project_id,
                DataSource.deleted_at.is_(None),
                *since.conditions(DataSource.created_at, DataSource.updated_at),
            )
        )
        rows = await self.session.execute(keyset(statement, DataSource.id, cursor))
        return cut([(row[0], row[1]) for row in rows], cursor)

    async def live_rows(self, source_id: int) -> int | None:
        # A query, not session.get: the identity map would answer a long-lived session's later
        # calls with the value it first read.
        statement = select(IngestProgress.rows_done).where(
            IngestProgress.data_source_id == source_id
        )
        return await self.session.scalar(statement)

    async def get_in_project(self, project_id: int, source_id: int) -> DataSource | None:
        """The project's source, unless it was deleted (kept only for archived jobs)."""
        statement = select(DataSource).where(
            DataSource.id == source_id,
            DataSource.project_id == project_id,
            DataSource.deleted_at.is_(None),
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
        """Publish a running ingestion's progress (see IngestProgress for why apart)."""
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        dialect_insert = pg_insert if postgresql else sqlite_insert
        statement = dialect_insert(IngestProgress).values(
            data_source_id=source_id, rows_done=rows_done
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[IngestProgress.data_source_id],
                set_={"rows_done": rows_done, "updated_at": utcnow()},
            )
        )

    async def _end_progress(self, source_id: int) -> None:
        await self.session.execute(
            delete(IngestProgress).where(IngestProgress.data_source_id == source_id)
        )

    async def start_append(self, source_id: int) -> bool:
        """Mark a ready source as appending; False when it is not ready (a concurrent append or
        ingestion got there first: the conditional update decides, not an earlier read)."""
        result = await self.session.execute(
            update(DataSource)
            .where(DataSource.id == source_id, DataSource.status == DataSourceStatus.READY)
            .values(status=DataSourceStatus.APPENDING)
        )
        return bool(getattr(result, "rowcount", 0))

    async def add_append(self, append: DataSourceAppend) -> DataSourceAppend:
        self.session.add(append)
        await self.session.flush()
        return append

    async def get_append(self, append_id: int) -> DataSourceAppend | None:
        return await self.session.get(DataSourceAppend, append_id)

    async def page_appends(
        self, source_id: int, cursor: Cursor
    ) -> tuple[list[DataSourceAppend], bool]:
        """A cursor page of the source's appends, oldest first."""
        statement = select(DataSourceAppend).where(DataSourceAppend.data_source_id == source_id)
        rows = await self.session.scalars(keyset(statement, DataSourceAppend.id, cursor))
        return cut(list(rows), cursor)

    async def running_append_ids(self) -> list[int]:
        """Appends whose load had not finished (start-up recovery)."""
        statement = select(DataSourceAppend.id).where(
            DataSourceAppend.status == DataSourceStatus.INGESTING
        )
        return list(await self.session.scalars(statement))

    async def finish_append(
        self,
        append: DataSourceAppend,
        *,
        rows_read: int,
        rows_added: int,
        rows_already_imported: int,
        skipped_count: int,
        statements: list[dict[str, Any]],
        warnings: list[str],
    ) -> None:
        """Record a loaded append, and the source's new row count, statements and warnings."""
        source = await self.session.get(DataSource, append.data_source_id)
        assert source is not None
        row_count = source.row_count + rows_added
        statement = source.statement
        if statements:
            statement = {"statements": [*(statement or {}).get("statements", []), *statements]}
        await self.session.execute(
            update(DataSource)
            .where(DataSource.id == source.id)
            .values(
                status=DataSourceStatus.READY,
                row_count=row_count,
                rows_done=row_count,
                statement=statement,
                warnings=[*(source.warnings or []), *warnings] or None,
            )
        )
        await self.session.execute(
            update(DataSourceAppend)
            .where(DataSourceAppend.id == append.id)
            .values(
                status=DataSourceStatus.READY,
                rows_read=rows_read,
                rows_added=rows_added,
                rows_already_imported=rows_already_imported,
                skipped_count=skipped_count,
                finished_at=func.now(),
            )
        )
        await self._end_progress(source.id)

    async def fail_append(self, append: DataSourceAppend, detail: dict[str, Any]) -> None:
        """The append is refused; its source goes back to ready with the rows it had."""
        await self.session.execute(
            update(DataSource)
            .where(
                DataSource.id == append.data_source_id,
                DataSource.status == DataSourceStatus.APPENDING,
            )
            .values(status=DataSourceStatus.READY)
        )
        await self.session.execute(
            update(DataSourceAppend)
            .where(DataSourceAppend.id == append.id)
            .values(status=DataSourceStatus.FAILED, error=detail, finished_at=func.now())
        )
        await self._end_progress(append.data_source_id)

    async def last_row_number(self, source_id: int) -> int:
        """The highest row number of a source (on ix_record_data_source_id_row_number)."""
        statement = select(func.max(Record.row_number)).where(Record.data_source_id == source_id)
        return int(await self.session.scalar(statement) or 0)

    async def identity_columns(
        self, source_id: int, *, chunk_rows: int = 100_000
    ) -> AsyncIterator[tuple[pa.Array, pa.Array]]:
        """(transaction_id, row_hash) of every record of a source, streamed in chunks."""
        statement = (
            select(Record.transaction_id, Record.row_hash)
            .where(Record.data_source_id == source_id)
            .execution_options(yield_per=chunk_rows)
        )
        result = await self.session.stream(statement)
        async for rows in result.partitions():
            transaction_ids, row_hashes = zip(*rows, strict=True)
            yield pa.array(transaction_ids, pa.string()), pa.array(row_hashes, pa.int64())

    async def ingesting_ids(self) -> list[int]:
        """Sources whose ingestion had not finished (start-up recovery)."""
        statement = select(DataSource.id).where(DataSource.status == DataSourceStatus.INGESTING)
        return list(await self.session.scalars(statement))

    async def add(self, source: DataSource) -> DataSource:
        self.session.add(source)
        await self.session.flush()
        return source

    async def retire(self, source: DataSource, now: datetime) -> None:
        """Delete a source from the project but keep its row and records for archived jobs."""
        source.deleted_at = now
        await self.session.flush()

    async def hide_for_deletion(self, source: DataSource, now: datetime) -> None:
        """Take a source out of every list and lookup (deleted_at) and mark its records for the
        stepped deletion that follows (tally.sources.ingestion.purge_source)."""
        source.deleted_at = now
        source.status = SOURCE_DELETING
        await self.session.flush()

    async def deleting_ids(self) -> list[int]:
        """Sources hidden for a deletion that had not finished (start-up recovery)."""
        statement = select(DataSource.id).where(DataSource.status == SOURCE_DELETING)
        return list(await self.session.scalars(statement))

    async def delete_row(self, source_id: int) -> None:
        """The source's own row, once its records are gone."""
        await self.session.execute(delete(DataSource).where(DataSource.id == source_id))

    async def delete(self, source: DataSource) -> None:
        """Records go in one indexed range delete (ix_record_data_source_id_row_number), not one by
        one; the caller has removed the results of jobs that used them (no foreign keys there)."""
        await self.delete_records(source.id)
        await self.session.execute(delete(DataSource).where(DataSource.id == source.id))

    async def delete_records_of_project(self, project_id: int) -> None:
        sources = select(DataSource.id).where(DataSource.project_id == project_id)
        await self.session.execute(delete(Record).where(Record.data_source_id.in_(sources)))
        await self.session.execute(
            delete(RecordSearch).where(RecordSearch.data_source_id.in_(sources))
        )

    async def delete_records(self, source_id: int) -> None:
        await self.session.execute(delete(Record).where(Record.data_source_id == source_id))
        # Their searchable copy (tally.results.indexing), by ix_record_search_data_source_id.
        await self.session.execute(
            delete(RecordSearch).where(RecordSearch.data_source_id == source_id)
        )

    async def delete_some_records(self, source_id: int, limit: int) -> int:
        """Delete up to ``limit`` rows of a source's searchable copy or, once none is left, of its
        records; returns how many went (0: nothing left). On the primary key of record_search and
        ix_record_data_source_id_row_number."""
        searchable = (
            select(RecordSearch.record_id)
            .where(RecordSearch.data_source_id == source_id)
            .limit(limit)
        )
        result = await self.session.execute(
            delete(RecordSearch).where(
                RecordSearch.data_source_id == source_id, RecordSearch.record_id.in_(searchable)
            )
        )
        deleted = int(getattr(result, "rowcount", 0))
        if deleted:
            return deleted
        some = select(Record.id).where(Record.data_source_id == source_id).limit(limit)
        result = await self.session.execute(delete(Record).where(Record.id.in_(some)))
        return int(getattr(result, "rowcount", 0))

    async def move_records(self, from_source_id: int, to_source_id: int) -> int:
        """Give every record of ``from_source_id`` to ``to_source_id`` (a SQLite append's staged
        rows, on ix_record_data_source_id_row_number); returns how many moved."""
        result = await self.session.execute(
            update(Record)
            .where(Record.data_source_id == from_source_id)
            .values(data_source_id=to_source_id)
        )
        return int(getattr(result, "rowcount", 0))

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
