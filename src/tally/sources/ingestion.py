"""Loading one uploaded file into its data source, or appending one to it: all or nothing.

On PostgreSQL the whole load is one transaction (COPY) that ends by marking the source `ready`: a
bad file, a crash or a cancel rolls back every record it wrote, and other writers never wait for it
(MVCC). SQLite has one writer at a time, and a load in one transaction held that lock for its whole
run: every login and project create of every tenant waited behind it (30 s, then 503). There each
batch is committed in a short transaction of its own while the source stays `ingesting`, and the
transaction that marks it `ready` is what makes the rows visible: nothing reads the records of a
source that is not ready (jobs refuse it, a source has no other reader of its rows). A refused or
failed load deletes what it committed, in short transactions too, before the source turns `failed`;
a crash leaves the source `ingesting`, and the re-run that start-up recovery enqueues deletes the
leftovers first. Either way the source is never visible half-loaded. Running it twice is safe — a
source that is no longer `ingesting` is skipped, and a re-run starts from an empty source.

On SQLite each step writes at most WRITE_STEP_ROWS rows. The writers of this process take turns
with the load's steps at the write gate (tally.kit.db.SqliteWriteGate, arrival order), so one
waits for at most the step before it; the embedded server runs its loads in a child process
(tally.sources.child_process) whose steps take their turns at the server's gate too. A writer of
any other process polls for the lock in SQLite's busy handler (sleeps of 1, 2, 5, ... 25 ms, later
50 and 100 ms): for it, each step leaves the lock free for LOCK_GAP_S, longer than the handler's
early polls (bench/ingest/WRITERS.md).

Deleting a big source (purge_source) goes the same way on SQLite: the source is hidden first
(deleted_at, status `deleting`), its records go in steps of DELETE_STEP_ROWS, its row last; a
restart finishes a deletion cut short (start-up recovery enqueues it again).

An append (DataSourceAppend) runs while its source is `appending` and stays `ready` for every
reader: it adds only the rows the source does not hold yet (tally.ingest.duplicates), numbered
after the source's last row. On PostgreSQL one transaction loads them and sets the new row count.
On SQLite they are written in the same short steps under the append's staging id
(``-append_id``: no reader asks for a negative source), and the transaction that records the
append moves them to the source in one UPDATE. A refused, cancelled or crashed append leaves the
source `ready` with exactly the rows it had; jobs keep their results on those rows.

A cancelled load (a worker stopping, Ctrl-C on `tally ingest`) deletes what it had committed
before it ends, and leaves its source `ingesting` for start-up recovery to load again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_data_sources
from tally.config import Settings
from tally.ingest.batches import skipped_rows_csv
from tally.ingest.dates import DateFormatError, parse_date
from tally.ingest.duplicates import ImportedIdentities, identity_keys, record_keys
from tally.ingest.errors import IngestError, RowError
from tally.ingest.formats import FormatError
from tally.kit.db import Database, run_in_transaction
from tally.kit.threads import iterate_in_thread
from tally.models import DataSourceAppend, DataSourceStatus
from tally.models.data_source import SOURCE_DELETING
from tally.sources.limits import ExpansionTooLarge, SourceLimits, check_whole_file
from tally.sources.progress import progress_board
from tally.sources.reading import (
    FileBatch,
    ReadPlan,
    StatementTally,
    describe_error,
    read_file,
)
from tally.sources.repository import DataSourceRepository
from tally.sources.storage import append_path, append_skipped_path, skipped_path, upload_path

log = structlog.get_logger("tally.sources")
T = TypeVar("T")


def _return_arrow_memory_promptly() -> None:
    """Use jemalloc with immediate decay for Arrow buffers: the default pool keeps freed batches
    around, and a long ingestion's peak RSS showed it (1M rows: 340 MB default, 288 MB jemalloc)."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowNotImplementedError):  # a pyarrow built without jemalloc
        log.info("sources.arrow_jemalloc_unavailable")


_return_arrow_memory_promptly()

