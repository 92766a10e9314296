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
    """Every record of a source as a polars frame, for the matching engine.

    PostgreSQL streams it out with ``COPY ... TO STDOUT`` (CSV, parsed by polars in a thread) on a
    connection of its own (kit.bulk.copy_out: records of a source are committed and never change);
    SQLite reads rows through the driver. Both return exactly FRAME_SCHEMA.
    """
    connection = await session.connection()
    columns = ", ".join(FRAME_SCHEMA)
    if connection.dialect.name == "postgresql":
        payload = await copy_out(
            connection,
            f"SELECT {columns} FROM record WHERE data_source_id = {int(source_id)} ORDER BY id",  # noqa: S608
        )
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
