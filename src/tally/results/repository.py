from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.bulk import bulk_insert
from tally.models import (
    CLAIMING_STATUSES,
    Match,
    MatchCategory,
    MatchRecord,
    MatchStatus,
    ProjectStats,
    Record,
)
from tally.models.base import utcnow

MATCH_COLUMNS = (
    "id",
    "job_id",
    "rule",
    "rule_index",
    "score",
    "status",
    "category",
    "amount_difference",
    "date_difference_days",
    "evidence",
)
LINK_COLUMNS = ("job_id", "match_id", "record_id", "side", "claims")
# Statuses under which a match's records count as reconciled.
SETTLED_STATUSES = (MatchStatus.AUTO, MatchStatus.CONFIRMED, MatchStatus.MANUAL)
_CHUNK_ROWS = 100_000


class ResultRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def delete_results(self, job_id: int) -> None:
        # Links first (their own job index), then matches: two range deletes, no row-by-row cascade.
        await self.session.execute(delete(MatchRecord).where(MatchRecord.job_id == job_id))
        await self.session.execute(delete(Match).where(Match.job_id == job_id))

    async def replace_results(
        self, job_id: int, matches: pl.DataFrame, links: pl.DataFrame
    ) -> None:
        """Write a job's matches and links, replacing any earlier attempt's (idempotent retries).

        ``matches`` carries the engine's local ``match_key``; database ids are reserved up front so
        links can be written in the same bulk pass without reading anything back.
        """
        await self.delete_results(job_id)
        if matches.height == 0:
            return
        ids = await self._reserve_match_ids(matches.height)
        keyed = matches.with_columns(
            pl.Series("id", ids, pl.Int64), pl.lit(job_id, pl.Int64).alias("job_id")
        )
        link_rows = links.join(
            keyed.select("match_key", pl.col("id").alias("match_id"), "status"),
            on="match_key",
            how="inner",
        ).with_columns(
            pl.lit(job_id, pl.Int64).alias("job_id"),
            pl.col("status").is_in([str(s) for s in CLAIMING_STATUSES]).alias("claims"),
        )
        connection = await self.session.connection()
        await bulk_insert(connection, "match", MATCH_COLUMNS, _chunks(keyed.select(MATCH_COLUMNS)))
        await bulk_insert(
            connection, "match_record", LINK_COLUMNS, _chunks(link_rows.select(LINK_COLUMNS))
        )

    async def _reserve_match_ids(self, count: int) -> list[int]:
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            result = await self.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('match', 'id')) FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
            return sorted(row[0] for row in result)
        # SQLite has one writer at a time, and this transaction is it once it has written.
        start = int(await self.session.scalar(select(func.coalesce(func.max(Match.id), 0))) or 0)
        return list(range(start + 1, start + count + 1))

    async def job_totals(
        self, job_id: int, left_source_id: int, right_source_id: int
    ) -> dict[str, Any]:
        """Per-side record counts and amounts, settled vs open, straight from the stored results."""
        settled = (
            select(MatchRecord.record_id)
            .join(Match, Match.id == MatchRecord.match_id)
            .where(
                MatchRecord.job_id == job_id,
                Match.category == MatchCategory.MATCHED,
                Match.status.in_(SETTLED_STATUSES),
            )
            .subquery()
        )
        is_settled = settled.c.record_id.is_not(None)
        statement = (
            select(
                Record.data_source_id,
                func.count().label("records"),
                func.count(settled.c.record_id).label("matched"),
                func.coalesce(
                    func.sum(case((is_settled, func.abs(Record.amount)), else_=0)), 0
                ).label("matched_amount"),
                func.coalesce(
                    func.sum(case((is_settled, 0), else_=func.abs(Record.amount))), 0
                ).label("unmatched_amount"),
            )
            .outerjoin(settled, settled.c.record_id == Record.id)
            .where(Record.data_source_id.in_((left_source_id, right_source_id)))
            .group_by(Record.data_source_id)
        )
        sides = {row.data_source_id: row for row in await self.session.execute(statement)}
        by_status = await self.session.execute(
            select(Match.category, Match.status, func.count())
            .where(Match.job_id == job_id)
            .group_by(Match.category, Match.status)
        )

        def side(source_id: int) -> dict[str, int]:
            row = sides.get(source_id)
            if row is None:
                return {
                    "records": 0,
                    "matched": 0,
                    "unmatched": 0,
                    "matched_amount": 0,
                    "unmatched_amount": 0,
                }
            return {
                "records": int(row.records),
                "matched": int(row.matched),
                "unmatched": int(row.records - row.matched),
                "matched_amount": int(row.matched_amount),
                "unmatched_amount": int(row.unmatched_amount),
            }

        return {
            "left": side(left_source_id),
            "right": side(right_source_id),
            "matches": {f"{category}:{status}": int(n) for category, status, n in by_status},
        }

    async def save_project_stats(
        self, project_id: int, job_id: int, totals: dict[str, Any]
    ) -> ProjectStats:
        left, right = totals["left"], totals["right"]
        records = left["records"] + right["records"]
        matched = left["matched"] + right["matched"]
        stats = await self.session.get(ProjectStats, project_id)
        if stats is None:
            stats = ProjectStats(project_id=project_id)
            self.session.add(stats)
        stats.last_job_id = job_id
        stats.matched_count = matched
        stats.unmatched_count = records - matched
        # Matched money is counted once (the left side); open items on both sides are each owed.
        stats.matched_amount = left["matched_amount"]
        stats.unmatched_amount = left["unmatched_amount"] + right["unmatched_amount"]
        stats.match_rate = matched / records if records else 0.0
        stats.detail = totals
        stats.computed_at = utcnow()
        await self.session.flush()
        return stats


async def _chunks(frame: pl.DataFrame) -> AsyncIterator[pa.Table]:
    for offset in range(0, frame.height, _CHUNK_ROWS):
        yield frame.slice(offset, _CHUNK_ROWS).to_arrow()
