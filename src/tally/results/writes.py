"""The bulk write of a job's results: matches, links and duplicates.

On PostgreSQL ``match`` and ``match_record`` are partitioned by job (tally.results.partitions).
A job's rows are COPYed into two new tables without indexes, whose indexes are then built by
sorting, and the tables become the job's partitions in the transaction that completes the job.
Loading into the shared, indexed tables maintained eight B-trees row by row instead: ~49 s of a
1M x 1M job (bench/jobs/REPORT.md). Every write starts with ResultRepository.delete_results, which
drops whatever an earlier attempt staged or attached. SQLite keeps plain tables and writes
everything in the caller's one transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import polars as pl
import pyarrow as pa
from sqlalchemy import Index, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.bulk import bulk_insert
from tally.models import (
    CLAIMING_STATUSES,
    Match,
    MatchCategory,
    MatchRecord,
    MatchStatus,
    ReconciliationJob,
    match_origin,
    match_tab,
    take_numbers,
)
from tally.models.base import Base
from tally.results.partitions import PARTITIONED, partition_name
from tally.results.repository import ResultRepository

MATCH_COLUMNS = (
    "id",
    "job_id",
    "number",
    "rule",
    "rule_index",
    "score",
    "status",
    "category",
    "amount_difference",
    "date_difference_days",
    "evidence",
    "amount",
    "booking_date",
    "tab",
    "origin",
)
LINK_COLUMNS = ("id", "job_id", "match_id", "record_id", "side", "claims")
DUPLICATE_COLUMNS = ("job_id", "record_id", "side", "group_id")
# A job's engine matches (and links) have ids job_id * ID_STRIDE + 1..n (PostgreSQL): 2^28 per
# job, and ids below 2^53 (exact in JavaScript) up to 33 million jobs. Rows made one at a time
# (manual matches) take the table's sequence.
ID_STRIDE = 1 << 28
_CHUNK_ROWS = 100_000
# Index builds of one job sort up to 2M rows each; the server default (64 MB) spills to disk.
_INDEX_BUILD_MEMORY = "256MB"

_STATUS_PAIRS = [(str(c), str(s)) for c in MatchCategory for s in MatchStatus]
# The Python definitions of tab and origin, as lookup tables for the vectorised bulk write.
_TAB_OF = {f"{c}:{s}": str(match_tab(c, s)) for c, s in _STATUS_PAIRS}
_ORIGIN_OF = {
    f"{c}:{s}": str(match_origin(c, s))
    for c, s in _STATUS_PAIRS
    if c == MatchCategory.DISCREPANCY or s in ("auto", "suggested", "ambiguous", "manual")
}


@dataclass(frozen=True)
class ResultRows:
    """A job's result as the rows of the three bulk tables, ready for COPY."""

    job_id: int
    matches: pl.DataFrame
    links: pl.DataFrame
    duplicates: pl.DataFrame


