"""The rules of a reconciliation's state across jobs.

A record is **settled** once an auto match, a confirmation or a manual match holds it; settled
records are never matched again. Everything else a job has seen is an **open item** and keeps
the date it was first seen. A rejected proposal is never made again. Jobs read this state when
they start (``prepare_run``) and advance it in the transaction that completes them
(``complete_run``); review changes move it in theirs (``settle``/``release``).

Why open items and not settled records are stored: a reconciliation of 1M settled records and a
daily append of 10k keeps ~10k rows of state, the next incremental job reads only those and the
append (an index range on row numbers), and the worklist partitioned matching will share out is
that table.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.exceptions.repository import ExceptionRepository
from tally.kit.errors import Conflict, NotFound
from tally.kit.pagination import Cursor, Page, PageParams, read_all
from tally.matching.state import Exclusions, proposal_signature
from tally.models import (
    AuditEvent,
    JobMode,
    MatchCategory,
    MatchStatus,
    Reconciliation,
    ReconciliationJob,
    RejectedPair,
    ScopeKind,
)
from tally.periods.locks import PeriodLocks
from tally.projects.auth import ProjectAccess
from tally.reconciliations.repository import (
    OPEN_ITEM_SCHEMA,
    ReconciliationRepository,
    SideTotals,
)
from tally.reconciliations.schemas import (
    AgeBucket,
    OpenItemRead,
    OpenSide,
    ReconciliationRead,
    UnsettleOutcome,
)
from tally.results.shaping import as_side, record_read

log = structlog.get_logger("tally.reconciliations")

# Statuses whose records are settled (a matched-category match in one of them).
SETTLING_STATUSES = (MatchStatus.AUTO, MatchStatus.CONFIRMED, MatchStatus.MANUAL)


class ReconciliationNotFound(NotFound):
    """No such reconciliation in this project."""


class RecordsSettled(Conflict):
    """A record is already settled in this reconciliation (or not yet seen by any job)."""


class RecordNotSettled(Conflict):
    """The record is not settled: there is nothing to unsettle."""


class StateMovedOn(Conflict):
    """Another job of the same reconciliation completed while this one ran."""


@dataclass
class RunScope:
    """What a job run reads from its reconciliation's state, taken when the run starts."""

    reconciliation_id: int
    mode: JobMode
    base_version: int  # the state's version when the run started
    to_rows: tuple[int, int]  # the last row number of each side included in the run
    from_rows: tuple[int, int] = (0, 0)  # incremental: rows above these are new
    exclusions: Exclusions = field(default_factory=Exclusions)
    leaves_out_settled: bool = False  # a full run without the records people settled
    # incremental: the ids of the rows appended above the watermarks, per side (scope_frames)
    appended_ids: tuple[pl.Series, pl.Series] | None = None
    # incremental: per side, the totals of the carried open items and of the appended rows,
    # taken from the frames the run read (scope_frames), so complete_run reads neither again
    carried_totals: tuple[SideTotals, SideTotals] | None = None
    appended_totals: tuple[SideTotals, SideTotals] | None = None


class ReconciliationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ReconciliationRepository(session)
        self.exceptions = ExceptionRepository(session)

    # --- jobs ----------------------------------------------------------------------------------

    async def for_sources(
        self, project_id: int, left_source_id: int, right_source_id: int
    ) -> Reconciliation:
        """The project's reconciliation of these two sources, created on first use."""
        found = await self.repository.find(project_id, left_source_id, right_source_id)
        if found is not None:
            return found
        now = datetime.now(UTC)
        return await self.repository.add(
            Reconciliation(
                project_id=project_id,
                left_source_id=left_source_id,
                right_source_id=right_source_id,
                created_at=now,
                updated_at=now,
            )
        )

    async def prepare_run(self, job: ReconciliationJob) -> RunScope | None:
        """Fix a run's scope: rows included so far, and for an incremental job its carried open
        items (copied to the job's scope rows) and the watermarks new rows start above."""
        if job.reconciliation_id is None:
            return None
        reconciliation = await self.repository.lock(job.reconciliation_id)
        if reconciliation is None:
            return None
        to_rows = (
            await self.repository.last_row_number(job.left_source_id),
            await self.repository.last_row_number(job.right_source_id),
        )
        scope = RunScope(
            reconciliation_id=reconciliation.id,
            mode=JobMode(job.mode),
            base_version=reconciliation.version,
            to_rows=to_rows,
            exclusions=Exclusions(await self.repository.rejected_signatures(reconciliation.id)),
        )
        if scope.mode is JobMode.INCREMENTAL:
            scope.from_rows = (
                reconciliation.left_row_watermark,
                reconciliation.right_row_watermark,
            )
            await self.repository.set_job_from_rows(job.id, scope.from_rows)
            await self.repository.snapshot_scope(job.id, reconciliation.id, ScopeKind.OPEN)
        elif await self.repository.snapshot_scope(job.id, reconciliation.id, ScopeKind.SETTLED):
            # A full run matches every record again but those people settled: their decisions
            # carry forward. Its watermarks of 0 mark that the job has a scope.
            await self.repository.set_job_from_rows(job.id, (0, 0))
            scope.leaves_out_settled = True
        return scope

    async def without_settled(
        self, job: ReconciliationJob, scope: RunScope, frames: tuple[pl.DataFrame, pl.DataFrame]
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """A full run's frames less the records people settled before it."""
        if not scope.leaves_out_settled:
            return frames
        settled = (await self.repository.settled_scope_ids(job.id)).implode()
        return (
            frames[0].filter(~pl.col("id").is_in(settled)),
            frames[1].filter(~pl.col("id").is_in(settled)),
        )

    async def scope_frames(
        self, job: ReconciliationJob, scope: RunScope
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """An incremental job's input frames (the engine's columns), noting in ``scope`` which of
        their records were appended (not carried open items): the ones complete_run adds."""
        left, right = (
            await self.repository.scope_frame(
                job.id, job.left_source_id, "left", scope.from_rows[0], scope.to_rows[0]
            ),
            await self.repository.scope_frame(
                job.id, job.right_source_id, "right", scope.from_rows[1], scope.to_rows[1]
            ),
        )
        appended = (
            pl.col("row_number") > scope.from_rows[0],
            pl.col("row_number") > scope.from_rows[1],
        )
        scope.appended_ids = (left.filter(appended[0])["id"], right.filter(appended[1])["id"])
        scope.carried_totals = (
            _frame_totals(left.filter(~appended[0])),
            _frame_totals(right.filter(~appended[1])),
        )
        scope.appended_totals = (
            _frame_totals(left.filter(appended[0])),
            _frame_totals(right.filter(appended[1])),
        )
        return left.drop("row_number"), right.drop("row_number")

    async def complete_run(
        self,
        job: ReconciliationJob,
        scope: RunScope,
        record_ids: tuple[pl.Series, pl.Series],
        matches: pl.DataFrame,
        links: pl.DataFrame,
    ) -> tuple[SideTotals, SideTotals]:
        """Advance the state with a run's result: records its auto matches hold are settled, the
        rest of its scope are the open items (keeping their first-seen date), the watermarks move
        to the rows it included. Returns the records an incremental run left out as settled
        before it, per side, for the job's totals (zero for a full run)."""
        started = time.perf_counter()
        reconciliation = await self.repository.lock(scope.reconciliation_id)
        locked_s = time.perf_counter() - started
        if reconciliation is None:
            raise StateMovedOn(f"Job {job.id}: its reconciliation was deleted meanwhile")
        # A full run starts over (its result replaces the state); an incremental one is only
        # valid on the state it started from.
        if scope.mode is JobMode.INCREMENTAL and reconciliation.version != scope.base_version:
            raise StateMovedOn(
                f"Job {job.id}: the reconciliation's state changed while it ran (a review "
                "decision or another job); retry it"
            )
        settled_keys = matches.filter(
            (pl.col("category") == str(MatchCategory.MATCHED))
            & (pl.col("status") == str(MatchStatus.AUTO))
        ).select("match_key")
        settled = links.join(settled_keys, on="match_key", how="semi")["record_id"]
        now = datetime.now(UTC)
        # The records whose exceptions may change: an incremental run's change to the open
        # items (None: a full run starts the open items over, so all of them).
        changed: list[int] | None = None
        if scope.mode is JobMode.INCREMENTAL:
            read_s = 0.0
            written = time.perf_counter()
            open_items, closed = await self._advance_open_items(
                reconciliation.id, job.id, scope, settled
            )
            changed = [*closed, *open_items["record_id"].to_list()]
        else:
            scoped = pl.concat(
                [
                    pl.DataFrame({"record_id": record_ids[0], "side": "left"}),
                    pl.DataFrame({"record_id": record_ids[1], "side": "right"}),
                ]
            ).cast({"record_id": pl.Int64, "side": pl.String})
            previous = await self.repository.open_item_frame(reconciliation.id)
            read_s = time.perf_counter() - started - locked_s
            still_open = scoped.filter(~pl.col("record_id").is_in(settled.implode())).join(
                previous.drop("side"), on="record_id", how="left"
            )
            open_items = _first_seen(still_open, now, job.id)
            written = time.perf_counter()
            await self.repository.replace_open_items(reconciliation.id, open_items)
        write_s = time.perf_counter() - written
        carried = (SideTotals(0, 0), SideTotals(0, 0))
        if scope.mode is JobMode.INCREMENTAL:
            # The open items it carried, as the run read them (scope_frames), else read again.
            carried_read = scope.carried_totals or (
                await self.repository.scope_totals(job.id, "left"),
                await self.repository.scope_totals(job.id, "right"),
            )
            carried = (
                _totals(reconciliation, "left").less(carried_read[0]),
                _totals(reconciliation, "right").less(carried_read[1]),
            )
        elif scope.leaves_out_settled:
            carried = (
                await self.repository.scope_totals(job.id, "left"),
                await self.repository.scope_totals(job.id, "right"),
            )
        # The rows up to the new watermarks: the appended ones added to the stored totals (a
        # full run counts from the first row). An incremental run read its appended rows.
        if scope.mode is JobMode.INCREMENTAL and scope.appended_totals is not None:
            left, right = scope.appended_totals
        else:
            after = scope.from_rows if scope.mode is JobMode.INCREMENTAL else (0, 0)
            left = await self.repository.totals_between(
                job.left_source_id, after[0], scope.to_rows[0]
            )
            right = await self.repository.totals_between(
                job.right_source_id, after[1], scope.to_rows[1]
            )
        if scope.mode is JobMode.INCREMENTAL:
            left = _totals(reconciliation, "left").plus(left)
            right = _totals(reconciliation, "right").plus(right)
        reconciliation.left_records, reconciliation.left_size = left.records, left.size
        reconciliation.left_currency_totals = left.stored_split()
        reconciliation.right_records, reconciliation.right_size = right.records, right.size
        reconciliation.right_currency_totals = right.stored_split()
        reconciliation.left_row_watermark, reconciliation.right_row_watermark = scope.to_rows
        reconciliation.latest_job_id = job.id
        reconciliation.version += 1
        reconciliation.updated_at = now
        await self.session.flush()
        # An incremental run's exceptions follow only the open items it changed: the ones it
        # leaves alone are in step already (every decision keeps them so), and looking at all
        # of them would cost what the reconciliation holds, not what the run did.
        synced = time.perf_counter()
        await self.exceptions.sync(reconciliation.project_id, reconciliation.id, changed)
        sync_s = time.perf_counter() - synced
        log.info(
            "reconciliations.advanced",
            reconciliation_id=reconciliation.id,
            job_id=job.id,
            mode=scope.mode,
            open_items_added=open_items.height,
            settled=settled.len(),
            lock_s=round(locked_s, 3),
            read_s=round(read_s, 3),
            write_s=round(write_s, 3),
            exceptions_s=round(sync_s, 3),
            seconds=round(time.perf_counter() - started, 3),
        )
        return carried

    async def _advance_open_items(
        self, reconciliation_id: int, job_id: int, scope: RunScope, settled: pl.Series
    ) -> tuple[pl.DataFrame, list[int]]:
        """An incremental run's change to the open items, in rows proportional to its scope: the
        carried items it settled leave, its appended rows it did not settle join (first seen
        now); the carried items still open keep their rows and their age. Exact because the run
        only completes on the state it started from (the version check). Returns the added
        items and the ids of the closed ones."""
        assert scope.appended_ids is not None, "scope_frames sets the appended rows"
        appended = pl.concat(
            [
                pl.DataFrame({"record_id": scope.appended_ids[0], "side": "left"}),
                pl.DataFrame({"record_id": scope.appended_ids[1], "side": "right"}),
            ]
        ).cast({"record_id": pl.Int64, "side": pl.String})
        closed = settled.to_frame("record_id").filter(
            ~pl.col("record_id").is_in(appended["record_id"].implode())
        )["record_id"]
        closed_ids = closed.to_list()
        await self.repository.close_items(reconciliation_id, closed_ids)
        added = _first_seen(
            appended.filter(~pl.col("record_id").is_in(settled.implode())),
            datetime.now(UTC),
            job_id,
        )
        await self.repository.add_open_items(reconciliation_id, added)
        return added, closed_ids

    # --- review changes ------------------------------------------------------------------------

    async def ensure_open(
        self,
        job: ReconciliationJob,
        record_ids: Collection[int],
        *,
        settled_by_this: bool = False,
    ) -> None:
        """Refuse to settle records that are not open items of the job's reconciliation: settled
        by another match (a later job's, or a decision meanwhile), or not yet seen by a job.
        ``settled_by_this``: the records are the match's own (confirming an auto match)."""
        if job.reconciliation_id is None or settled_by_this or not record_ids:
            return
        open_ids = await self.repository.open_record_ids(job.reconciliation_id, record_ids)
        closed = sorted(set(record_ids) - open_ids)
        if closed:
            raise RecordsSettled(
                f"Records {closed} are not open items of this reconciliation: settled by "
                "another match, or not yet included in a job",
                record_ids=closed,
            )

    async def settle(
        self, job: ReconciliationJob, sides: Mapping[int, str], *, match_id: int
    ) -> None:
        """A person settled these records (id -> side) with match ``match_id``."""
        if job.reconciliation_id is None or not sides:
            return
        await self.repository.close_items(job.reconciliation_id, list(sides))
        await self.repository.add_settlements(
            job.reconciliation_id, dict(sides), job_id=job.id, match_id=match_id
        )
        await self.repository.bump_version(job.reconciliation_id)
        await self.exceptions.sync(job.project_id, job.reconciliation_id, list(sides))

    async def release(
        self,
        job: ReconciliationJob,
        sides: Mapping[int, str],
        *,
        reject_match_id: int | None,
    ) -> None:
        """A match let go of these records (id -> side): they are open items again; when the
        match was rejected (not an undone manual match), its proposal is never made again."""
        if job.reconciliation_id is None or not sides:
            return
        await self.repository.drop_settlements(job.reconciliation_id, list(sides))
        await self.repository.reopen_items(
            job.reconciliation_id,
            dict(sides),
            first_seen_at=job.started_at or job.created_at,
            first_job_id=job.id,
        )
        await self.repository.bump_version(job.reconciliation_id)
        await self.exceptions.sync(job.project_id, job.reconciliation_id, list(sides))
        if reject_match_id is not None:
            await self.reject(job, {reject_match_id: sides})

    async def reject(
        self, job: ReconciliationJob, proposals: Mapping[int, Mapping[int, str]]
    ) -> None:
        """Remember rejected proposals (match id -> its records id -> side)."""
        if job.reconciliation_id is None:
            return
        rows = []
        for match_id, sides in proposals.items():
            left = [i for i, side in sides.items() if side == "left"]
            right = [i for i, side in sides.items() if side == "right"]
            if not left or not right:
                continue
            rows.append(
                RejectedPair(
                    reconciliation_id=job.reconciliation_id,
                    signature=proposal_signature(left, right),
                    left_record_id=left[0] if len(left) == 1 else None,
                    right_record_id=right[0] if len(right) == 1 else None,
                    job_id=job.id,
                    match_id=match_id,
                )
            )
        await self.repository.add_rejections(rows)
        await self.repository.bump_version(job.reconciliation_id)

    async def settle_matches(
        self, job: ReconciliationJob, match_ids: Collection[int], record_ids: Sequence[int]
    ) -> None:
        """People settled the records (``record_ids``) of these matches of ``job`` at once: one
        set-based pass instead of ``settle`` per match (bulk review)."""
        if job.reconciliation_id is None or not match_ids:
            return
        await self.repository.settle_match_records(job.reconciliation_id, job.id, match_ids)
        await self.repository.bump_version(job.reconciliation_id)
        await self.exceptions.sync(job.project_id, job.reconciliation_id, record_ids)

    async def release_matches(
        self, job: ReconciliationJob, match_ids: Collection[int], record_ids: Sequence[int]
    ) -> None:
        """These matches of ``job`` let go of their records (``record_ids``) at once: open items
        again (``release`` of many; the caller remembers the rejections)."""
        if job.reconciliation_id is None or not match_ids:
            return
        await self.repository.release_match_records(
            job.reconciliation_id,
            job.id,
            match_ids,
            first_seen_at=job.started_at or job.created_at,
            first_job_id=job.id,
        )
        await self.repository.bump_version(job.reconciliation_id)
        await self.exceptions.sync(job.project_id, job.reconciliation_id, record_ids)

    async def forget_rejections(
        self, job: ReconciliationJob, proposals: Mapping[int, Mapping[int, str]]
    ) -> None:
        """Rejected matches confirmed after all (match id -> its records id -> side)."""
        if job.reconciliation_id is None or not proposals:
            return
        await self.repository.forget_rejections(
            job.reconciliation_id, [_signature(sides) for sides in proposals.values()]
        )

    async def forget_rejection(self, job: ReconciliationJob, sides: Mapping[int, str]) -> None:
        """A rejected match was confirmed after all: its proposal is no longer refused."""
        if job.reconciliation_id is None:
            return
        await self.repository.forget_rejection(job.reconciliation_id, _signature(sides))

    # --- reading and unsettling ----------------------------------------------------------------

    async def page_reconciliations(
        self, access: ProjectAccess, cursor: Cursor
    ) -> tuple[list[ReconciliationRead], bool]:
        """A page of the project's reconciliations, oldest first, with their state."""
        found, has_more = await self.repository.page_for_project(access.project_id, cursor)
        return [await self._read(r) for r in found], has_more

    async def list_reconciliations(self, access: ProjectAccess) -> list[ReconciliationRead]:
        """Every reconciliation of the project, oldest first (the web pages' pickers)."""
        return await read_all(
            lambda cursor: self.page_reconciliations(access, cursor), lambda read: read.id
        )

    async def get_reconciliation(
        self, access: ProjectAccess, reconciliation_id: int
    ) -> ReconciliationRead:
        return await self._read(await self._get(access, reconciliation_id))

    async def _get(self, access: ProjectAccess, reconciliation_id: int) -> Reconciliation:
        found = await self.repository.get_in_project(access.project_id, reconciliation_id)
        if found is None:
            raise ReconciliationNotFound(
                f"Reconciliation {reconciliation_id} not found in this project"
            )
        return found

    async def _read(self, reconciliation: Reconciliation) -> ReconciliationRead:
        return ReconciliationRead(
            id=reconciliation.id,
            project_id=reconciliation.project_id,
            left_source_id=reconciliation.left_source_id,
            right_source_id=reconciliation.right_source_id,
            left_row_watermark=reconciliation.left_row_watermark,
            right_row_watermark=reconciliation.right_row_watermark,
            latest_job_id=reconciliation.latest_job_id,
            open_left=await self.repository.count_open_items(reconciliation.id, "left"),
            open_right=await self.repository.count_open_items(reconciliation.id, "right"),
            rejected_pairs=await self.repository.count_rejections(reconciliation.id),
            ageing=_ageing(await self.repository.open_ages(reconciliation.id), datetime.now(UTC)),
            created_at=reconciliation.created_at,
            updated_at=reconciliation.updated_at,
        )

    async def list_open_items(
        self,
        access: ProjectAccess,
        reconciliation_id: int,
        side: OpenSide | None,
        params: PageParams,
    ) -> Page[OpenItemRead]:
        """Open items, oldest first, with their age."""
        reconciliation = await self._get(access, reconciliation_id)
        total = await self.repository.count_open_items(reconciliation.id, side)
        rows = await self.repository.open_item_page(
            reconciliation.id, side, offset=params.offset, limit=params.per_page
        )
        now = datetime.now(UTC)
        items = [
            OpenItemRead(
                record=record_read(record, as_side(item.side)),
                first_seen_at=item.first_seen_at,
                first_job_id=item.first_job_id,
                age_days=max((now - _aware(item.first_seen_at)).days, 0),
            )
            for item, record in rows
        ]
        return Page.of(items, params, total)

    async def unsettle(
        self, access: ProjectAccess, reconciliation_id: int, record_id: int, reason: str
    ) -> UnsettleOutcome:
        """Return a settled record to the open items, with the other records of the match that
        settled it (audited). The match stays in its job's results as decided; the next job
        matches the records again, and a reviewer who wants the pair never proposed again
        rejects it instead."""
        reconciliation = await self._get(access, reconciliation_id)
        locked = await self.repository.lock(reconciliation.id)
        assert locked is not None
        record = await self.repository.record_in_sources(
            record_id, (locked.left_source_id, locked.right_source_id)
        )
        watermark = (
            locked.left_row_watermark
            if record is not None and record.data_source_id == locked.left_source_id
            else locked.right_row_watermark
        )
        if record is None:
            raise NotFound(f"Record {record_id} is not in a source of this reconciliation")
        side = "left" if record.data_source_id == locked.left_source_id else "right"
        if record.row_number > watermark or await self.repository.open_record_ids(
            locked.id, [record_id]
        ):
            raise RecordNotSettled(f"Record {record_id} is not settled")
        await PeriodLocks(self.session).ensure_unlocked(locked.id, record_ids=[record_id])
        settling = await self.repository.settling_match(locked.id, record_id, SETTLING_STATUSES)
        sides = {record_id: side}
        match_id = job_id = None
        first_seen_at = datetime.now(UTC)
        if settling is not None:
            match_id, job_id = settling.match_id, settling.job_id
            sides.update(settling.sides)
            first_seen_at = settling.job_started_at or first_seen_at
        await self.repository.drop_settlements(locked.id, list(sides))
        await self.repository.reopen_items(
            locked.id,
            sides,
            first_seen_at=first_seen_at,
            first_job_id=job_id if job_id is not None else locked.latest_job_id or 0,
        )
        locked.updated_at = datetime.now(UTC)
        locked.version += 1
        await self.exceptions.sync(locked.project_id, locked.id)
        self.session.add(
            AuditEvent(
                project_id=locked.project_id,
                job_id=job_id,
                actor_id=access.principal.user_id,
                action="record.unsettled",
                target=f"record:{record_id}",
                detail={
                    "reconciliation_id": locked.id,
                    "match_id": match_id,
                    "records": sorted(sides),
                    "reason": reason,
                },
            )
        )
        await self.session.flush()
        return UnsettleOutcome(reopened_record_ids=sorted(sides), match_id=match_id, job_id=job_id)


# Ageing buckets of open items: (label, oldest age in days it holds).
AGE_BUCKETS = (("0-7 days", 7), ("8-30 days", 30), ("31-60 days", 60), ("61-90 days", 90))
OLDEST_BUCKET = "over 90 days"


def _first_seen(items: pl.DataFrame, now: datetime, job_id: int) -> pl.DataFrame:
    """Open items (record_id, side, maybe first_seen_at/first_job_id) as OPEN_ITEM_SCHEMA rows,
    those not seen before first seen now by ``job_id``."""
    for name, dtype in (
        ("first_seen_at", OPEN_ITEM_SCHEMA["first_seen_at"]),
        ("first_job_id", pl.Int64()),
    ):
        if name not in items.columns:
            items = items.with_columns(pl.lit(None, dtype).alias(name))
    return items.with_columns(
        pl.col("first_seen_at").fill_null(pl.lit(now, OPEN_ITEM_SCHEMA["first_seen_at"])),
        pl.col("first_job_id").fill_null(job_id),
    ).select(list(OPEN_ITEM_SCHEMA))


def _totals(reconciliation: Reconciliation, side: str) -> SideTotals:
    """A side's running totals as the reconciliation keeps them."""
    if side == "left":
        return SideTotals.stored(
            reconciliation.left_records,
            reconciliation.left_size,
            reconciliation.left_currency_totals,
        )
    return SideTotals.stored(
        reconciliation.right_records,
        reconciliation.right_size,
        reconciliation.right_currency_totals,
    )


def _ageing(ages: list[tuple[str, datetime, int]], now: datetime) -> list[AgeBucket]:
    counts = {label: {"left": 0, "right": 0} for label, _days in AGE_BUCKETS}
    counts[OLDEST_BUCKET] = {"left": 0, "right": 0}
    for side, first_seen, n in ages:
        days = (now - _aware(first_seen)).days
        label = next((label for label, most in AGE_BUCKETS if days <= most), OLDEST_BUCKET)
        counts[label][side] += n
    return [AgeBucket(label=label, **sides) for label, sides in counts.items()]


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they are stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _frame_totals(frame: pl.DataFrame) -> SideTotals:
    """Count and summed absolute amount of an engine frame's records, per currency: what
    ReconciliationRepository.scope_totals and totals_between count in the database."""
    grouped = frame.group_by("currency").agg(pl.len(), pl.col("amount").abs().sum())
    return SideTotals.of_rows(grouped.rows())


def _signature(sides: Mapping[int, str]) -> str:
    """The proposal signature of a match's records (id -> side)."""
    left = [i for i, side in sides.items() if side == "left"]
    right = [i for i, side in sides.items() if side == "right"]
    return proposal_signature(left, right)
