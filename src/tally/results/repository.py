"""The SQL of a job's result pages and exports, and the deletion of its results (the bulk write
is tally.results.writes; indexes, totals and review changes have repositories of their own)."""

from __future__ import annotations

from collections.abc import Sequence
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
    delete,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import NO_SINCE, Cursor, Since, cut, keyset
from tally.models import (
    Match,
    MatchRecord,
    ReconciliationJob,
    Record,
    RecordDuplicate,
    UnmatchedRecord,
)
from tally.results.partitions import drop_partitions
from tally.results.schemas import MatchQuery, MatchSort, RecordQuery, RecordSort, RecordTab
from tally.results.scope import job_scope
from tally.results.search_index import (
    RECORD_TEXT,
    SEARCH_TEXT,
    searched_text,
    unmatched_indexed,
    unmatched_order,
)

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
# Before the first (row_number, id) or (group_id, record_id) of any record tab.
EXPORT_START = (-(2**62), -(2**62))
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

    # --- result pages ---------------------------------------------------------------------------

    def _match_filter(self, job: ReconciliationJob, query: MatchQuery) -> Select[Match]:
        statement = select(Match).where(Match.job_id == job.id, Match.tab == query.tab)
        if query.rule is not None:
            statement = statement.where(Match.rule == query.rule)
        if (amounts := amount_filter(Match.amount, query)) is not None:
            statement = statement.where(amounts)
        if query.q:
            # Records found by the text (trigram index) -> their links -> matches of this tab;
            # or, for a selection most records pass, this tab in order checking each match.
            searched = searched_text(job)
            statement = statement.where(
                exists().where(
                    MatchRecord.job_id == job.id,
                    MatchRecord.match_id == Match.id,
                    searched.of_job(job, MatchRecord.record_id),
                    searched.matches(query.q),
                )
            )
        return statement

    async def bulk_match_ids(
        self,
        job: ReconciliationJob,
        query: MatchQuery,
        *,
        min_score: float | None,
        statuses: Sequence[str] | None,
        limit: int,
    ) -> list[int]:
        """Ids of the tab's matches a bulk review chose, in id order, at most ``limit``."""
        statement = self._match_filter(job, query).with_only_columns(Match.id)
        if min_score is not None:
            statement = statement.where(Match.score >= min_score)
        if statuses is not None:
            statement = statement.where(Match.status.in_(statuses))
        return list(await self.session.scalars(statement.order_by(Match.id).limit(limit)))

    def _changed_filter(
        self, job: ReconciliationJob, query: MatchQuery, since: Since
    ) -> Select[Match]:
        """The tab's filters and created_since/updated_since (a match never reviewed is as its
        job created it)."""
        changed_at = func.coalesce(Match.updated_at, Match.created_at)
        return self._match_filter(job, query).where(*since.conditions(Match.created_at, changed_at))

    async def count_matches(
        self, job: ReconciliationJob, query: MatchQuery, since: Since = NO_SINCE
    ) -> int:
        statement = self._changed_filter(job, query, since)
        inner = statement.with_only_columns(Match.id).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def match_page(
        self,
        job: ReconciliationJob,
        query: MatchQuery,
        *,
        offset: int,
        limit: int,
        since: Since = NO_SINCE,
    ) -> list[Match]:
        statement = (
            self._changed_filter(job, query, since)
            .order_by(*_MATCH_ORDER[query.sort])
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def match_page_by_cursor(
        self, job: ReconciliationJob, query: MatchQuery, cursor: Cursor, since: Since
    ) -> tuple[list[Match], bool]:
        """A cursor page of the tab in id order (``query.sort`` id or -id), on the
        (job_id, tab, id) index: matches leaving the tab while it is read skip nothing."""
        statement = self._changed_filter(job, query, since)
        descending = query.sort == MatchSort.ID_DESC
        rows = await self.session.scalars(
            keyset(statement, Match.id, cursor, descending=descending)
        )
        return cut(list(rows), cursor)

    async def export_match_rows(
        self, job: ReconciliationJob, query: MatchQuery, *, after_id: int, limit: int
    ) -> list[Row[Any]]:
        """The next ``limit`` matches after ``after_id`` with all their records, one row per
        record (``EXPORT_MATCH_COLUMNS``), in one statement; plain rows, no ORM objects."""
        statement = self.export_match_statement(job, query, after_id=after_id, limit=limit)
        return list(await self.session.execute(statement))

    def export_match_statement(
        self,
        job: ReconciliationJob,
        query: MatchQuery,
        *,
        after_id: int = 0,
        limit: int | None,
        evidence_once: bool = False,
    ) -> Select[Any]:
        """The statement of export_match_rows; ``limit`` None: every match of the tab.

        ``evidence_once``: each match's evidence on its first row only, null on the rows after
        it (the COPY export spreads it back): the JSON evidence is a match's largest column, and
        repeating it on every record made the COPY output twice the export's size (bench/export).
        """
        page = (
            self._match_filter(job, query)
            .with_only_columns(*_EXPORT_MATCH_FIELDS)
            .where(Match.id > after_id)
            .order_by(Match.id)
            .limit(limit)
            .subquery()
        )
        order = (page.c.id, MatchRecord.side, Record.id)
        evidence: Any = page.c.evidence
        if evidence_once:
            previous = func.lag(page.c.id).over(order_by=order)
            evidence = case((previous == page.c.id, null()), else_=page.c.evidence)
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
                evidence,
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
            .order_by(*order)
        )
        return statement

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
            scope = job_scope(job, side)
            if scope is not None:
                statement = statement.where(scope)
        if (amounts := amount_filter(Record.amount, query)) is not None:
            statement = statement.where(amounts)
        if query.q:
            searched = searched_text(job)
            if searched is RECORD_TEXT:
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
        if (amounts := amount_filter(UnmatchedRecord.amount, query)) is not None:
            statement = statement.where(amounts)
        if query.q:
            statement = statement.where(
                exists().where(
                    SEARCH_TEXT.of_job(job, UnmatchedRecord.record_id),
                    SEARCH_TEXT.matches(query.q),
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
        if unmatched_indexed(job, query):
            inner = self._unmatched_keys(job, query).subquery()
        elif (
            query.tab is RecordTab.DUPLICATES
            and not query.q
            and amount_filter(Record.amount, query) is None
        ):
            # Unfiltered, the tab is the job's duplicate rows alone: counted on their index,
            # never by joining every record of the sources (a hash join over them whole).
            duplicates = select(RecordDuplicate.record_id).where(RecordDuplicate.job_id == job.id)
            inner = duplicates.subquery()
        else:
            inner = self._record_filter(job, query).with_only_columns(Record.id).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def record_page(
        self, job: ReconciliationJob, query: RecordQuery, *, offset: int, limit: int
    ) -> list[RecordRow]:
        if unmatched_indexed(job, query):
            keys = (
                self._unmatched_keys(job, query)
                .order_by(*unmatched_order(UnmatchedRecord.__table__.c, query.sort))
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
                *unmatched_order(keys.c, query.sort)
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
        statement = self.export_record_statement(job, query, after=after, limit=limit)
        return list(await self.session.execute(statement))

    def export_record_statement(
        self,
        job: ReconciliationJob,
        query: RecordQuery,
        *,
        after: tuple[int, int] = EXPORT_START,
        limit: int | None,
    ) -> Select[Any]:
        """The statement of export_record_rows; ``limit`` None: every row of the tab."""
        if unmatched_indexed(job, query):
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
            return page.order_by(keys.c.row_number, keys.c.record_id)
        statement = self._record_filter(job, query)
        side, group, match = list(statement.selected_columns)[-3:]
        if query.tab is RecordTab.DUPLICATES:
            key: tuple[Any, Any] = (RecordDuplicate.group_id, RecordDuplicate.record_id)
        else:
            key = (Record.row_number, Record.id)
        return (
            statement.with_only_columns(side, *_EXPORT_RECORD_FIELDS, group, match)
            .where(tuple_(*key) > tuple_(*after))
            .order_by(*key)
            .limit(limit)
        )


def _side(query: RecordQuery) -> str:
    return "left" if query.tab is RecordTab.UNMATCHED_LEFT else "right"


def amount_filter(
    column: ColumnElement[int] | Any, query: MatchQuery | RecordQuery
) -> ColumnElement[bool] | None:
    """The query's amount bounds on ``column``; with ``any_sign`` they bound the amount's size,
    so 1338.29 finds a debit of -1,338.29 too (both ranges use the amount's index, unlike abs())."""
    low, high = query.min_amount, query.max_amount
    if low is None and high is None:
        return None
    direct = _between(column, low, high)
    if not query.any_sign:
        return direct
    mirrored = _between(column, None if high is None else -high, None if low is None else -low)
    return or_(direct, mirrored)


def _between(column: Any, low: int | None, high: int | None) -> ColumnElement[bool]:
    bounds = []
    if low is not None:
        bounds.append(column >= low)
    if high is not None:
        bounds.append(column <= high)
    return and_(*bounds)
