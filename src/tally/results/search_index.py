"""The SQL of the indexes a completed job's results pages read (built by tally.results.indexing):
the sources' text in ``record_search`` and the job's unmatched records in ``unmatched_record``, and
the conditions the result pages read them through."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Select,
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
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from tally.models import (
    JobScopeRecord,
    MatchRecord,
    ReconciliationJob,
    Record,
    RecordSearch,
    ScopeKind,
    UnmatchedRecord,
)
from tally.models.base import utcnow
from tally.models.record_search import search_partition
from tally.results.schemas import RecordQuery, RecordSort, RecordTab
from tally.results.scope import appended_rows, job_scope
from tally.results.stats_repository import ID_CHUNK

# pg_advisory_xact_lock(_SEARCH_LOCK, source_id): one search-text build per source at a time.
_SEARCH_LOCK = 7_000_001
# The record tabs' orders (tally.results.repository) over unmatched_record's copies of those
# columns (record_id is the record's id): (column, descending), then record_id the same way.
_UNMATCHED_SORT: dict[RecordSort, tuple[str, bool]] = {
    RecordSort.ID: ("row_number", False),
    RecordSort.ID_DESC: ("row_number", True),
    RecordSort.AMOUNT: ("amount", False),
    RecordSort.AMOUNT_DESC: ("amount", True),
    RecordSort.DATE: ("booking_date", False),
    RecordSort.DATE_DESC: ("booking_date", True),
}


class SearchIndexRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
        """Insert the text of the source's records numbered above the last one record_search
        holds, found by walking the source's rows down from its last until one is held (all of
        them when none is). Every row below that one is held too: rows are only ever added above
        a source's last row number, each load or append in one transaction, and each build adds
        every row above the last it held (one at a time per source: the advisory lock on
        PostgreSQL, the single writer on SQLite). So an append's text costs its rows, not its
        source's: the anti-join of the whole source with record_search this replaces read both
        in full after every job (0.4-0.5 s per source at 100k rows, with nothing to add)."""
        held = exists().where(
            RecordSearch.data_source_id == source_id, RecordSearch.record_id == Record.id
        )
        last_held = await self.session.scalar(
            select(Record.row_number)
            .where(Record.data_source_id == source_id, held)
            .order_by(Record.row_number.desc())
            .limit(1)
        )
        missing = _search_rows(source_id)
        if last_held is not None:
            missing = missing.where(Record.row_number > last_held)
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
        that no claiming link holds: anti-joins, in the background after completion. An
        incremental job's records are read by its scope: the appended rows by their index
        range, the carried open items by key in IN lists of ID_CHUNK ids (joined to the scope
        rows instead, PostgreSQL chose to scan all of ``record`` for the 3% of it they name).
        So listing them costs what the scope holds, not what its sources do."""
        claimed = exists().where(
            MatchRecord.job_id == job.id, MatchRecord.record_id == Record.id, MatchRecord.claims
        )
        side = case((Record.data_source_id == job.left_source_id, "left"), else_="right")
        columns = (
            literal(job.id, BigInteger),
            Record.id,
            side,
            Record.row_number,
            Record.amount,
            Record.booking_date,
        )
        appended = None if record_ids is not None else appended_rows(job, *columns)
        if appended is not None:
            await self._add_unmatched(union_all(*(rows.where(~claimed) for rows in appended)))
            carried = list(
                await self.session.scalars(
                    select(JobScopeRecord.record_id).where(
                        JobScopeRecord.job_id == job.id, JobScopeRecord.kind == ScopeKind.OPEN
                    )
                )
            )
            for offset in range(0, len(carried), ID_CHUNK):
                chunk = carried[offset : offset + ID_CHUNK]
                await self._add_unmatched(select(*columns).where(Record.id.in_(chunk), ~claimed))
        else:
            rows = select(*columns).where(
                Record.data_source_id.in_((job.left_source_id, job.right_source_id)),
                ~claimed,
            )
            if record_ids is not None:
                rows = rows.where(Record.id.in_(record_ids))
            if (scope := job_scope(job)) is not None:
                rows = rows.where(scope)
            await self._add_unmatched(rows)
        connection = await self.session.connection()
        if record_ids is None and connection.dialect.name == "postgresql":
            # A job's worth of new rows: their statistics now, for the same reason as above.
            await self.session.execute(text("ANALYZE unmatched_record"))

    async def _add_unmatched(self, rows: Select[Any] | CompoundSelect[Any]) -> None:
        names = ["job_id", "record_id", "side", "row_number", "amount", "booking_date"]
        await self.session.execute(insert(UnmatchedRecord).from_select(names, rows))

    async def refresh_unmatched(self, job: ReconciliationJob, record_ids: Collection[int]) -> None:
        """After a review change, list exactly those of ``record_ids`` no match holds now."""
        if job.results_indexed_at is None or not record_ids:
            return  # the tabs still use the anti-join; the build will see this change
        ids = list(record_ids)
        for offset in range(0, len(ids), ID_CHUNK):  # a bulk review's records, a chunk a time
            chunk = ids[offset : offset + ID_CHUNK]
            await self.session.execute(
                delete(UnmatchedRecord).where(
                    UnmatchedRecord.job_id == job.id, UnmatchedRecord.record_id.in_(chunk)
                )
            )
            await self.insert_unmatched(job, chunk)

    async def mark_results_indexed(self, job: ReconciliationJob) -> None:
        job.results_indexed_at = utcnow()
        await self.session.flush()


@dataclass(frozen=True, slots=True)
class SearchedText:
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


RECORD_TEXT = SearchedText(
    Record.data_source_id, Record.id, Record.reference, Record.description, None
)
SEARCH_TEXT = SearchedText(
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


def unmatched_order(columns: Any, sort: RecordSort) -> tuple[ColumnElement[Any], ...]:
    """ORDER BY of an unmatched tab over ``columns`` (unmatched_record's or a page's of it)."""
    name, descending = _UNMATCHED_SORT[sort]
    keys = (columns[name], columns["record_id"])
    return tuple(key.desc() if descending else key.asc() for key in keys)


def unmatched_indexed(job: ReconciliationJob, query: RecordQuery) -> bool:
    """An unmatched tab of a job whose unmatched_record rows are built (and kept current)."""
    return query.tab is not RecordTab.DUPLICATES and job.results_indexed_at is not None


def searched_text(job: ReconciliationJob) -> SearchedText:
    """record_search (trigram-indexed on PostgreSQL) once the job's results are indexed, which
    includes its sources' text; until then the records themselves, a scan."""
    return RECORD_TEXT if job.results_indexed_at is None else SEARCH_TEXT