# Each batch in flight costs far more than its bytes (strings and conversions of every column, a
# few batches between the parser thread and COPY). Peak RSS above the idle process, 1M rows: 108 MB
# at 20k rows, 76 MB at 10k, 70 MB at 5k (50k once peaked at ~400 MB in all); 10k is as fast as
# 20k, 5k slower. Parsing stays ahead of COPY at 10k.
BATCH_ROWS = 10_000
# SQLite steps: rows per write transaction, and the pause after each that lets other writers in.
# 5k rows held the lock ~0.1 s with record's three indexes (the embedded server's child load logs
# its holds: sources.child_write_turns); 2k keep a login's or project create's wait for the step
# before it at ~40 ms. A 25 ms gap outlasts every poll interval of a writer of another process
# that has waited < 128 ms. On a starved machine a step holds the lock far longer and waiters poll
# every 100 ms, so the gap is also at least LOCK_GAP_SHARE of the hold.
# (`python -m bench.ingest.bench_writers`)
WRITE_STEP_ROWS = 2_000
LOCK_GAP_S = 0.025
LOCK_GAP_SHARE = 0.25
MAX_REPORTED_ERRORS = 100
PROGRESS_INTERVAL_S = 1.0


class FileRejected(Exception):
    """The file may not be loaded; ``detail`` is what the data source's error will say."""

    def __init__(self, detail: dict[str, Any]) -> None:
        super().__init__(detail.get("message", "rejected"))
        self.detail = detail


@dataclass
class _Load:
    """What the load learned while streaming: errors, skips and statement balances."""

    source_id: int
    on_error: str
    accept_unbalanced: bool
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    skipped: int = 0
    rows_read: int = 0
    tally: StatementTally = field(default_factory=StatementTally)
    last_progress: float = 0.0
    max_rows: int | None = None  # rows this load may add (TALLY_MAX_SOURCE_ROWS less those held)
    date_format_choices: list[str] = field(default_factory=list)  # detected among these, if any

    @classmethod
    def of_upload(
        cls, source_id: int, parse_options: dict[str, Any] | None
    ) -> tuple[_Load, ReadPlan]:
        """The load of a file accepted with ``parse_options``, and the plan to read it with."""
        options = parse_options or {}
        load = cls(
            source_id,
            options.get("on_error", "reject"),
            options.get("accept_unbalanced", False),
            date_format_choices=list(options.get("date_format_choices") or []),
        )
        return load, ReadPlan.from_dict(options["plan"])

    def note_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        room = MAX_REPORTED_ERRORS - len(self.errors)
        self.errors.extend(error.to_dict() for error in errors[: max(room, 0)])


async def run_ingestion(
    database: Database, settings: Settings, source_id: int
) -> DataSourceStatus | None:
    """Load the upload of data source ``source_id``; returns its final status (None: nothing to do)."""
    source = await run_in_transaction(database, lambda s: DataSourceRepository(s).get(source_id))
    if source is None or source.status != DataSourceStatus.INGESTING:
        return None
    path = upload_path(settings, source_id)
    load, plan = _Load.of_upload(source_id, source.parse_options)
    started = time.perf_counter()

    async def load_source() -> DataSourceStatus:
        if database.is_sqlite:
            return await _load_in_steps(database, settings, source.project_id, path, plan, load)
        return await run_in_transaction(
            database,
            lambda session: _load(session, database, settings, source.project_id, path, plan, load),
        )

    try:
        status = await _load_or_fail(
            database,
            path,
            load_source,
            lambda detail: _fail(database, source.project_id, source_id, detail),
            gone="The uploaded file is gone; upload it again.",
            crashed="Ingestion failed unexpectedly",
            crash_event="sources.ingest_crashed",
            source_id=source_id,
        )
    finally:
        progress_board.finish(source_id)
    path.unlink(missing_ok=True)  # loaded or refused: either way this upload is done with
    elapsed = time.perf_counter() - started
    log.info(
        "sources.ingest_finished",
        source_id=source_id,
        status=status,
        rows=load.rows_read,
        seconds=round(elapsed, 3),
        rows_per_s=round(load.rows_read / elapsed) if elapsed else None,
    )
    return status


