"""All SQL of a job's results: the bulk write, totals, result pages, review writes, audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.bulk import bulk_insert
from tally.models import (
    CLAIMING_STATUSES,
    AuditEvent,
    Match,
    MatchCategory,
    MatchRecord,
    MatchStatus,
    ProjectStats,
    ReconciliationJob,
    Record,
    RecordDuplicate,
    User,
    match_origin,
    match_tab,
)
from tally.models.base import utcnow
from tally.results.schemas import MatchQuery, MatchSort, RecordQuery, RecordSort, RecordTab

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
    "amount",
    "booking_date",
    "tab",
    "origin",
)
LINK_COLUMNS = ("job_id", "match_id", "record_id", "side", "claims")
DUPLICATE_COLUMNS = ("job_id", "record_id", "side", "group_id")
# Statuses under which a match's records count as reconciled.
SETTLED_STATUSES = (MatchStatus.AUTO, MatchStatus.CONFIRMED, MatchStatus.MANUAL)
SIDE_TOTALS = ("records", "claimed", "matched", "unmatched", "matched_amount", "unmatched_amount")
_CHUNK_ROWS = 100_000
# A job's engine matches have ids job_id * MATCH_ID_STRIDE + 1..n (PostgreSQL): 2^28 matches per
# job, and ids below 2^53 (exact in JavaScript) up to 33 million jobs.
MATCH_ID_STRIDE = 1 << 28


@dataclass(frozen=True)
class ResultRows:
    """A job's result as the rows of the three bulk tables, ready for COPY."""

    matches: pl.DataFrame
    links: pl.DataFrame
    duplicates: pl.DataFrame


_STATUS_PAIRS = [(str(c), str(s)) for c in MatchCategory for s in MatchStatus]
# The Python definitions of tab and origin, as lookup tables for the vectorised bulk write.
_TAB_OF = {f"{c}:{s}": str(match_tab(c, s)) for c, s in _STATUS_PAIRS}
_ORIGIN_OF = {
    f"{c}:{s}": str(match_origin(c, s))
    for c, s in _STATUS_PAIRS
    if c == MatchCategory.DISCREPANCY or s in ("auto", "suggested", "ambiguous", "manual")
}

_MATCH_ORDER: dict[MatchSort, tuple[ColumnElement[Any], ...]] = {
    MatchSort.ID: (Match.id.asc(),),
    MatchSort.ID_DESC: (Match.id.desc(),),
    MatchSort.AMOUNT: (Match.amount.asc(), Match.id.asc()),
    MatchSort.AMOUNT_DESC: (Match.amount.desc(), Match.id.desc()),
    MatchSort.DATE: (Match.booking_date.asc(), Match.id.asc()),
    MatchSort.DATE_DESC: (Match.booking_date.desc(), Match.id.desc()),
    MatchSort.SCORE: (Match.score.asc(), Match.id.asc()),
    MatchSort.SCORE_DESC: (Match.score.desc(), Match.id.desc()),
}
# Within a source, row_number follows id (records are loaded in file order), and the
# (data_source_id, row_number) index serves it.
_RECORD_ORDER: dict[RecordSort, tuple[ColumnElement[Any], ...]] = {
    RecordSort.ID: (Record.row_number.asc(), Record.id.asc()),
    RecordSort.ID_DESC: (Record.row_number.desc(), Record.id.desc()),
    RecordSort.AMOUNT: (Record.amount.asc(), Record.id.asc()),
    RecordSort.AMOUNT_DESC: (Record.amount.desc(), Record.id.desc()),
    RecordSort.DATE: (Record.booking_date.asc(), Record.id.asc()),
    RecordSort.DATE_DESC: (Record.booking_date.desc(), Record.id.desc()),
}


