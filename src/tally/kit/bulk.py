"""Bulk loading of Arrow data: COPY on PostgreSQL, batched executemany on SQLite; and bulk reading
of committed rows with COPY TO (PostgreSQL).

Loads run on the caller's connection, inside its transaction: nothing is visible to anyone else
until the transaction owner commits, and a rollback leaves no row behind.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from typing import Any, TypeAlias

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy.ext.asyncio import AsyncConnection

_CSV_OPTIONS = pa_csv.WriteOptions(include_header=False, batch_size=65_536)

ArrowData: TypeAlias = pa.Table | pa.RecordBatch


async def bulk_insert(
    connection: AsyncConnection,
    table: str,
    columns: Iterable[str],
    batches: AsyncIterable[ArrowData],
) -> int:
    """Insert every batch (its columns in ``columns`` order) into ``table``; returns the row count."""
    names = tuple(columns)
    if connection.dialect.name == "postgresql":
        return await _copy(connection, table, names, batches)
    return await _insert_many(connection, table, names, batches)


async def _copy(
    connection: AsyncConnection,
    table: str,
    columns: tuple[str, ...],
    batches: AsyncIterable[ArrowData],
) -> int:
    raw = await connection.get_raw_connection()
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
    loaded = 0
    driver: Any = raw.driver_connection
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        async for batch in batches:
            # pyarrow writes quoted strings and unquoted empty nulls: COPY's CSV reading of NULL.
            payload = await asyncio.to_thread(_csv_payload, batch, columns)
            await copy.write(payload)
            loaded += batch.num_rows
    return loaded


async def copy_out(connection: AsyncConnection, query: str) -> bytes:
    """The CSV output of ``COPY (query) TO STDOUT (FORMAT csv)``, read in a thread on a connection
    of its own (PostgreSQL).

    psycopg's async COPY hands over one row per await: 1M records took 7.4-8.5 s to read that way,
    3.8 s synchronously in a thread (the server's own share ~3 s), and a thread each lets two
    reads run at once. Being outside the caller's transaction, it is only for committed rows that
    no longer change (a ready data source's records).
    """
    url = connection.engine.url.set(drivername="postgresql")
    return await asyncio.to_thread(
        _copy_out,
        url.render_as_string(hide_password=False),
        f"COPY ({query}) TO STDOUT (FORMAT csv)",
    )


def copy_out_blocks(
    connection: AsyncConnection, query: str, *, block_rows: int
) -> Callable[[], Iterator[bytes]]:
    """What ``COPY (query) TO STDOUT (FORMAT csv)`` sends, as blocks of whole rows (at most
    ``block_rows`` each), from a connection of its own: pass the result to
    tally.kit.threads.iterate_in_thread, so it runs in a thread a block or two ahead of the reader
    and memory holds a few blocks whatever the size (PostgreSQL; committed rows only, as
    copy_out). PostgreSQL sends each row in a CopyData message of its own (the protocol's
    "always one per row"), so a block never ends inside a row, even one with a newline in a cell.
    """
    url = connection.engine.url.set(drivername="postgresql")
    statement = f"COPY ({query}) TO STDOUT (FORMAT csv)"

    def blocks() -> Iterator[bytes]:
        with (
            psycopg.connect(url.render_as_string(hide_password=False)) as raw,
            raw.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            block = bytearray()
            rows = 0
            for row in copy:
                block += row
                rows += 1
                if rows == block_rows:
                    yield bytes(block)
                    block.clear()
                    rows = 0
            if block:
                yield bytes(block)

    return blocks


def _copy_out(url: str, statement: str) -> bytes:
    with (
        psycopg.connect(url) as connection,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        return b"".join(bytes(chunk) for chunk in copy)


async def _insert_many(
    connection: AsyncConnection,
    table: str,
    columns: tuple[str, ...],
    batches: AsyncIterable[ArrowData],
) -> int:
    placeholders = ", ".join("?" for _ in columns)
    statement = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})'  # noqa: S608
    loaded = 0
    async for batch in batches:
        rows = await asyncio.to_thread(_python_rows, batch, columns)
        if rows:
            await connection.exec_driver_sql(statement, rows)
        loaded += batch.num_rows
    return loaded


def _csv_payload(batch: ArrowData, columns: tuple[str, ...]) -> bytes:
    buffer = io.BytesIO()
    pa_csv.write_csv(batch.select(list(columns)), buffer, _CSV_OPTIONS)
    return buffer.getvalue()


def _python_rows(batch: ArrowData, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    # Dates as ISO text: the form SQLAlchemy's Date type stores and reads back on SQLite.
    values = []
    for name in columns:
        column = batch.column(name)
        if pa.types.is_date(column.type):
            column = pc.strftime(column, "%Y-%m-%d")
        values.append(column.to_pylist())
    return list(zip(*values, strict=True))


def with_constant(batch: ArrowData, name: str, value: int) -> pa.Table:
    """``batch`` as a table with an extra int64 column holding ``value`` on every row."""
    table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    return table.append_column(name, pa.array([value] * table.num_rows, pa.int64()))