async def _load(
    session: AsyncSession,
    database: Database,
    settings: Settings,
    project_id: int,
    path: Path,
    plan: ReadPlan,
    load: _Load,
) -> DataSourceStatus:
    repository = DataSourceRepository(session)
    await repository.delete_records(load.source_id)  # a re-run after a crash starts empty
    load.max_rows = settings.max_source_rows
    await _check_expansion(path, settings)
    with _SkippedWriter(skipped_path(settings, load.source_id), plan) as skipped_writer:
        records = _records(path, plan, load, skipped_writer, database, project_id)
        row_count = await repository.load_records(load.source_id, records)
    _check_statements(load)
    return await _mark_ready(session, project_id, load, row_count)


async def _load_in_steps(
    database: Database,
    settings: Settings,
    project_id: int,
    path: Path,
    plan: ReadPlan,
    load: _Load,
) -> DataSourceStatus:
    """The SQLite load: one short transaction per batch, then one that marks the source ready
    (see the module's docstring). The write lock is free while the next batch is parsed."""
    await delete_records_in_steps(database, load.source_id)  # a re-run after a crash starts empty
    load.max_rows = settings.max_source_rows  # as _load: a refused load deletes what it committed
    await _check_expansion(path, settings)
    with _SkippedWriter(skipped_path(settings, load.source_id), plan) as skipped_writer:
        records = _records(path, plan, load, skipped_writer, database, project_id)
        row_count = await _undone_if_cancelled(
            _write_in_steps(database, load.source_id, records),
            lambda: delete_records_in_steps(database, load.source_id),
        )
    _check_statements(load)
    return await run_in_transaction(
        database, lambda session: _mark_ready(session, project_id, load, row_count)
    )


async def _write_in_steps(
    database: Database, source_id: int, batches: AsyncIterator[pa.RecordBatch]
) -> int:
    """Write every batch under ``source_id`` in transactions of at most WRITE_STEP_ROWS rows, with
    a lock gap after each (_LockGaps); returns the row count."""
    written = 0
    gaps = _LockGaps()
    async for batch in batches:
        for offset in range(0, batch.num_rows, WRITE_STEP_ROWS):
            step = batch.slice(offset, WRITE_STEP_ROWS)
            written += await gaps.step(database, _step_loader(source_id, step))
    return written