_EXPORT_MATCH_FIELDS = (
    Match.id,
    Match.tab,
    Match.status,
    Match.category,
    Match.rule,
    Match.score,
    Match.amount_difference,
    Match.date_difference_days,
    Match.evidence,
)
_EXPORT_RECORD_FIELDS = (
    Record.id,
    Record.row_number,
    Record.reference,
    Record.booking_date,
    Record.value_date,
    Record.amount,
    Record.currency,
    Record.description,
    Record.counterparty,
)


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    """A record as one side of a match (or of no match), with its duplicate group if any."""

    match_id: int | None
    side: str
    record: Record
    duplicate_group: int | None


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A row of a record tab: the record, its duplicate group and the match claiming it."""

    record: Record
    side: str
    duplicate_group: int | None
    match_id: int | None


@dataclass(frozen=True, slots=True)
class Claim:
    record_id: int
    match_id: int


class ResultRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- the job runner's bulk write ------------------------------------------------------------

    async def delete_results(self, job_id: int) -> None:
        """Delete one job's results: a range delete per table on its job index."""
        await self._delete_results_where(
            MatchRecord.job_id == job_id, Match.job_id == job_id, RecordDuplicate.job_id == job_id
        )

    async def delete_results_of_project(self, project_id: int) -> None:
        """Delete the results of every job of a project (before the project: the bulk tables have
        no foreign keys to cascade, see BULK_TABLES_NOTE)."""
        await self._delete_results_of_jobs(
            select(ReconciliationJob.id).where(ReconciliationJob.project_id == project_id)
        )

    async def delete_results_of_source(self, source_id: int) -> None:
        """Delete the results of every job that reconciled a data source (before the source)."""
        await self._delete_results_of_jobs(
            select(ReconciliationJob.id).where(
                or_(
                    ReconciliationJob.left_source_id == source_id,
                    ReconciliationJob.right_source_id == source_id,
                )
            )
        )

    async def _delete_results_of_jobs(self, job_ids: Select[Any]) -> None:
        await self._delete_results_where(
            MatchRecord.job_id.in_(job_ids),
            Match.job_id.in_(job_ids),
            RecordDuplicate.job_id.in_(job_ids),
        )

    async def _delete_results_where(self, *conditions: ColumnElement[bool]) -> None:
        links, matches, duplicates = conditions
        await self.session.execute(delete(MatchRecord).where(links))
        await self.session.execute(delete(Match).where(matches))
        await self.session.execute(delete(RecordDuplicate).where(duplicates))

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
        attempt's (see ResultRows for the shapes; PostgreSQL jobs write the parts in parallel)."""
        await self.delete_results(job_id)
        rows = await self.result_rows(job_id, matches, links, duplicates, left_records)
        await self.insert_matches(rows)
        await self.insert_links(rows)

    async def result_rows(
        self,
        job_id: int,
        matches: pl.DataFrame,
        links: pl.DataFrame,
        duplicates: pl.DataFrame,
        left_records: pl.DataFrame,
    ) -> ResultRows:
        """The rows to store for an engine result: matches with database ids, links, duplicates.

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
            empty = pl.DataFrame()
            return ResultRows(empty, empty, duplicate_rows)
        ids = await self._match_ids(job_id, matches.height)
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
                pl.Series("id", ids, pl.Int64),
                pl.lit(job_id, pl.Int64).alias("job_id"),
                pl.col("amount").fill_null(0).cast(pl.Int64),
                status_key.replace_strict(_TAB_OF, return_dtype=pl.String).alias("tab"),
                status_key.replace_strict(_ORIGIN_OF, return_dtype=pl.String).alias("origin"),
            )
        )
        link_rows = links.join(
            keyed.select("match_key", pl.col("id").alias("match_id"), "status"),
            on="match_key",
            how="inner",
        ).with_columns(
            pl.lit(job_id, pl.Int64).alias("job_id"),
            pl.col("status").is_in([str(s) for s in CLAIMING_STATUSES]).alias("claims"),
        )
        return ResultRows(
            keyed.select(MATCH_COLUMNS), link_rows.select(LINK_COLUMNS), duplicate_rows
        )

    async def insert_matches(self, rows: ResultRows) -> None:
        if rows.matches.height:
            connection = await self.session.connection()
            await bulk_insert(connection, "match", MATCH_COLUMNS, _chunks(rows.matches))

    async def insert_links(self, rows: ResultRows) -> None:
        connection = await self.session.connection()
        if rows.links.height:
            await bulk_insert(connection, "match_record", LINK_COLUMNS, _chunks(rows.links))
        if rows.duplicates.height:
            await bulk_insert(
                connection, "record_duplicate", DUPLICATE_COLUMNS, _chunks(rows.duplicates)
            )

    async def _match_ids(self, job_id: int, count: int) -> list[int]:
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            # Engine matches get ids from a job's own block (job_id * stride + 1...), so no
            # sequence is asked a million times (measured 3.3 s per 1M with nextval). Matches
            # made one at a time (manual ones) take the sequence, whose values stay below the
            # first block: the two can never meet.
            first = job_id * MATCH_ID_STRIDE + 1
            return list(range(first, first + count))
        # SQLite has one writer at a time, and this transaction is it once it has written.
        start = int(await self.session.scalar(select(func.coalesce(func.max(Match.id), 0))) or 0)
        return list(range(start + 1, start + count + 1))

    # --- totals and stored stats ----------------------------------------------------------------

    async def job_totals(
        self, job_id: int, left_source_id: int, right_source_id: int
    ) -> dict[str, Any]:
        """Per-side record counts and amounts, settled vs open, straight from the stored results."""
        return {
            **await self.side_totals(job_id, left_source_id, right_source_id),
            "matches": await self.match_counts(job_id),
        }

    async def side_totals(
        self,
        job_id: int,
        left_source_id: int,
        right_source_id: int,
        record_ids: Collection[int] | None = None,
    ) -> dict[str, dict[str, int]]:
        """``left``/``right``: records; claimed (held by a match: not in the unmatched tabs);
        matched (settled) and unmatched, and their amounts.

        One pass: a record has at most one claiming link per job (the partial unique index), so
        joining the claiming links needs no grouping. With ``record_ids``, only those records
        are counted: a review change measures the records it touches before and after, and
        applies the difference to the stored totals.
        """
        settles = and_(Match.category == MatchCategory.MATCHED, Match.status.in_(SETTLED_STATUSES))
        claims_query = (
            select(MatchRecord.record_id, case((settles, 1), else_=0).label("settled"))
            .join(Match, Match.id == MatchRecord.match_id)
            .where(MatchRecord.job_id == job_id, MatchRecord.claims)
        )
        if record_ids is not None:
            claims_query = claims_query.where(MatchRecord.record_id.in_(record_ids))
        claims = claims_query.subquery()
        is_settled = claims.c.settled == 1
        statement = (
            select(
                Record.data_source_id,
                func.count().label("records"),
                func.count(claims.c.record_id).label("claimed"),
                func.coalesce(func.sum(claims.c.settled), 0).label("matched"),
                func.coalesce(
                    func.sum(case((is_settled, func.abs(Record.amount)), else_=0)), 0
                ).label("matched_amount"),
                func.coalesce(
                    func.sum(case((is_settled, 0), else_=func.abs(Record.amount))), 0
                ).label("unmatched_amount"),
            )
            .outerjoin(claims, claims.c.record_id == Record.id)
            .where(Record.data_source_id.in_((left_source_id, right_source_id)))
            .group_by(Record.data_source_id)
        )
        if record_ids is not None:
            statement = statement.where(Record.id.in_(record_ids))
        sides = {row.data_source_id: row for row in await self.session.execute(statement)}

        def side(source_id: int) -> dict[str, int]:
            row = sides.get(source_id)
            if row is None:
                return dict.fromkeys(SIDE_TOTALS, 0)
            return {
                "records": int(row.records),
                "claimed": int(row.claimed),
                "matched": int(row.matched),
                "unmatched": int(row.records - row.matched),
                "matched_amount": int(row.matched_amount),
                "unmatched_amount": int(row.unmatched_amount),
            }

        return {"left": side(left_source_id), "right": side(right_source_id)}

    async def match_counts(self, job_id: int) -> dict[str, int]:
        """Matches per ``category:status`` (an index-only scan of the job's matches)."""
        by_status = await self.session.execute(
            select(Match.category, Match.status, func.count())
            .where(Match.job_id == job_id)
            .group_by(Match.category, Match.status)
        )
        return {f"{category}:{status}": int(n) for category, status, n in by_status}

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

    async def stats_job_id(self, project_id: int) -> int | None:
        """The job the project's stored stats describe (None without stats)."""
        return await self.session.scalar(
            select(ProjectStats.last_job_id).where(ProjectStats.project_id == project_id)
        )

    # --- result pages ---------------------------------------------------------------------------

    def _match_filter(self, job_id: int, query: MatchQuery) -> Select[Match]:
        statement = select(Match).where(Match.job_id == job_id, Match.tab == query.tab)
        if query.rule is not None:
            statement = statement.where(Match.rule == query.rule)
        if query.min_amount is not None:
            statement = statement.where(Match.amount >= query.min_amount)
        if query.max_amount is not None:
            statement = statement.where(Match.amount <= query.max_amount)
        if query.q:
            pattern = _like_pattern(query.q)
            statement = statement.where(
                exists()
                .where(MatchRecord.match_id == Match.id)
                .where(Record.id == MatchRecord.record_id)
                .where(_text_matches(pattern))
            )
        return statement

    async def count_matches(self, job_id: int, query: MatchQuery) -> int:
        inner = self._match_filter(job_id, query).with_only_columns(Match.id).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def match_page(
        self, job_id: int, query: MatchQuery, *, offset: int, limit: int
    ) -> list[Match]:
        statement = (
            self._match_filter(job_id, query)
            .order_by(*_MATCH_ORDER[query.sort])
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def export_match_rows(
        self, job_id: int, query: MatchQuery, *, after_id: int, limit: int
    ) -> list[Row[Any]]:
        """The next ``limit`` matches after ``after_id`` with all their records, one row per
        record (``EXPORT_MATCH_COLUMNS``), in one statement; plain rows, no ORM objects."""
        page = (
            self._match_filter(job_id, query)
            .with_only_columns(*_EXPORT_MATCH_FIELDS)
            .where(Match.id > after_id)
            .order_by(Match.id)
            .limit(limit)
            .subquery()
        )
        statement = (
            select(
                page.c.tab,
                page.c.id,
                page.c.status,
                page.c.category,
                page.c.rule,
                page.c.score,
                MatchRecord.side,
                *_EXPORT_RECORD_FIELDS,
                RecordDuplicate.group_id,
                page.c.amount_difference,
                page.c.date_difference_days,
                page.c.evidence,
            )
            .select_from(page)
            .outerjoin(MatchRecord, MatchRecord.match_id == page.c.id)
            .outerjoin(Record, Record.id == MatchRecord.record_id)
            .outerjoin(
                RecordDuplicate,
                and_(
                    RecordDuplicate.job_id == job_id,
                    RecordDuplicate.record_id == MatchRecord.record_id,
                ),
            )
            .order_by(page.c.id, MatchRecord.side, Record.id)
        )
        return list(await self.session.execute(statement))

    async def get_match(self, job_id: int, match_id: int) -> Match | None:
        return await self.session.scalar(
            select(Match).where(Match.id == match_id, Match.job_id == job_id)
        )

    async def linked_records(self, job_id: int, match_ids: Sequence[int]) -> list[LinkedRecord]:
        """Every record of the given matches, in one statement (ix_match_record_match_id)."""
        if not match_ids:
            return []
        statement = (
            select(MatchRecord.match_id, MatchRecord.side, Record, RecordDuplicate.group_id)
            .join(Record, Record.id == MatchRecord.record_id)
            .outerjoin(
                RecordDuplicate,
                and_(
                    RecordDuplicate.job_id == job_id,
                    RecordDuplicate.record_id == MatchRecord.record_id,
                ),
            )
            .where(MatchRecord.match_id.in_(match_ids))
            .order_by(MatchRecord.match_id, MatchRecord.side, Record.id)
        )
        rows = await self.session.execute(statement)
        return [LinkedRecord(m, side, record, group) for m, side, record, group in rows]

    def _record_filter(self, job: ReconciliationJob, query: RecordQuery) -> Select[Any]:
        claim = MatchRecord.__table__.alias("claim")
        claimed_by = and_(claim.c.job_id == job.id, claim.c.record_id == Record.id, claim.c.claims)
        if query.tab is RecordTab.DUPLICATES:
            statement = (
                select(Record, RecordDuplicate.side, RecordDuplicate.group_id, claim.c.match_id)
                .join(RecordDuplicate, RecordDuplicate.record_id == Record.id)
                .outerjoin(claim, claimed_by)
                .where(RecordDuplicate.job_id == job.id)
            )
        else:
            side = "left" if query.tab is RecordTab.UNMATCHED_LEFT else "right"
            source_id = job.left_source_id if side == "left" else job.right_source_id
            statement = (
                select(
                    Record,
                    literal(side, String),
                    RecordDuplicate.group_id,
                    literal(None, BigInteger),
                )
                .outerjoin(
                    RecordDuplicate,
                    and_(RecordDuplicate.job_id == job.id, RecordDuplicate.record_id == Record.id),
                )
                .where(
                    Record.data_source_id == source_id,
                    ~exists().where(claimed_by),
                )
            )
        if query.min_amount is not None:
            statement = statement.where(Record.amount >= query.min_amount)
        if query.max_amount is not None:
            statement = statement.where(Record.amount <= query.max_amount)
        if query.q:
            statement = statement.where(_text_matches(_like_pattern(query.q)))
        return statement

    def _record_order(self, query: RecordQuery) -> tuple[Any, ...]:
        if query.tab is RecordTab.DUPLICATES:
            # Twins stay together: the duplicates tab is always ordered by group.
            return (RecordDuplicate.group_id, RecordDuplicate.record_id)
        return _RECORD_ORDER[query.sort]

    async def count_records(self, job: ReconciliationJob, query: RecordQuery) -> int:
        inner = self._record_filter(job, query).with_only_columns(Record.id).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def record_page(
        self, job: ReconciliationJob, query: RecordQuery, *, offset: int, limit: int
    ) -> list[RecordRow]:
        statement = (
            self._record_filter(job, query)
            .order_by(*self._record_order(query))
            .offset(offset)
            .limit(limit)
        )
        return [
            RecordRow(r, str(side), g, m) for r, side, g, m in await self.session.execute(statement)
        ]

    async def export_record_rows(
        self, job: ReconciliationJob, query: RecordQuery, *, after: tuple[int, int], limit: int
    ) -> list[Row[Any]]:
        """The next ``limit`` rows after the (row_number, id) or (group_id, record_id) ``after``:
        ``side``, the record's exported fields, ``duplicate_group``, ``match_id``."""
        statement = self._record_filter(job, query)
        side, group, match = list(statement.selected_columns)[-3:]
        if query.tab is RecordTab.DUPLICATES:
            key: tuple[Any, Any] = (RecordDuplicate.group_id, RecordDuplicate.record_id)
        else:
            key = (Record.row_number, Record.id)
        statement = (
            statement.with_only_columns(side, *_EXPORT_RECORD_FIELDS, group, match)
            .where(tuple_(*key) > tuple_(*after))
            .order_by(*key)
            .limit(limit)
        )
        return list(await self.session.execute(statement))

    # --- review ---------------------------------------------------------------------------------

    async def lock_job(self, project_id: int, job_id: int) -> ReconciliationJob | None:
        """The job, locked for the rest of the transaction: review changes to one job (and the
        totals they adjust) happen one after another (a row lock on PostgreSQL; SQLite has a
        single writer anyway)."""
        statement = (
            select(ReconciliationJob)
            .where(ReconciliationJob.id == job_id, ReconciliationJob.project_id == project_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)

    async def links_of(self, match_ids: Collection[int]) -> list[MatchRecord]:
        statement = (
            select(MatchRecord)
            .where(MatchRecord.match_id.in_(match_ids))
            .order_by(MatchRecord.match_id, MatchRecord.side, MatchRecord.record_id)
        )
        return list(await self.session.scalars(statement))

    async def claims_on(
        self, job_id: int, record_ids: Collection[int], *, except_match_ids: Collection[int] = ()
    ) -> list[Claim]:
        """Claiming links on these records by other matches (uq_match_record_job_id_record_id_claims)."""
        statement = select(MatchRecord.record_id, MatchRecord.match_id).where(
            MatchRecord.job_id == job_id,
            MatchRecord.record_id.in_(record_ids),
            MatchRecord.claims,
        )
        if except_match_ids:
            statement = statement.where(MatchRecord.match_id.not_in(except_match_ids))
        rows = await self.session.execute(statement.order_by(MatchRecord.record_id))
        return [Claim(record_id, match_id) for record_id, match_id in rows]

    async def open_alternatives(
        self, job_id: int, record_ids: Collection[int], *, except_match_id: int | None = None
    ) -> list[tuple[int, str]]:
        """(id, category) of the ambiguous matches that use any of these records: the
        alternatives a claim on them rules out."""
        statement = (
            select(Match.id, Match.category)
            .join(MatchRecord, MatchRecord.match_id == Match.id)
            .where(
                MatchRecord.job_id == job_id,
                MatchRecord.record_id.in_(record_ids),
                Match.status == MatchStatus.AMBIGUOUS,
            )
            .distinct()
            .order_by(Match.id)
        )
        if except_match_id is not None:
            statement = statement.where(Match.id != except_match_id)
        return [(int(i), str(c)) for i, c in await self.session.execute(statement)]

    async def set_status(
        self,
        match_ids: Collection[int],
        status: MatchStatus,
        *,
        category: MatchCategory | None = None,
    ) -> None:
        """Set status (and category), the tab they imply, and the links' ``claims`` with them.

        ``category`` moves a confirmed discrepancy to the matched results: the reviewer accepted
        its difference.
        """
        if not match_ids:
            return
        values: dict[str, Any] = {"status": status}
        if category is not None:
            values["category"] = category
            values["tab"] = str(match_tab(category, status))
        else:
            values["tab"] = case(
                *[(Match.category == c, str(match_tab(c, status))) for c in MatchCategory],
                else_=Match.tab,
            )
        await self.session.execute(
            update(Match)
            .where(Match.id.in_(match_ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(MatchRecord)
            .where(MatchRecord.match_id.in_(match_ids))
            .values(claims=status in CLAIMING_STATUSES)
            .execution_options(synchronize_session=False)
        )

    async def records_by_ids(self, record_ids: Collection[int]) -> list[Record]:
        statement = select(Record).where(Record.id.in_(record_ids)).order_by(Record.id)
        return list(await self.session.scalars(statement))

    async def add_match(self, match: Match, links: Iterable[MatchRecord]) -> Match:
        """Insert a match and its links; the partial unique index refuses a claimed record."""
        self.session.add(match)
        await self.session.flush()
        for link in links:
            link.match_id = match.id
            self.session.add(link)
        await self.session.flush()
        return match

    async def refresh(self, match: Match) -> Match:
        await self.session.refresh(match)
        return match

    async def update_job_summary(self, job: ReconciliationJob, values: dict[str, Any]) -> None:
        job.summary = {**(job.summary or {}), **values}
        await self.session.flush()

    # --- audit trail ----------------------------------------------------------------------------

    async def add_audit_events(self, events: Sequence[AuditEvent]) -> None:
        self.session.add_all(events)
        await self.session.flush()

    async def count_audit_events(self, job_id: int) -> int:
        statement = select(func.count()).select_from(AuditEvent).where(AuditEvent.job_id == job_id)
        return int(await self.session.scalar(statement) or 0)

    async def audit_page(
        self, job_id: int, *, offset: int, limit: int
    ) -> list[tuple[AuditEvent, str | None]]:
        """Newest first, with the actor's email (ix_audit_event_job_id_id)."""
        statement = (
            select(AuditEvent, User.email)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.job_id == job_id)
            .order_by(AuditEvent.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [(event, email) for event, email in await self.session.execute(statement)]

    # --- quality --------------------------------------------------------------------------------

    async def decision_counts(self, job_id: int) -> list[tuple[str, int, str, str, int]]:
        """(rule, rule_index, origin, status, count) over the job's matches."""
        statement = (
            select(Match.rule, Match.rule_index, Match.origin, Match.status, func.count())
            .where(Match.job_id == job_id)
            .group_by(Match.rule, Match.rule_index, Match.origin, Match.status)
            .order_by(Match.rule_index, Match.rule)
        )
        rows = await self.session.execute(statement)
        return [(r, int(i), o, s, int(n)) for r, i, o, s, n in rows]

    # --- nearest candidates ---------------------------------------------------------------------

    async def record_in_sources(self, record_id: int, source_ids: Collection[int]) -> Record | None:
        statement = select(Record).where(
            Record.id == record_id, Record.data_source_id.in_(source_ids)
        )
        return await self.session.scalar(statement)

    async def records_near_date(
        self,
        source_id: int,
        *,
        start: date,
        end: date,
        currency: str | None,
        limit: int,
        exclude_id: int,
    ) -> list[Record]:
        """Records of a source booked within [start, end] (ix_record_data_source_id_booking_date)."""
        statement = (
            select(Record)
            .where(
                Record.data_source_id == source_id,
                Record.booking_date.between(start, end),
                Record.id != exclude_id,
            )
            .order_by(Record.booking_date, Record.id)
            .limit(limit)
        )
        if currency is not None:
            statement = statement.where(or_(Record.currency == currency, Record.currency.is_(None)))
        return list(await self.session.scalars(statement))

    async def records_near_amounts(
        self,
        source_id: int,
        *,
        ranges: Sequence[tuple[int, int]],
        currency: str | None,
        limit: int,
        exclude_id: int,
    ) -> list[Record]:
        """Records of a source whose amount lies in any range (ix_record_data_source_id_amount)."""
        in_range = or_(*[Record.amount.between(low, high) for low, high in ranges])
        statement = (
            select(Record)
            .where(Record.data_source_id == source_id, in_range, Record.id != exclude_id)
            .order_by(Record.amount, Record.id)
            .limit(limit)
        )
        if currency is not None:
            statement = statement.where(or_(Record.currency == currency, Record.currency.is_(None)))
        return list(await self.session.scalars(statement))


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_matches(pattern: str) -> ColumnElement[bool]:
    return or_(
        Record.reference.ilike(pattern, escape="\\"),
        Record.description.ilike(pattern, escape="\\"),
    )


async def _chunks(frame: pl.DataFrame) -> AsyncIterator[pa.Table]:
    for offset in range(0, frame.height, _CHUNK_ROWS):
        yield frame.slice(offset, _CHUNK_ROWS).to_arrow()
