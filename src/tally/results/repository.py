"""All SQL of a job's results but the bulk write (tally.results.writes): deletion, totals, result
pages, review writes, audit trail."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Row,
    Select,
    String,
    Subquery,
    and_,
    case,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    table,
    text,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

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
    RecordSearch,
    UnmatchedRecord,
    User,
    match_tab,
)
from tally.models.base import utcnow
from tally.models.record_search import search_partition
from tally.results.partitions import drop_partitions
from tally.results.schemas import MatchQuery, MatchSort, RecordQuery, RecordSort, RecordTab

# Statuses under which a match's records count as reconciled.
SETTLED_STATUSES = (MatchStatus.AUTO, MatchStatus.CONFIRMED, MatchStatus.MANUAL)
SIDE_TOTALS = ("records", "claimed", "matched", "unmatched", "matched_amount", "unmatched_amount")
# pg_advisory_xact_lock(_SEARCH_LOCK, source_id): one search-text build per source at a time.
_SEARCH_LOCK = 7_000_001

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
# The same orders over unmatched_record's copies of those columns (record_id is the record's
# id): (column, descending), then record_id the same way.
_UNMATCHED_SORT: dict[RecordSort, tuple[str, bool]] = {
    RecordSort.ID: ("row_number", False),
    RecordSort.ID_DESC: ("row_number", True),
    RecordSort.AMOUNT: ("amount", False),
    RecordSort.AMOUNT_DESC: ("amount", True),
    RecordSort.DATE: ("booking_date", False),
    RecordSort.DATE_DESC: ("booking_date", True),
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

    # --- deleting results (the bulk write is tally.results.writes) ------------------------------

    async def delete_results(self, job_id: int) -> None:
        """Delete one job's results: its partitions (PostgreSQL), a range delete per table."""
        await drop_partitions(self.session, [job_id])
        await self._delete_results_where(
            MatchRecord.job_id == job_id,
            Match.job_id == job_id,
            RecordDuplicate.job_id == job_id,
            UnmatchedRecord.job_id == job_id,
        )
        # The pages read the scans again until the next run's results are indexed.
        await self.session.execute(
            update(ReconciliationJob)
            .where(ReconciliationJob.id == job_id)
            .values(results_indexed_at=None)
            .execution_options(synchronize_session=False)
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
        await drop_partitions(self.session, list(await self.session.scalars(job_ids)))
        await self._delete_results_where(
            MatchRecord.job_id.in_(job_ids),
            Match.job_id.in_(job_ids),
            RecordDuplicate.job_id.in_(job_ids),
            UnmatchedRecord.job_id.in_(job_ids),
        )

    async def _delete_results_where(self, *conditions: ColumnElement[bool]) -> None:
        links, matches, duplicates, unmatched = conditions
        await self.session.execute(delete(MatchRecord).where(links))
        await self.session.execute(delete(Match).where(matches))
        await self.session.execute(delete(RecordDuplicate).where(duplicates))
        await self.session.execute(delete(UnmatchedRecord).where(unmatched))

    # --- the indexes of the results pages, built after the job completes ------------------------

    async def insert_search_text(self, source_id: int) -> None:
        """Copy into record_search the text of the source's records it lacks (all of them the
        first time, rows appended since then later).

        On PostgreSQL the first time builds the source's partition apart (fill, then one sorted
        index build) and attaches it; later rows go through the index. Jobs indexing the same
        source at once take turns (a transaction-scoped advisory lock on the source).
        """
        connection = await self.session.connection()
        if connection.dialect.name != "postgresql":
            await self._add_search_text(source_id)
            return
        await self.session.execute(select(func.pg_advisory_xact_lock(_SEARCH_LOCK, source_id)))
        partition = search_partition(source_id)
        if await self.session.scalar(select(func.to_regclass(partition))) is None:
            await self._build_search_partition(source_id, partition)
            return
        await self._add_search_text(source_id)
        # Rows inserted through a GIN index wait in its pending list, which every search reads
        # in full until it is merged (35 ms more per search after 1M rows): merge them now.
        index = f"{partition}_text_idx"
        await self.session.execute(select(func.gin_clean_pending_list(func.to_regclass(index))))

    async def _add_search_text(self, source_id: int) -> None:
        missing = _search_rows(source_id).where(
            ~exists().where(
                RecordSearch.data_source_id == source_id, RecordSearch.record_id == Record.id
            ),
        )
        await self.session.execute(insert(RecordSearch).from_select(_SEARCH_COLUMNS, missing))

    async def _build_search_partition(self, source_id: int, partition: str) -> None:
        source = int(source_id)
        schema, name = partition.split(".")
        await self.session.execute(
            text(f"CREATE TABLE {partition} (LIKE record_search INCLUDING DEFAULTS)")
        )
        target = table(name, *(column(c) for c in _SEARCH_COLUMNS), schema=schema)
        await self.session.execute(
            insert(target).from_select(_SEARCH_COLUMNS, _search_rows(source))
        )
        # Names and ids below are integers formatted here, never text from outside.
        statements = (
            "SET LOCAL maintenance_work_mem = '128MB'",
            f"ALTER TABLE {partition}"
            f" ADD CONSTRAINT pk_{name} PRIMARY KEY (data_source_id, record_id)",
            f"CREATE INDEX {name}_text_idx ON {partition} USING gin (content gin_trgm_ops)",
            # Proves the partition's bound, so attaching it does not scan it again.
            f"ALTER TABLE {partition}"
            f" ADD CONSTRAINT ck_{name}_source CHECK (data_source_id = {source})",
            f"ALTER TABLE record_search ATTACH PARTITION {partition} FOR VALUES IN ({source})",
            # Statistics now, not when autovacuum comes by: without them the planner takes the
            # new partition for empty and probes it row by row (measured 330 ms instead of 26).
            f"ANALYZE {partition}",
        )
        for statement in statements:
            await self.session.execute(text(statement))

    async def insert_unmatched(
        self, job: ReconciliationJob, record_ids: Collection[int] | None = None
    ) -> None:
        """Add to unmatched_record the job's records (of both sources, or only ``record_ids``)
        that no claiming link holds: one anti-join, in the background after completion."""
        claimed = exists().where(
            MatchRecord.job_id == job.id, MatchRecord.record_id == Record.id, MatchRecord.claims
        )
        side = case((Record.data_source_id == job.left_source_id, "left"), else_="right")
        rows = select(
            literal(job.id, BigInteger),
            Record.id,
            side,
            Record.row_number,
            Record.amount,
            Record.booking_date,
        ).where(
            Record.data_source_id.in_((job.left_source_id, job.right_source_id)),
            ~claimed,
        )
        if record_ids is not None:
            rows = rows.where(Record.id.in_(record_ids))
        columns = ["job_id", "record_id", "side", "row_number", "amount", "booking_date"]
        await self.session.execute(insert(UnmatchedRecord).from_select(columns, rows))
        connection = await self.session.connection()
        if record_ids is None and connection.dialect.name == "postgresql":
            # A job's worth of new rows: their statistics now, for the same reason as above.
            await self.session.execute(text("ANALYZE unmatched_record"))

    async def refresh_unmatched(self, job: ReconciliationJob, record_ids: Collection[int]) -> None:
        """After a review change, list exactly those of ``record_ids`` no match holds now."""
        if job.results_indexed_at is None or not record_ids:
            return  # the tabs still use the anti-join; the build will see this change
        await self.session.execute(
            delete(UnmatchedRecord).where(
                UnmatchedRecord.job_id == job.id, UnmatchedRecord.record_id.in_(record_ids)
            )
        )
        await self.insert_unmatched(job, record_ids)

    async def mark_results_indexed(self, job: ReconciliationJob) -> None:
        job.results_indexed_at = utcnow()
        await self.session.flush()

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
            .join(Match, and_(Match.job_id == job_id, Match.id == MatchRecord.match_id))
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

    def _match_filter(self, job: ReconciliationJob, query: MatchQuery) -> Select[Match]:
        statement = select(Match).where(Match.job_id == job.id, Match.tab == query.tab)
        if query.rule is not None:
            statement = statement.where(Match.rule == query.rule)
        if query.min_amount is not None:
            statement = statement.where(Match.amount >= query.min_amount)
        if query.max_amount is not None:
            statement = statement.where(Match.amount <= query.max_amount)
        if query.q:
            # Records found by the text (trigram index) -> their links -> matches of this tab;
            # or, for a selection most records pass, this tab in order checking each match.
            searched = _searched_text(job)
            statement = statement.where(
                exists().where(
                    MatchRecord.job_id == job.id,
                    MatchRecord.match_id == Match.id,
                    searched.of_job(job, MatchRecord.record_id),
                    searched.matches(query.q),
                )
            )
        return statement

    async def count_matches(self, job: ReconciliationJob, query: MatchQuery) -> int:
        inner = self._match_filter(job, query).with_only_columns(Match.id).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def match_page(
        self, job: ReconciliationJob, query: MatchQuery, *, offset: int, limit: int
    ) -> list[Match]:
        statement = (
            self._match_filter(job, query)
            .order_by(*_MATCH_ORDER[query.sort])
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def export_match_rows(
        self, job: ReconciliationJob, query: MatchQuery, *, after_id: int, limit: int
    ) -> list[Row[Any]]:
        """The next ``limit`` matches after ``after_id`` with all their records, one row per
        record (``EXPORT_MATCH_COLUMNS``), in one statement; plain rows, no ORM objects."""
        page = (
            self._match_filter(job, query)
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
            .outerjoin(
                MatchRecord, and_(MatchRecord.job_id == job.id, MatchRecord.match_id == page.c.id)
            )
            .outerjoin(Record, Record.id == MatchRecord.record_id)
            .outerjoin(
                RecordDuplicate,
                and_(
                    RecordDuplicate.job_id == job.id,
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
            .where(MatchRecord.job_id == job_id, MatchRecord.match_id.in_(match_ids))
            .order_by(MatchRecord.match_id, MatchRecord.side, Record.id)
        )
        rows = await self.session.execute(statement)
        return [LinkedRecord(m, side, record, group) for m, side, record, group in rows]

    def _record_filter(self, job: ReconciliationJob, query: RecordQuery) -> Select[Any]:
        """The duplicates tab, and an unmatched tab before the job's results are indexed: the
        source's records no claiming link holds (an anti-join)."""
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
            side = _side(query)
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
                .where(Record.data_source_id == source_id, ~exists().where(claimed_by))
            )
        if query.min_amount is not None:
            statement = statement.where(Record.amount >= query.min_amount)
        if query.max_amount is not None:
            statement = statement.where(Record.amount <= query.max_amount)
        if query.q:
            searched = _searched_text(job)
            if searched is _RECORD_TEXT:
                statement = statement.where(searched.matches(query.q))
            else:
                statement = statement.where(
                    exists().where(searched.of_job(job, Record.id), searched.matches(query.q))
                )
        return statement

    def _record_order(self, query: RecordQuery) -> tuple[Any, ...]:
        if query.tab is RecordTab.DUPLICATES:
            # Twins stay together: the duplicates tab is always ordered by group.
            return (RecordDuplicate.group_id, RecordDuplicate.record_id)
        return _RECORD_ORDER[query.sort]

    def _unmatched_keys(
        self, job: ReconciliationJob, query: RecordQuery
    ) -> Select[int, int, int, date | None]:
        """An unmatched tab of an indexed job as its unmatched_record rows, filtered: a page is
        cut from these (an index range) before any record is read, so page 500 skips index
        entries, not 25,000 joined records."""
        statement = select(
            UnmatchedRecord.record_id,
            UnmatchedRecord.row_number,
            UnmatchedRecord.amount,
            UnmatchedRecord.booking_date,
        ).where(UnmatchedRecord.job_id == job.id, UnmatchedRecord.side == _side(query))
        if query.min_amount is not None:
            statement = statement.where(UnmatchedRecord.amount >= query.min_amount)
        if query.max_amount is not None:
            statement = statement.where(UnmatchedRecord.amount <= query.max_amount)
        if query.q:
            statement = statement.where(
                exists().where(
                    _SEARCH_TEXT.of_job(job, UnmatchedRecord.record_id),
                    _SEARCH_TEXT.matches(query.q),
                )
            )
        return statement

    def _records_of(self, job: ReconciliationJob, keys: Subquery, *columns: Any) -> Select[Any]:
        """``columns`` of the records a page of unmatched_record rows names, with their
        duplicate group."""
        return (
            select(*columns)
            .select_from(keys)
            .join(Record, Record.id == keys.c.record_id)
            .outerjoin(
                RecordDuplicate,
                and_(
                    RecordDuplicate.job_id == job.id,
                    RecordDuplicate.record_id == keys.c.record_id,
                ),
            )
        )

    async def count_records(self, job: ReconciliationJob, query: RecordQuery) -> int:
        if _unmatched_indexed(job, query):
            inner = self._unmatched_keys(job, query).subquery()
        else:
            inner = self._record_filter(job, query).with_only_columns(Record.id).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def record_page(
        self, job: ReconciliationJob, query: RecordQuery, *, offset: int, limit: int
    ) -> list[RecordRow]:
        if _unmatched_indexed(job, query):
            keys = (
                self._unmatched_keys(job, query)
                .order_by(*_unmatched_order(UnmatchedRecord.__table__.c, query.sort))
                .offset(offset)
                .limit(limit)
                .subquery()
            )
            columns = (
                Record,
                literal(_side(query), String),
                RecordDuplicate.group_id,
                literal(None, BigInteger),
            )
            statement = self._records_of(job, keys, *columns).order_by(
                *_unmatched_order(keys.c, query.sort)
            )
        else:
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
        if _unmatched_indexed(job, query):
            position = (UnmatchedRecord.row_number, UnmatchedRecord.record_id)
            keys = (
                self._unmatched_keys(job, query)
                .where(tuple_(*position) > tuple_(*after))
                .order_by(*position)
                .limit(limit)
                .subquery()
            )
            columns = (
                literal(_side(query), String),
                *_EXPORT_RECORD_FIELDS,
                RecordDuplicate.group_id,
                literal(None, BigInteger),
            )
            page = self._records_of(job, keys, *columns)
            return list(
                await self.session.execute(page.order_by(keys.c.row_number, keys.c.record_id))
            )
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


@dataclass(frozen=True, slots=True)
class _SearchedText:
    """Where a text search reads a record's reference and description."""

    source_id: InstrumentedAttribute[int]
    record_id: InstrumentedAttribute[int]
    reference: InstrumentedAttribute[str | None]
    description: InstrumentedAttribute[str | None]
    content: InstrumentedAttribute[str] | None  # both, joined, trigram-indexed

    def of_job(self, job: ReconciliationJob, record_id: Any) -> ColumnElement[bool]:
        """The row of record ``record_id``, among the job's sources (on PostgreSQL that prunes
        record_search to their two partitions)."""
        return and_(
            self.source_id.in_((job.left_source_id, job.right_source_id)),
            self.record_id == record_id,
        )

    def matches(self, q: str) -> ColumnElement[bool]:
        """Either column contains ``q``, case-insensitively (ILIKE '%q%', wildcards escaped)."""
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        either = or_(
            self.reference.ilike(pattern, escape="\\"),
            self.description.ilike(pattern, escape="\\"),
        )
        if self.content is None:
            return either
        # The index finds the rows by their joined text; the columns then decide, so a match
        # never spans the two.
        return and_(self.content.ilike(pattern, escape="\\"), either)


_RECORD_TEXT = _SearchedText(
    Record.data_source_id, Record.id, Record.reference, Record.description, None
)
_SEARCH_TEXT = _SearchedText(
    RecordSearch.data_source_id,
    RecordSearch.record_id,
    RecordSearch.reference,
    RecordSearch.description,
    RecordSearch.content,
)
_SEARCH_COLUMNS = ["data_source_id", "record_id", "reference", "description", "content"]


def _search_rows(source_id: int) -> Select[int, int, str | None, str | None, str]:
    """A source's records as rows of record_search (``_SEARCH_COLUMNS``)."""
    content = func.coalesce(Record.reference, "") + "\n" + func.coalesce(Record.description, "")
    return select(
        Record.data_source_id, Record.id, Record.reference, Record.description, content
    ).where(Record.data_source_id == source_id)


def _side(query: RecordQuery) -> str:
    return "left" if query.tab is RecordTab.UNMATCHED_LEFT else "right"


def _unmatched_order(columns: Any, sort: RecordSort) -> tuple[ColumnElement[Any], ...]:
    """ORDER BY of an unmatched tab over ``columns`` (unmatched_record's or a page's of it)."""
    name, descending = _UNMATCHED_SORT[sort]
    keys = (columns[name], columns["record_id"])
    return tuple(key.desc() if descending else key.asc() for key in keys)


def _unmatched_indexed(job: ReconciliationJob, query: RecordQuery) -> bool:
    """An unmatched tab of a job whose unmatched_record rows are built (and kept current)."""
    return query.tab is not RecordTab.DUPLICATES and job.results_indexed_at is not None


def _searched_text(job: ReconciliationJob) -> _SearchedText:
    """record_search (trigram-indexed on PostgreSQL) once the job's results are indexed, which
    includes its sources' text; until then the records themselves, a scan."""
    return _RECORD_TEXT if job.results_indexed_at is None else _SEARCH_TEXT