class _LockGaps:
    """Runs SQLite write steps one after another, leaving the write lock free after each for
    LOCK_GAP_S or LOCK_GAP_SHARE of the time it was held, whichever is longer (for writers of
    other processes: those of this one take turns at the write gate, tally.kit.db)."""

    def __init__(self) -> None:
        self.last_commit = 0.0
        self.gap = 0.0

    async def step(self, database: Database, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``work`` in a transaction of its own once the gap after the last one has passed (the
        transaction begins only then: a step cancelled during its gap never started)."""
        pause = self.gap - (time.monotonic() - self.last_commit)
        if pause > 0:
            await asyncio.sleep(pause)
        started = time.monotonic()
        try:
            return await run_in_transaction(database, work)
        finally:
            self.last_commit = time.monotonic()
            self.gap = max(LOCK_GAP_S, LOCK_GAP_SHARE * (self.last_commit - started))


def _step_loader(source_id: int, step: pa.RecordBatch) -> Callable[[AsyncSession], Awaitable[int]]:
    async def one_step() -> AsyncIterator[pa.RecordBatch]:
        yield step

    def load_step(session: AsyncSession) -> Awaitable[int]:
        return DataSourceRepository(session).load_records(source_id, one_step())

    return load_step


async def _undone_if_cancelled(work: Awaitable[T], undo: Callable[[], Awaitable[None]]) -> T:
    """``work``'s result; when the task is cancelled meanwhile, ``undo()`` runs to its end
    (shielded from the cancel) before the cancel goes on."""
    try:
        return await work
    except asyncio.CancelledError:
        await asyncio.shield(undo())
        raise


async def _mark_ready(
    session: AsyncSession, project_id: int, load: _Load, row_count: int
) -> DataSourceStatus:
    await DataSourceRepository(session).mark_ready(
        load.source_id,
        row_count=row_count,
        skipped_count=load.skipped,
        statement={"statements": load.tally.statements} if load.tally.statements else None,
        warnings=_warnings(load),
    )
    invalidate_data_sources(session, project_id)
    return DataSourceStatus.READY


# Rows deleted per transaction when a stepped load is undone or a source deleted (SQLite): as
# short as a load's steps (the delete maintains three indexes).
DELETE_STEP_ROWS = WRITE_STEP_ROWS


async def delete_records_in_steps(
    database: Database,
    source_id: int,
    *,
    after_step: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Delete the records of a source that no reader sees (not ready, or hidden for deletion) in
    short transactions with lock gaps; ``after_step`` runs between two of them."""
    gaps = _LockGaps()

    def delete_some(session: AsyncSession) -> Awaitable[int]:
        return DataSourceRepository(session).delete_some_records(source_id, DELETE_STEP_ROWS)

    while await gaps.step(database, delete_some):
        if after_step is not None:
            await after_step()


async def purge_source(
    database: Database,
    settings: Settings,
    source_id: int,
    *,
    after_step: Callable[[], Awaitable[None]] | None = None,
) -> bool:
    """Finish deleting a source hidden for deletion (DataSourceService.delete_source): its
    records in short steps, then its row and its skipped rows. Safe to run twice, and after a
    crash: only a source still `deleting` is touched, and what is left of it goes. Returns
    whether there was such a source."""
    source = await run_in_transaction(database, lambda s: DataSourceRepository(s).get(source_id))
    if source is None or source.status != SOURCE_DELETING:
        return False
    started = time.perf_counter()
    await delete_records_in_steps(database, source_id, after_step=after_step)
    await run_in_transaction(database, lambda s: DataSourceRepository(s).delete_row(source_id))
    await asyncio.to_thread(skipped_path(settings, source_id).unlink, missing_ok=True)
    log.info("sources.purged", source_id=source_id, seconds=round(time.perf_counter() - started, 3))
    return True


async def run_append(database: Database, settings: Settings, append_id: int) -> str | None:
    """Load append ``append_id`` into its source; returns its final status (None: nothing to do)."""
    append = await run_in_transaction(
        database, lambda s: DataSourceRepository(s).get_append(append_id)
    )
    if append is None or append.status != DataSourceStatus.INGESTING:
        return None
    source = await run_in_transaction(
        database, lambda s: DataSourceRepository(s).get(append.data_source_id)
    )
    assert source is not None  # deleting a source waits for its append (SourceBusy)
    path = append_path(settings, append_id)
    load, plan = _Load.of_upload(source.id, append.parse_options)

    async def append_rows() -> DataSourceStatus:
        if database.is_sqlite:
            return await _append_in_steps(
                database, settings, source.project_id, append, path, plan, load
            )
        return await run_in_transaction(
            database,
            lambda session: _append(
                session, database, settings, source.project_id, append, path, plan, load
            ),
        )

    try:
        status = await _load_or_fail(
            database,
            path,
            append_rows,
            lambda detail: _fail_append(database, source.project_id, append, detail),
            gone="The appended file is gone; append it again.",
            crashed="The append failed unexpectedly",
            crash_event="sources.append_crashed",
            append_id=append_id,
        )
    finally:
        progress_board.finish(source.id)
    path.unlink(missing_ok=True)
    log.info("sources.append_finished", append_id=append_id, status=status, rows=load.rows_read)
    return status


async def _append(
    session: AsyncSession,
    database: Database,
    settings: Settings,
    project_id: int,
    append: DataSourceAppend,
    path: Path,
    plan: ReadPlan,
    load: _Load,
) -> DataSourceStatus:
    repository = DataSourceRepository(session)
    new_rows = await _new_rows_of(repository, settings, append, path, load)
    with _SkippedWriter(append_skipped_path(settings, append.id), plan) as skipped_writer:
        records = _records(path, plan, load, skipped_writer, database, project_id)
        rows_added = await repository.load_records(load.source_id, new_rows.filter(records))
    _check_statements(load)
    return await _finish_append(session, project_id, append, load, new_rows, rows_added)


async def _append_in_steps(
    database: Database,
    settings: Settings,
    project_id: int,
    append: DataSourceAppend,
    path: Path,
    plan: ReadPlan,
    load: _Load,
) -> DataSourceStatus:
    """The SQLite append: the new rows are written in steps under the append's staging id, and
    the transaction that records the append moves them to the source (see the module's
    docstring)."""
    staging = staging_source_id(append.id)
    await delete_records_in_steps(database, staging)  # a re-run after a crash starts empty
    new_rows = await run_in_transaction(
        database,
        lambda session: _new_rows_of(DataSourceRepository(session), settings, append, path, load),
    )
    with _SkippedWriter(append_skipped_path(settings, append.id), plan) as skipped_writer:
        records = new_rows.filter(_records(path, plan, load, skipped_writer, database, project_id))
        rows_added = await _undone_if_cancelled(
            _write_in_steps(database, staging, records),
            lambda: delete_records_in_steps(database, staging),
        )
    _check_statements(load)

    async def finish(session: AsyncSession) -> DataSourceStatus:
        await DataSourceRepository(session).move_records(staging, append.data_source_id)
        return await _finish_append(session, project_id, append, load, new_rows, rows_added)

    return await run_in_transaction(database, finish)


def staging_source_id(append_id: int) -> int:
    """Where a SQLite append writes its rows until it is recorded: no source has this id, so no
    reader of a source's records sees them."""
    return -append_id


async def _new_rows_of(
    repository: DataSourceRepository,
    settings: Settings,
    append: DataSourceAppend,
    path: Path,
    load: _Load,
) -> _NewRows:
    """What an append needs before its first row: the source's last row number and identities,
    the rows it may still add, and the file checked against the expansion limits."""
    last_row = await repository.last_row_number(append.data_source_id)
    load.max_rows = settings.max_source_rows - last_row
    await _check_expansion(path, settings)
    held = await load_identities(repository, append.data_source_id)
    return _NewRows(held, last_row, append.include_duplicates)


async def _finish_append(
    session: AsyncSession,
    project_id: int,
    append: DataSourceAppend,
    load: _Load,
    new_rows: _NewRows,
    rows_added: int,
) -> DataSourceStatus:
    await DataSourceRepository(session).finish_append(
        append,
        rows_read=load.rows_read,
        rows_added=rows_added,
        rows_already_imported=new_rows.already_imported,
        skipped_count=load.skipped,
        statements=load.tally.statements,
        warnings=_warnings(load),
    )
    invalidate_data_sources(session, project_id)
    return DataSourceStatus.READY


async def _load_or_fail(
    database: Database,
    path: Path,
    load: Callable[[], Awaitable[DataSourceStatus]],
    fail: Callable[[dict[str, Any]], Awaitable[None]],
    *,
    gone: str,
    crashed: str,
    crash_event: str,
    **log_fields: int,
) -> DataSourceStatus:
    """Run ``load`` (which owns its transactions); when the file is gone, does not read or the load
    crashes, its writes are undone and ``fail`` records why (``gone``, the reading error, or
    ``crashed`` with the exception's type), and the status is `failed`."""
    try:
        if not await asyncio.to_thread(path.exists):
            raise FileRejected({"message": gone})
        return await load()
    except FileRejected as rejected:
        await fail(rejected.detail)
    except (IngestError, FormatError) as error:
        await fail({"message": str(error), **describe_error(error)})
    except Exception as error:
        log.exception(crash_event, **log_fields)
        await fail({"message": f"{crashed} ({type(error).__name__})."})
    return DataSourceStatus.FAILED


async def _check_expansion(path: Path, settings: Settings) -> None:
    """The whole stored file against the expansion limits, before any row is parsed."""
    try:
        await asyncio.to_thread(check_whole_file, path, SourceLimits.of(settings))
    except ExpansionTooLarge as refused:
        raise FileRejected({"message": refused.detail}) from None


def _rows_limit_message(load: _Load) -> str:
    return (
        f"The file has more rows than this source may still hold ({load.max_rows}, "
        "TALLY_MAX_SOURCE_ROWS); nothing was loaded. Split the file."
    )


async def load_identities(repository: DataSourceRepository, source_id: int) -> ImportedIdentities:
    """The identity keys of every row a source holds, as one compact sorted array."""
    chunks = [
        await asyncio.to_thread(identity_keys, transaction_ids, row_hashes)
        async for transaction_ids, row_hashes in repository.identity_columns(source_id)
    ]
    return await asyncio.to_thread(ImportedIdentities.from_key_chunks, chunks)


class _NewRows:
    """Keeps the rows of an appended file that the source does not hold yet, renumbered after its
    last row; with ``include_duplicates`` every row is kept (the user's override)."""

    def __init__(self, held: ImportedIdentities, last_row: int, include_duplicates: bool) -> None:
        self.held = held
        self.next_row = last_row + 1
        self.include_duplicates = include_duplicates
        self.already_imported = 0

    async def filter(self, batches: AsyncIterator[pa.RecordBatch]) -> AsyncIterator[pa.RecordBatch]:
        async for batch in batches:
            already = self.held.claim(record_keys(batch))
            count = int(already.sum())
            self.already_imported += count
            if count and not self.include_duplicates:
                batch = batch.filter(pa.array(~already))
            numbers = pa.array(np.arange(self.next_row, self.next_row + batch.num_rows), pa.int64())
            self.next_row += batch.num_rows
            column = batch.schema.get_field_index("row_number")
            yield batch.set_column(column, batch.schema.field(column), numbers)


async def _records(
    path: Path,
    plan: ReadPlan,
    load: _Load,
    skipped_writer: _SkippedWriter,
    database: Database,
    project_id: int,
) -> AsyncIterator[pa.RecordBatch]:
    rejecting = False
    async for batch in iterate_in_thread(lambda: read_file(path, plan, batch_rows=BATCH_ROWS)):
        load.rows_read = batch.rows_read
        if load.max_rows is not None and load.rows_read > load.max_rows:
            raise FileRejected({"message": _rows_limit_message(load)})
        if batch.errors:
            load.note_errors(batch.errors)
            if load.on_error == "reject":
                rejecting = True
        if rejecting:
            if len(load.errors) >= MAX_REPORTED_ERRORS:
                break
            continue  # keep reading only to report the first errors; nothing more is loaded
        if batch.skipped:
            load.skipped += len(batch.skipped)
            skipped_writer.write(batch)
        _track_statement(batch, load)
        await _report_progress(load, database, project_id)
        yield batch.records
    if rejecting:
        detail: dict[str, Any] = {
            "message": f"The file has invalid rows; nothing was loaded. First {len(load.errors)} "
            f"of {load.error_count}{'+' if len(load.errors) >= MAX_REPORTED_ERRORS else ''} "
            "errors listed.",
            "errors": load.errors,
            "error_count": load.error_count,
        }
        detected = _detected_date_format_failure(load, plan)
        if detected is not None:
            detail["message"] += " " + detected.pop("message")
            detail["date_format"] = detected
        raise FileRejected(detail)


def _detected_date_format_failure(load: _Load, plan: ReadPlan) -> dict[str, Any] | None:
    """When the load meets a date the detected date format cannot read but another format the
    file's first rows fit can, which row failed and that format (for the user to pick)."""
    used = (plan.options or {}).get("date_format")
    failed = next((e for e in load.errors if e.get("code") == "invalid_date"), None)
    if used is None or failed is None or len(load.date_format_choices) < 2:
        return None
    value = str(failed.get("value") or "")
    suggested = next((fmt for fmt in load.date_format_choices if _reads(value, fmt)), None)
    if suggested is None:
        return None  # not a date in any format: a bad row, not a wrong detection
    return {
        "message": f"Row {failed.get('row')} has the date {value!r}, which the date format "
        f"{used} cannot read: that format was detected from the file's first rows, which fit "
        f"{' and '.join(load.date_format_choices)} alike. Upload the file again with "
        f"date_format {suggested}.",
        "detected": used,
        "choices": load.date_format_choices,
        "suggested": suggested,
        "row": failed.get("row"),
        "column": failed.get("column"),
        "value": value,
    }


def _reads(value: str, date_format: str) -> bool:
    try:
        parse_date(value, date_format)
    except DateFormatError:
        return False
    return True


def _track_statement(batch: FileBatch, load: _Load) -> None:
    load.tally.add(batch.records, batch.statement, batch.statement_complete)


def _check_statements(load: _Load) -> None:
    message = load.tally.unbalanced_message()
    if message is not None and not load.accept_unbalanced:
        raise FileRejected({"message": message, "statements": load.tally.statements})


def _warnings(load: _Load) -> list[str]:
    warnings = []
    if load.skipped:
        warnings.append(f"{load.skipped} rows were skipped; download them to fix and re-upload.")
    for statement in load.tally.statements:
        if statement.get("balance", {}).get("status") == "unbalanced":
            warnings.append(f"Statement {statement['statement_id']} does not balance (accepted).")
    return warnings


async def _report_progress(load: _Load, database: Database, project_id: int) -> None:
    """Publish rows read: in this process, and in the database for other processes (the
    embedded server runs its loads in a child process, tally.sources.child_process), in a short
    transaction of its own (on SQLite, between two of the load's steps)."""
    progress_board.update(load.source_id, load.rows_read)
    now = time.monotonic()
    if now - load.last_progress < PROGRESS_INTERVAL_S:
        return
    load.last_progress = now

    async def publish(session: AsyncSession) -> None:
        await DataSourceRepository(session).set_rows_done(load.source_id, load.rows_read)
        invalidate_data_sources(session, project_id)

    await run_in_transaction(database, publish)


async def fail_abandoned(
    database: Database,
    settings: Settings,
    message: str,
    *,
    source_id: int | None = None,
    append_id: int | None = None,
) -> None:
    """Mark a load whose process ended without finishing (killed: out of memory, a signal) as
    failed with ``message``, undoing what it wrote, as a crash inside the load would have been.
    Only a load still `ingesting` is touched."""
    if append_id is not None:
        append = await run_in_transaction(
            database, lambda s: DataSourceRepository(s).get_append(append_id)
        )
        if append is None or append.status != DataSourceStatus.INGESTING:
            return
        source = await run_in_transaction(
            database, lambda s: DataSourceRepository(s).get(append.data_source_id)
        )
        assert source is not None  # deleting a source waits for its append (SourceBusy)
        await _fail_append(database, source.project_id, append, {"message": message})
        append_path(settings, append_id).unlink(missing_ok=True)
        return
    assert source_id is not None
    found = await run_in_transaction(database, lambda s: DataSourceRepository(s).get(source_id))
    if found is None or found.status != DataSourceStatus.INGESTING:
        return
    await _fail(database, found.project_id, source_id, {"message": message})
    upload_path(settings, source_id).unlink(missing_ok=True)


async def _fail(
    database: Database, project_id: int, source_id: int, detail: dict[str, Any]
) -> None:
    # What a stepped (SQLite) load committed goes first, while the source is still `ingesting`:
    # a crash in between leaves it to the re-run that start-up recovery enqueues.
    await delete_records_in_steps(database, source_id)

    async def mark(session: AsyncSession) -> None:
        await DataSourceRepository(session).mark_failed(source_id, detail)
        invalidate_data_sources(session, project_id)

    await run_in_transaction(database, mark)
    log.info("sources.ingest_rejected", source_id=source_id, reason=detail.get("message"))


async def _fail_append(
    database: Database, project_id: int, append: DataSourceAppend, detail: dict[str, Any]
) -> None:
    # What a stepped (SQLite) append committed goes first, as in _fail.
    await delete_records_in_steps(database, staging_source_id(append.id))

    async def mark(session: AsyncSession) -> None:
        await DataSourceRepository(session).fail_append(append, detail)
        invalidate_data_sources(session, project_id)

    await run_in_transaction(database, mark)
    log.info("sources.append_rejected", append_id=append.id, reason=detail.get("message"))


class _SkippedWriter:
    """Appends skipped rows (raw cells and reasons) to a CSV for download, one batch at a time.
    A load that skips no row leaves no file, not even the one of an earlier attempt."""

    def __init__(self, path: Path, plan: ReadPlan) -> None:
        self.path = path
        options = plan.options or {}
        self.columns = list(options.get("columns") or options.get("header") or [])
        self._file: Any = None

    def __enter__(self) -> _SkippedWriter:
        return self

    def write(self, batch: FileBatch) -> None:
        first = self._file is None
        if first:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("wb")
        self._file.write(skipped_rows_csv(batch.skipped, self.columns, header=first))

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        if self._file is not None:
            self._file.close()
        elif exc_type is None:
            self.path.unlink(missing_ok=True)
