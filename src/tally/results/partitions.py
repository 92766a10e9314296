"""A job's partitions of ``match`` and ``match_record`` on PostgreSQL (migration 0010_result_write).

Partitions live in their own schema, out of the application's namespace, one per job and table.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import Match, MatchRecord

RESULTS_SCHEMA = "job_results"
PARTITIONED = (Match, MatchRecord)


def partition_name(model: type[Match] | type[MatchRecord], job_id: int) -> str:
    return f"{RESULTS_SCHEMA}.{model.__tablename__}_{int(job_id)}"


async def drop_partitions(session: AsyncSession, job_ids: Collection[int]) -> None:
    """Drop the jobs' partitions, attached or only staged by an attempt that died (PostgreSQL).

    Dropping an attached partition locks its parent exclusively until the transaction ends, so
    result deletions run in short transactions of their own.
    """
    connection = await session.connection()
    if not job_ids or connection.dialect.name != "postgresql":
        return
    names = ", ".join(partition_name(model, job) for job in job_ids for model in PARTITIONED)
    await session.execute(text(f"DROP TABLE IF EXISTS {names}"))
