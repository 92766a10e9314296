"""The SQL of reconciliation state: watermarks, open items, rejected pairs, job scopes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import Select, and_, delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from tally.kit.bulk import bulk_insert
from tally.kit.pagination import Cursor, cut, keyset
from tally.matching.fields import INPUT_COLUMNS
from tally.models import (
    JobScopeRecord,
    Match,
    MatchCategory,
    MatchRecord,
    OpenItem,
    Reconciliation,
    ReconciliationJob,
    Record,
    RejectedPair,
    ScopeKind,
    Settlement,
)
from tally.models.base import utcnow
from tally.sources.frames import query_record_frame

OPEN_ITEM_COLUMNS = ("reconciliation_id", "record_id", "side", "first_seen_at", "first_job_id")
OPEN_ITEM_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.Int64(),
    "side": pl.String(),
    "first_seen_at": pl.Datetime("us", "UTC"),
    "first_job_id": pl.Int64(),
}
_CHUNK_ROWS = 100_000
# How many records and their summed absolute amount (SideTotals).
_COUNT_AND_SIZE = (func.count(), func.coalesce(func.sum(func.abs(Record.amount)), 0))
# Ids bound in one IN list: under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
_ID_CHUNK = 10_000


@dataclass(frozen=True)
class SideTotals:
    """Records of one side up to a row number: how many, and their summed absolute amount; and
    the same per currency ("" for records without one), None when that split is not known."""

    records: int
    size: int
    by_currency: Mapping[str, tuple[int, int]] | None = field(default_factory=dict)

    @classmethod
    def of_rows(cls, rows: Iterable[tuple[str | None, int, int]]) -> SideTotals:
        """From (currency, records, size) rows, one per currency."""
        by_currency: dict[str, tuple[int, int]] = {}
        for currency, records, size in rows:
            was = by_currency.get(currency or "", (0, 0))
            by_currency[currency or ""] = (was[0] + int(records), was[1] + int(size))
        return cls(
            sum(part[0] for part in by_currency.values()),
            sum(part[1] for part in by_currency.values()),
            by_currency,
        )

    @classmethod
    def stored(cls, records: int, size: int, split: Mapping[str, Any] | None) -> SideTotals:
        """A reconciliation's running totals and their stored split (``Reconciliation``)."""
        if split is None:
            return cls(records, size, None)
        return cls(records, size, {code: (int(n), int(s)) for code, (n, s) in split.items()})

    def stored_split(self) -> dict[str, list[int]] | None:
        """``by_currency`` as the reconciliation stores it."""
        if self.by_currency is None:
            return None
        return {code: [n, s] for code, (n, s) in sorted(self.by_currency.items()) if n or s}

    def plus(self, other: SideTotals) -> SideTotals:
        return self._combine(other, 1)

    def less(self, other: SideTotals) -> SideTotals:
        return self._combine(other, -1)

    def _combine(self, other: SideTotals, sign: int) -> SideTotals:
        split: dict[str, tuple[int, int]] | None = None
        if self.by_currency is not None and other.by_currency is not None:
            split = {}
            for code in {*self.by_currency, *other.by_currency}:
                mine = self.by_currency.get(code, (0, 0))
                theirs = other.by_currency.get(code, (0, 0))
                split[code] = (mine[0] + sign * theirs[0], mine[1] + sign * theirs[1])
        return SideTotals(self.records + sign * other.records, self.size + sign * other.size, split)


@dataclass(frozen=True)
class SettlingMatch:
    match_id: int
    job_id: int
    job_started_at: datetime | None
    sides: dict[int, str]  # its records, id -> side


class ReconciliationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- reconciliations ------------------------------------------------------------------------

    async def find(
        self, project_id: int, left_source_id: int, right_source_id: int
    ) -> Reconciliation | None:
        statement = select(Reconciliation).where(
            Reconciliation.project_id == project_id,
            Reconciliation.left_source_id == left_source_id,
            Reconciliation.right_source_id == right_source_id,
        )
        return await self.session.scalar(statement)

    async def add(self, reconciliation: Reconciliation) -> Reconciliation:
        self.session.add(reconciliation)
        await self.session.flush()
        return reconciliation

    async def get_in_project(
        self, project_id: int, reconciliation_id: int
    ) -> Reconciliation | None:
        statement = select(Reconciliation).where(
            Reconciliation.id == reconciliation_id, Reconciliation.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def page_for_project(
        self, project_id: int, cursor: Cursor
    ) -> tuple[list[Reconciliation], bool]:
        """A cursor page of the project's reconciliations, oldest first."""
        statement = select(Reconciliation).where(Reconciliation.project_id == project_id)
        rows = await self.session.scalars(keyset(statement, Reconciliation.id, cursor))
        return cut(list(rows), cursor)

    async def lock(self, reconciliation_id: int) -> Reconciliation | None:
        """The reconciliation, locked until the transaction ends: a job's completion and review
        changes move its state one after another (a row lock; SQLite has one writer anyway)."""
        statement = (
            select(Reconciliation)
            .where(Reconciliation.id == reconciliation_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)

    async def bump_version(self, reconciliation_id: int) -> None:
        await self.session.execute(
            update(Reconciliation)
            .where(Reconciliation.id == reconciliation_id)
            .values(version=Reconciliation.version + 1, updated_at=utcnow())
        )

    async def set_job_from_rows(self, job_id: int, from_rows: tuple[int, int]) -> None:
        await self.session.execute(
            update(ReconciliationJob)
            .where(ReconciliationJob.id == job_id)
            .values(left_from_row=from_rows[0], right_from_row=from_rows[1])
        )

    async def last_row_number(self, source_id: int) -> int:
        statement = select(func.max(Record.row_number)).where(Record.data_source_id == source_id)
        return int(await self.session.scalar(statement) or 0)

    async def totals_between(self, source_id: int, after_row: int, last_row: int) -> SideTotals:
        """Count and summed absolute amount of a source's rows numbered in (after_row, last_row]
        (an index range: only the rows appended since the last job, for an incremental one)."""
        if last_row <= after_row:
            return SideTotals(0, 0)
        statement = (
            select(Record.currency, *_COUNT_AND_SIZE)
            .where(
                Record.data_source_id == source_id,
                Record.row_number > after_row,
                Record.row_number <= last_row,
            )
            .group_by(Record.currency)
        )
        return SideTotals.of_rows((await self.session.execute(statement)).all())

    async def record_in_sources(self, record_id: int, source_ids: Collection[int]) -> Record | None:
        statement = select(Record).where(
            Record.id == record_id, Record.data_source_id.in_(source_ids)
        )
        return await self.session.scalar(statement)

    async def settling_match(
        self, reconciliation_id: int, record_id: int, statuses: Collection[str]
    ) -> SettlingMatch | None:
        """The newest match of the reconciliation's jobs that settles ``record_id``, with all
        its records (id -> side)."""
        statement = (
            select(Match.id, Match.job_id, ReconciliationJob.started_at)
            .join(
                MatchRecord,
                and_(MatchRecord.job_id == Match.job_id, MatchRecord.match_id == Match.id),
            )
            .join(ReconciliationJob, ReconciliationJob.id == Match.job_id)
            .where(
                ReconciliationJob.reconciliation_id == reconciliation_id,
                MatchRecord.record_id == record_id,
                MatchRecord.claims,
                Match.category == MatchCategory.MATCHED,
                Match.status.in_(statuses),
            )
            .order_by(Match.job_id.desc())
            .limit(1)
        )
        found = (await self.session.execute(statement)).first()
        if found is None:
            return None
        match_id, job_id, started_at = found
        links = await self.session.execute(
            select(MatchRecord.record_id, MatchRecord.side).where(
                MatchRecord.job_id == job_id, MatchRecord.match_id == match_id
            )
        )
        return SettlingMatch(
            int(match_id), int(job_id), started_at, {int(r): str(s) for r, s in links}
        )

    # --- job scopes ----------------------------------------------------------------------------

    async def snapshot_scope(self, job_id: int, reconciliation_id: int, kind: ScopeKind) -> int:
        """Copy the reconciliation's open items (``open``) or person-settled records
        (``settled``) into the job's scope rows, replacing an earlier attempt's; returns how many."""
        await self.session.execute(delete(JobScopeRecord).where(JobScopeRecord.job_id == job_id))
        table = OpenItem if kind is ScopeKind.OPEN else Settlement
        rows = select(literal(job_id), table.record_id, table.side, literal(str(kind))).where(
            table.reconciliation_id == reconciliation_id
        )
        result = await self.session.execute(
            insert(JobScopeRecord).from_select(["job_id", "record_id", "side", "kind"], rows)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def settled_scope_ids(self, job_id: int) -> pl.Series:
        """The person-settled records a full job leaves out."""
        statement = select(JobScopeRecord.record_id).where(
            JobScopeRecord.job_id == job_id, JobScopeRecord.kind == ScopeKind.SETTLED
        )
        return pl.Series("id", list(await self.session.scalars(statement)), pl.Int64)

    async def scope_frame(
        self, job_id: int, source_id: int, side: str, from_row: int, to_row: int
    ) -> pl.DataFrame:
        """The engine's frame of one side of an incremental job (sorted by id, with
        ``row_number``): its carried open items and the rows numbered in (from_row, to_row].
        Read like a whole source (COPY on PostgreSQL: the scope rows were committed when the run
        started), so it costs what its rows do, not a driver round of type conversions per value."""
        columns = ", ".join(f"record.{name}" for name in INPUT_COLUMNS)
        # Two index-friendly halves (a range of row numbers, a primary-key lookup per carried
        # item) rather than one OR, which PostgreSQL can only answer by scanning ``record``.
        query = (
            f"SELECT {columns}, record.row_number FROM record "  # noqa: S608
            f"WHERE record.data_source_id = {int(source_id)} "
            f"AND record.row_number > {int(from_row)} AND record.row_number <= {int(to_row)} "
            f"UNION ALL SELECT {columns}, record.row_number FROM job_scope_record "
            "JOIN record ON record.id = job_scope_record.record_id "
            f"WHERE job_scope_record.job_id = {int(job_id)} "
            f"AND job_scope_record.side = '{_side(side)}'"
        )
        schema = {**INPUT_COLUMNS, "row_number": pl.Int64()}
        return (await query_record_frame(self.session, query, schema)).sort("id")

    async def scope_totals(self, job_id: int, side: str) -> SideTotals:
        """Count and summed absolute amount of a job's scope rows on one side."""
        statement = (
            select(Record.currency, *_COUNT_AND_SIZE)
            .select_from(JobScopeRecord)
            .join(Record, Record.id == JobScopeRecord.record_id)
            .where(JobScopeRecord.job_id == job_id, JobScopeRecord.side == side)
            .group_by(Record.currency)
        )
        return SideTotals.of_rows((await self.session.execute(statement)).all())

    # --- open items ----------------------------------------------------------------------------

    async def open_item_frame(self, reconciliation_id: int) -> pl.DataFrame:
        statement = select(
            OpenItem.record_id, OpenItem.side, OpenItem.first_seen_at, OpenItem.first_job_id
        ).where(OpenItem.reconciliation_id == reconciliation_id)
        rows = (await self.session.execute(statement)).all()
        return pl.DataFrame(rows, schema=OPEN_ITEM_SCHEMA, orient="row")

    async def replace_open_items(self, reconciliation_id: int, items: pl.DataFrame) -> None:
        """The reconciliation's open items become ``items`` (OPEN_ITEM_SCHEMA columns)."""
        await self.session.execute(
            delete(OpenItem).where(OpenItem.reconciliation_id == reconciliation_id)
        )
        await self.add_open_items(reconciliation_id, items)

    async def add_open_items(self, reconciliation_id: int, items: pl.DataFrame) -> None:
        """Add ``items`` (OPEN_ITEM_SCHEMA columns, none of them open yet) to the open items."""
        if items.height == 0:
            return
        rows = items.select(
            pl.lit(reconciliation_id, pl.Int64).alias("reconciliation_id"),
            *OPEN_ITEM_SCHEMA,
        )
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            await bulk_insert(connection, "open_item", OPEN_ITEM_COLUMNS, _batches(rows.to_arrow()))
            return
        # SQLite: through the ORM's column types, which store timestamps as the model reads them.
        for offset in range(0, rows.height, _CHUNK_ROWS):
            chunk = rows.slice(offset, _CHUNK_ROWS).to_dicts()
            await self.session.execute(insert(OpenItem), chunk)

    async def open_record_ids(
        self, reconciliation_id: int, record_ids: Collection[int]
    ) -> set[int]:
        statement = select(OpenItem.record_id).where(
            OpenItem.reconciliation_id == reconciliation_id, OpenItem.record_id.in_(record_ids)
        )
        return set(await self.session.scalars(statement))

    async def close_items(self, reconciliation_id: int, record_ids: Collection[int]) -> None:
        """Remove these records from the open items (those that are not open are skipped): a
        primary-key lookup each, in statements of at most _ID_CHUNK ids, under both backends'
        limits on bound parameters."""
        await self._delete_keyed(OpenItem, OpenItem.record_id, reconciliation_id, record_ids)

    async def _delete_keyed(
        self,
        model: type[OpenItem] | type[RejectedPair],
        key: InstrumentedAttribute[Any],
        reconciliation_id: int,
        keys: Collection[Any],
    ) -> None:
        """Delete the reconciliation's rows of ``model`` whose ``key`` is one of ``keys``."""
        wanted = list(keys)
        for offset in range(0, len(wanted), _ID_CHUNK):
            await self.session.execute(
                delete(model).where(
                    model.reconciliation_id == reconciliation_id,
                    key.in_(wanted[offset : offset + _ID_CHUNK]),
                )
            )

    async def reopen_items(
        self,
        reconciliation_id: int,
        sides: dict[int, str],
        *,
        first_seen_at: datetime,
        first_job_id: int,
    ) -> None:
        """Make these records (id -> side) open items again, unless they already are."""
        already = await self.open_record_ids(reconciliation_id, list(sides))
        for record_id, side in sides.items():
            if record_id not in already:
                self.session.add(
                    OpenItem(
                        reconciliation_id=reconciliation_id,
                        record_id=record_id,
                        side=side,
                        first_seen_at=first_seen_at,
                        first_job_id=first_job_id,
                    )
                )
        await self.session.flush()

    async def count_open_items(self, reconciliation_id: int, side: str | None) -> int:
        statement = select(func.count()).where(OpenItem.reconciliation_id == reconciliation_id)
        if side is not None:
            statement = statement.where(OpenItem.side == side)
        return int(await self.session.scalar(statement) or 0)

    async def open_item_page(
        self, reconciliation_id: int, side: str | None, *, offset: int, limit: int
    ) -> list[tuple[OpenItem, Record]]:
        """Open items oldest first, with their records."""
        statement = (
            select(OpenItem, Record)
            .join(Record, Record.id == OpenItem.record_id)
            .where(OpenItem.reconciliation_id == reconciliation_id)
            .order_by(OpenItem.first_seen_at, OpenItem.record_id)
            .offset(offset)
            .limit(limit)
        )
        if side is not None:
            statement = statement.where(OpenItem.side == side)
        return [(item, record) for item, record in await self.session.execute(statement)]

    async def open_ages(self, reconciliation_id: int) -> list[tuple[str, datetime, int]]:
        """(side, first_seen_at, count) of the open items, for ageing buckets."""
        statement = (
            select(OpenItem.side, OpenItem.first_seen_at, func.count())
            .where(OpenItem.reconciliation_id == reconciliation_id)
            .group_by(OpenItem.side, OpenItem.first_seen_at)
        )
        return [(str(s), t, int(n)) for s, t, n in await self.session.execute(statement)]

    # --- settlements by people -----------------------------------------------------------------

    async def add_settlements(
        self, reconciliation_id: int, sides: dict[int, str], *, job_id: int, match_id: int
    ) -> None:
        await self.drop_settlements(reconciliation_id, list(sides))
        self.session.add_all(
            Settlement(
                reconciliation_id=reconciliation_id,
                record_id=record_id,
                side=side,
                job_id=job_id,
                match_id=match_id,
            )
            for record_id, side in sides.items()
        )
        await self.session.flush()

    async def settle_match_records(
        self, reconciliation_id: int, job_id: int, match_ids: Collection[int]
    ) -> None:
        """People settled the records of these matches of a job: set-based, _ID_CHUNK matches a
        statement, their open items close and their settlements are written (INSERT ... SELECT
        from the matches' links), whatever settled them before replaced."""
        now = utcnow()
        ids = list(match_ids)
        for offset in range(0, len(ids), _ID_CHUNK):
            links = _links_of(job_id, ids[offset : offset + _ID_CHUNK])
            records = links.with_only_columns(MatchRecord.record_id)
            await self.session.execute(
                delete(OpenItem).where(
                    OpenItem.reconciliation_id == reconciliation_id,
                    OpenItem.record_id.in_(records),
                )
            )
            await self.session.execute(
                delete(Settlement).where(
                    Settlement.reconciliation_id == reconciliation_id,
                    Settlement.record_id.in_(records),
                )
            )
            rows = links.with_only_columns(
                literal(reconciliation_id),
                MatchRecord.record_id,
                MatchRecord.side,
                MatchRecord.job_id,
                MatchRecord.match_id,
                literal(now, Settlement.settled_at.type),
            )
            columns = ["reconciliation_id", "record_id", "side", "job_id", "match_id", "settled_at"]
            await self.session.execute(insert(Settlement).from_select(columns, rows))

    async def release_match_records(
        self,
        reconciliation_id: int,
        job_id: int,
        match_ids: Collection[int],
        *,
        first_seen_at: datetime,
        first_job_id: int,
    ) -> None:
        """These matches of a job let go of their records: set-based, _ID_CHUNK matches a
        statement, their settlements go and they are open items again (unless they are)."""
        ids = list(match_ids)
        for offset in range(0, len(ids), _ID_CHUNK):
            links = _links_of(job_id, ids[offset : offset + _ID_CHUNK])
            await self.session.execute(
                delete(Settlement).where(
                    Settlement.reconciliation_id == reconciliation_id,
                    Settlement.record_id.in_(links.with_only_columns(MatchRecord.record_id)),
                )
            )
            already = (
                select(OpenItem.record_id)
                .where(
                    OpenItem.reconciliation_id == reconciliation_id,
                    OpenItem.record_id == MatchRecord.record_id,
                )
                .exists()
            )
            rows = links.with_only_columns(
                literal(reconciliation_id),
                MatchRecord.record_id,
                MatchRecord.side,
                literal(first_seen_at, OpenItem.first_seen_at.type),
                literal(first_job_id),
            ).where(~already)
            await self.session.execute(insert(OpenItem).from_select(OPEN_ITEM_COLUMNS, rows))

    async def drop_settlements(self, reconciliation_id: int, record_ids: Collection[int]) -> None:
        await self.session.execute(
            delete(Settlement).where(
                Settlement.reconciliation_id == reconciliation_id,
                Settlement.record_id.in_(record_ids),
            )
        )

    # --- rejected pairs ------------------------------------------------------------------------

    async def rejected_signatures(self, reconciliation_id: int) -> frozenset[str]:
        statement = select(RejectedPair.signature).where(
            RejectedPair.reconciliation_id == reconciliation_id
        )
        return frozenset(await self.session.scalars(statement))

    async def add_rejections(self, rows: Iterable[RejectedPair]) -> None:
        """Store rejections, skipping any the reconciliation already holds."""
        wanted = {(r.reconciliation_id, r.signature): r for r in rows}
        if not wanted:
            return
        reconciliation_ids = {key[0] for key in wanted}
        signatures = list({key[1] for key in wanted})
        known: set[tuple[int, str]] = set()
        for offset in range(0, len(signatures), _ID_CHUNK):
            existing = await self.session.execute(
                select(RejectedPair.reconciliation_id, RejectedPair.signature).where(
                    RejectedPair.reconciliation_id.in_(reconciliation_ids),
                    RejectedPair.signature.in_(signatures[offset : offset + _ID_CHUNK]),
                )
            )
            known |= {(int(r), str(s)) for r, s in existing}
        self.session.add_all(row for key, row in wanted.items() if key not in known)
        await self.session.flush()

    async def forget_rejection(self, reconciliation_id: int, signature: str) -> None:
        await self.forget_rejections(reconciliation_id, [signature])

    async def forget_rejections(self, reconciliation_id: int, signatures: Collection[str]) -> None:
        await self._delete_keyed(
            RejectedPair, RejectedPair.signature, reconciliation_id, signatures
        )

    async def count_rejections(self, reconciliation_id: int) -> int:
        statement = select(func.count()).where(RejectedPair.reconciliation_id == reconciliation_id)
        return int(await self.session.scalar(statement) or 0)


def _links_of(job_id: int, match_ids: Sequence[int]) -> Select[Any]:
    """The links of these matches of a job (naming the job selects its partition), as a query
    whose columns the caller picks."""
    return select(MatchRecord.record_id).where(
        MatchRecord.job_id == job_id, MatchRecord.match_id.in_(match_ids)
    )


def _side(side: str) -> str:
    if side not in ("left", "right"):
        raise ValueError(f"not a side: {side!r}")
    return side


async def _batches(table: pa.Table) -> AsyncIterator[pa.RecordBatch]:
    for batch in table.to_batches(max_chunksize=_CHUNK_ROWS):
        yield batch