class ResultWriter:
    """Writes whole job results, in the session's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _is_postgresql(self) -> bool:
        return bool((await self.session.connection()).dialect.name == "postgresql")

    # --- writing --------------------------------------------------------------------------------

    async def replace_results(
        self,
        job_id: int,
        matches: pl.DataFrame,
        links: pl.DataFrame,
        *,
        duplicates: pl.DataFrame,
        left_records: pl.DataFrame,
    ) -> None:
        """Write a job's matches, links and duplicates in this transaction, replacing any earlier
        attempt's (see result_rows for the shapes). Jobs on PostgreSQL stage the parts on two
        connections at once and attach them when they complete: see tally.jobs.runner."""
        await ResultRepository(self.session).delete_results(job_id)
        rows = await self.result_rows(job_id, matches, links, duplicates, left_records)
        if await self._is_postgresql():
            await self.stage_matches(rows)
            await self.stage_links(rows)
            await self.attach(job_id)
            return
        connection = await self.session.connection()
        for table, columns, frame in (
            ("match", MATCH_COLUMNS, rows.matches),
            ("match_record", LINK_COLUMNS, rows.links),
            ("record_duplicate", DUPLICATE_COLUMNS, rows.duplicates),
        ):
            if frame.height:
                await bulk_insert(connection, table, columns, _chunks(frame))

    async def result_rows(
        self,
        job_id: int,
        matches: pl.DataFrame,
        links: pl.DataFrame,
        duplicates: pl.DataFrame,
        left_records: pl.DataFrame,
    ) -> ResultRows:
        """The rows to store for an engine result: matches and links with database ids, duplicates.

        ``matches`` carries the engine's local ``match_key``; database ids are assigned up front so
        links can be written in the same bulk pass without reading anything back.
        ``left_records`` (``id``, ``amount``, ``booking_date`` of the left source) gives each match
        its stored amount and date. ``duplicates`` is the engine's ``(side, record_id, group)``.
        """
        duplicate_rows = duplicates.select(
            pl.lit(job_id, pl.Int64).alias("job_id"),
            "record_id",
            "side",
            pl.col("group").alias("group_id"),
        )
        if matches.height == 0:
            return ResultRows(
                job_id,
                pl.DataFrame(schema=dict.fromkeys(MATCH_COLUMNS, pl.String)),
                pl.DataFrame(schema=dict.fromkeys(LINK_COLUMNS, pl.String)),
                duplicate_rows,
            )
        facts = (
            links.filter(pl.col("side") == "left")
            .join(
                left_records.select(pl.col("id").alias("record_id"), "amount", "booking_date"),
                on="record_id",
                how="left",
            )
            .group_by("match_key")
            .agg(pl.col("amount").sum(), pl.col("booking_date").min())
        )
        status_key = pl.concat_str([pl.col("category"), pl.col("status")], separator=":")
        keyed = (
            matches.join(facts, on="match_key", how="left")
            .sort("match_key")
            .with_columns(
                pl.Series("id", await self._new_ids(Match, job_id, matches.height), pl.Int64),
                pl.lit(job_id, pl.Int64).alias("job_id"),
                await self._new_numbers(job_id, matches.height),
                pl.col("amount").fill_null(0).cast(pl.Int64),
                status_key.replace_strict(_TAB_OF, return_dtype=pl.String).alias("tab"),
                status_key.replace_strict(_ORIGIN_OF, return_dtype=pl.String).alias("origin"),
            )
        )
        link_rows = links.join(
            keyed.select("match_key", pl.col("id").alias("match_id"), "status"),
            on="match_key",
            how="inner",
        )
        link_rows = link_rows.with_columns(
            pl.Series("id", await self._new_ids(MatchRecord, job_id, link_rows.height), pl.Int64),
            pl.lit(job_id, pl.Int64).alias("job_id"),
            pl.col("status").is_in([str(s) for s in CLAIMING_STATUSES]).alias("claims"),
        )
        return ResultRows(
            job_id, keyed.select(MATCH_COLUMNS), link_rows.select(LINK_COLUMNS), duplicate_rows
        )

    async def _new_numbers(self, job_id: int, count: int) -> pl.Series:
        """The numbers of the job's ``count`` matches within its project: one range, taken in one
        statement whatever its size (tally.models.project_counter)."""
        project_id = (
            await self.session.execute(
                select(ReconciliationJob.project_id).where(ReconciliationJob.id == job_id)
            )
        ).scalar_one()
        dialect = (await self.session.connection()).dialect.name
        taken = await self.session.execute(take_numbers(dialect, project_id, "match", count))
        last = int(taken.one()[0])
        return pl.int_range(last - count + 1, last + 1, dtype=pl.Int64, eager=True).alias("number")

    async def _new_ids(
        self, model: type[Match] | type[MatchRecord], job_id: int, count: int
    ) -> list[int]:
        if await self._is_postgresql():
            # The job's own block: no sequence is asked a million times (measured 3.3 s per 1M
            # with nextval). Sequence values stay below the first block: the two never meet.
            first = job_id * ID_STRIDE + 1
            return list(range(first, first + count))
        # SQLite has one writer at a time, and this transaction is it once it has written. The
        # block starts past every id the table ever held (AUTOINCREMENT's sqlite_sequence), not
        # past the highest one left: a deleted match's id never comes back as another match.
        highest = select(func.coalesce(func.max(model.id), 0)).scalar_subquery()
        ever = text("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = :name")
        ever_held = await self.session.scalar(ever, {"name": model.__tablename__})
        start = max(int(await self.session.scalar(select(highest)) or 0), int(ever_held or 0))
        return list(range(start + 1, start + count + 1))

    # --- PostgreSQL: staging and attaching a job's partitions -----------------------------------

    async def stage_matches(self, rows: ResultRows) -> None:
        """Load the job's matches into a new table and index it (not yet visible as results)."""
        await self._stage(Match, MATCH_COLUMNS, rows.job_id, rows.matches)

    async def stage_links(self, rows: ResultRows) -> None:
        """Load the job's links into a new table and index it, and write its duplicates."""
        await self._stage(MatchRecord, LINK_COLUMNS, rows.job_id, rows.links)
        if rows.duplicates.height:
            connection = await self.session.connection()
            await bulk_insert(
                connection, "record_duplicate", DUPLICATE_COLUMNS, _chunks(rows.duplicates)
            )

    async def _stage(
        self,
        model: type[Match] | type[MatchRecord],
        columns: tuple[str, ...],
        job_id: int,
        frame: pl.DataFrame,
    ) -> None:
        name = partition_name(model, job_id)
        parent = model.__tablename__
        # The CHECK lets ATTACH trust the rows without scanning them again.
        for statement in (
            f"CREATE TABLE {name} (LIKE {parent} INCLUDING DEFAULTS, "
            f"CHECK (job_id = {int(job_id)}))",
            f"SET LOCAL maintenance_work_mem = '{_INDEX_BUILD_MEMORY}'",
        ):
            await self.session.execute(text(statement))
        if frame.height:
            connection = await self.session.connection()
            await bulk_insert(connection, name, columns, _chunks(frame))
        # The parent's key is (job_id, id), not the model's (id): see migration 0010.
        await self.session.execute(text(f"ALTER TABLE {name} ADD PRIMARY KEY (job_id, id)"))
        indexes = Base.metadata.tables[parent].indexes
        for index in sorted(indexes, key=lambda i: str(i.name)):
            await self.session.execute(text(_partition_index(index, name)))

    async def attach(self, job_id: int) -> None:
        """Make the staged tables the job's partitions: its results become readable.

        ATTACH takes a SHARE UPDATE EXCLUSIVE lock on the parent, which reads and writes of other
        jobs do not conflict with; the CHECK of _stage spares the validation scan.
        """
        for model in PARTITIONED:
            await self.session.execute(
                text(
                    f"ALTER TABLE {model.__tablename__} ATTACH PARTITION "
                    f"{partition_name(model, job_id)} FOR VALUES IN ({int(job_id)})"
                )
            )
            # Statistics now, not when autovacuum comes by: a 20k-match job's whole-tab export
            # (one join of the new partitions) took 80 s planned without them, 2.4 s with.
            await self.session.execute(text(f"ANALYZE {partition_name(model, job_id)}"))


def _partition_index(index: Index, table: str) -> str:
    """The model's index on one partition; ATTACH adopts it as the parent index's partition."""
    columns = ", ".join(str(c.name) for c in index.columns)
    unique = "UNIQUE " if index.unique else ""
    where = index.dialect_options["postgresql"]["where"]
    condition = f" WHERE {where}" if where is not None else ""
    return f"CREATE {unique}INDEX ON {table} ({columns}){condition}"


async def _chunks(frame: pl.DataFrame) -> AsyncIterator[pa.Table]:
    for offset in range(0, frame.height, _CHUNK_ROWS):
        yield frame.slice(offset, _CHUNK_ROWS).to_arrow()
