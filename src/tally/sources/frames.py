"""Records of a source as the matching engine's input frame.

Kept apart from the repository so that ingesting (which never matches) does not import polars and
the matching engine: importing the ingest path measured 277 MB of RSS with them, 194 MB without
(bench/ingest/REPORT.md).
"""

from __future__ import annotations

import asyncio

import polars as pl
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.bulk import copy_out
from tally.matching.fields import INPUT_COLUMNS

# Records go to the matching engine with exactly the columns (and types) it reads.
FRAME_SCHEMA = INPUT_COLUMNS


async def load_record_frame(session: AsyncSession, source_id: int) -> pl.DataFrame:
    """Every record of a source as a polars frame, for the matching engine (FRAME_SCHEMA)."""
    columns = ", ".join(FRAME_SCHEMA)
    return await query_record_frame(
        session,
        f"SELECT {columns} FROM record WHERE data_source_id = {int(source_id)} ORDER BY id",  # noqa: S608
        FRAME_SCHEMA,
    )


async def query_record_frame(
    session: AsyncSession, query: str, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """The rows of ``query`` (its columns in ``schema``'s order, its values inlined: COPY takes no
    parameters) as a frame of exactly ``schema``.

    PostgreSQL streams it out with ``COPY ... TO STDOUT`` (CSV, parsed by polars in a thread) on a
    connection of its own (kit.bulk.copy_out: only for committed rows that no longer change, such
    as a ready source's records); SQLite reads plain rows through the driver, without the ORM's
    per-value type processing, and polars parses the dates.
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        payload = await copy_out(connection, query)
        if not payload:
            return pl.DataFrame(schema=schema)
        return await asyncio.to_thread(
            pl.read_csv, payload, has_header=False, new_columns=list(schema), schema=schema
        )
    rows = (await connection.exec_driver_sql(query)).all()
    dates = [name for name, dtype in schema.items() if dtype == pl.Date()]
    frame = pl.DataFrame(rows, schema={**schema, **dict.fromkeys(dates, pl.String())}, orient="row")
    return frame.with_columns(pl.col(name).str.to_date("%Y-%m-%d") for name in dates)
