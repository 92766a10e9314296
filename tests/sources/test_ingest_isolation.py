"""An ingestion in progress hides its rows, lets every other writer through, and a crash or a
refused file leaves nothing behind (SQLite loads in short transactions, PostgreSQL in one).

The upload is fed through a named pipe: the test decides when the rest of the file arrives, so
"during the ingestion" is a fact of ordering (the load cannot finish before the pipe is closed),
not of timing.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database
from tally.models import DataSource, DataSourceAppend, DataSourceStatus, Project
from tally.reconciliations.repository import ReconciliationRepository
from tally.results.stats_repository import StatsRepository
from tally.sources.frames import load_record_frame
from tally.sources.ingestion import (
    BATCH_ROWS,
    WRITE_STEP_ROWS,
    run_append,
    run_ingestion,
    staging_source_id,
)
from tally.sources.progress import progress_board
from tally.sources.reading import UploadOptions, preview_file
from tally.sources.repository import DataSourceRepository
from tally.sources.storage import append_path, upload_path
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser, create_user

HEADER = b"Date,Reference,Amount,Description\n"
# Enough rows that the reader's first reads (a 1 MB head, then its blocks) are satisfied and at
# least two batches are handed to the load before the pipe runs dry.
FIRST_ROWS = 6 * BATCH_ROWS
LAST_ROWS = 2 * BATCH_ROWS


def _rows(start: int, count: int) -> bytes:
    return b"".join(
        b"2026-01-%02d,INV-%08d,%d.%02d,Invoice number %d of the test ledger\n"
        % (1 + i % 28, i, i % 9_000, i % 100, i)
        for i in range(start, start + count)
    )


class _PipeFeeder:
    """Writes the upload into a named pipe in a thread: the head at once, the rest on release()."""

    def __init__(self, path: Path, first: bytes, rest: bytes) -> None:
        self.path = path
        self.release_rest = threading.Event()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        os.mkfifo(path)
        self._thread = threading.Thread(target=self._feed, args=(first, rest), daemon=True)
        self._thread.start()

    def _feed(self, first: bytes, rest: bytes) -> None:
        try:
            with self.path.open("wb") as pipe:
                pipe.write(first)
                pipe.flush()
                self.release_rest.wait()
                pipe.write(rest)
        except BrokenPipeError:  # the load stopped reading (a test that failed early)
            return

    async def finish(self) -> None:
        self.release_rest.set()
        if not self._thread.is_alive():
            return
        # A load that never opened the pipe would leave the writer blocked in open(): open it.
        try:
            reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:  # the load is over and removed its upload
            reader = None
        await asyncio.to_thread(self._thread.join, 30)
        if reader is not None:
            os.close(reader)


@dataclass
class _World:
    owner: AuthedUser
    project: Project
    source: DataSource


async def _ingesting_source(session: AsyncSession, settings: Settings) -> _World:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    sample = HEADER + _rows(0, 50)
    preview = preview_file(sample, complete=True, options=UploadOptions(), path=None)
    source = DataSource(
        project_id=project.id,
        name="Ledger",
        file_name="ledger.csv",
        status=DataSourceStatus.INGESTING,
        parse_options={"plan": preview.plan.to_dict(), "on_error": "reject"},
        created_by_id=owner.id,
    )
    session.add(source)
    await session.commit()
    upload_path(settings, source.id).unlink(missing_ok=True)
    return _World(owner, project, source)


async def _until_rows_read(source_id: int, rows: int, ingestion: asyncio.Task[object]) -> None:
    """Wait for the load to have read ``rows`` (so it wrote the batches before them)."""
    while (progress_board.rows_done(source_id) or 0) < rows:
        assert not ingestion.done(), ingestion.result()
        await asyncio.sleep(0.01)


async def _another_tenant_logs_in_and_creates_a_project(
    client: AsyncClient, other_tenant: AuthedUser
) -> None:
    login = await client.post(
        "/api/v1/auth/login", json={"email": other_tenant.email, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.text
    created = await client.post(
        "/api/v1/projects", json={"name": "Another tenant"}, headers=other_tenant.headers
    )
    assert created.status_code == 201, created.text


async def _stored(session: AsyncSession, source_id: int) -> DataSource:
    source = await session.get(DataSource, source_id, populate_existing=True)
    assert source is not None
    return source


@pytest.fixture
async def pipe_feeders() -> AsyncIterator[list[_PipeFeeder]]:
    feeders: list[_PipeFeeder] = []
    yield feeders
    for feeder in feeders:
        await feeder.finish()


async def test_other_writers_proceed_during_an_ingestion_that_shows_nothing(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
    pipe_feeders: list[_PipeFeeder],
) -> None:
    world = await _ingesting_source(session, test_settings)
    other_tenant = await create_user(session)
    ready = await create_data_source(session, project=world.project, name="Bank")
    feeder = _PipeFeeder(
        upload_path(test_settings, world.source.id),
        HEADER + _rows(0, FIRST_ROWS),
        _rows(FIRST_ROWS, LAST_ROWS),
    )
    pipe_feeders.append(feeder)
    ingestion = asyncio.create_task(run_ingestion(db, test_settings, world.source.id))
    await _until_rows_read(world.source.id, 2 * BATCH_ROWS, ingestion)

    # The load is under way and cannot end before the rest of the file is released.
    await _another_tenant_logs_in_and_creates_a_project(client, other_tenant)
    own = await client.post(
        "/api/v1/projects", json={"name": "Same tenant"}, headers=world.owner.headers
    )
    assert own.status_code == 201, own.text

    url = f"/api/v1/projects/{world.project.id}/data-sources/{world.source.id}"
    during = await client.get(url, headers=world.owner.headers)
    assert during.json()["status"] == "ingesting"
    assert during.json()["row_count"] == 0
    job = await client.post(
        f"/api/v1/projects/{world.project.id}/jobs",
        json={"left_source_id": world.source.id, "right_source_id": ready.id},
        headers=world.owner.headers,
    )
    assert job.status_code == 422, job.text  # no reader gets the rows of a source not ready
    # Counting a file's new rows against the source would count the hidden ones.
    preflight = await client.post(
        f"{url}/append/preflight",
        files={"file": ("more.csv", HEADER + _rows(0, 5), "text/csv")},
        data={"complete": "true"},
        headers=world.owner.headers,
    )
    assert preflight.status_code == 409, preflight.text
    assert not ingestion.done()

    await feeder.finish()
    assert await ingestion == DataSourceStatus.READY
    after = await client.get(url, headers=world.owner.headers)
    assert after.json()["row_count"] == FIRST_ROWS + LAST_ROWS
    assert await DataSourceRepository(session).count_records(world.source.id) == (
        FIRST_ROWS + LAST_ROWS
    )


async def test_a_cancelled_ingestion_leaves_nothing_and_its_rerun_loads_whole(
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
    pipe_feeders: list[_PipeFeeder],
) -> None:
    world = await _ingesting_source(session, test_settings)
    path = upload_path(test_settings, world.source.id)
    feeder = _PipeFeeder(path, HEADER + _rows(0, FIRST_ROWS), b"")
    pipe_feeders.append(feeder)
    ingestion = asyncio.create_task(run_ingestion(db, test_settings, world.source.id))
    await _until_rows_read(world.source.id, 3 * BATCH_ROWS, ingestion)

    ingestion.cancel()  # the worker stops between two batches
    await feeder.finish()
    with pytest.raises(asyncio.CancelledError):
        await ingestion

    repository = DataSourceRepository(session)
    cancelled = await _stored(session, world.source.id)
    assert (cancelled.status, cancelled.row_count) == (DataSourceStatus.INGESTING, 0)
    # SQLite deleted the steps it had committed before the cancel went on; PostgreSQL rolled its
    # one transaction back.
    assert await repository.count_records(world.source.id) == 0
    await session.commit()

    # Start-up recovery enqueues the ingestion again; the re-run clears what the crash left.
    path.unlink()
    path.write_bytes(HEADER + _rows(0, FIRST_ROWS + LAST_ROWS))
    assert await run_ingestion(db, test_settings, world.source.id) == DataSourceStatus.READY
    assert await repository.count_records(world.source.id) == FIRST_ROWS + LAST_ROWS
    assert (await _stored(session, world.source.id)).row_count == FIRST_ROWS + LAST_ROWS


async def test_a_bad_row_after_several_batches_leaves_no_record(
    session: AsyncSession, db: Database, test_settings: Settings
) -> None:
    world = await _ingesting_source(session, test_settings)
    bad = b"2026-01-02,INV-BAD,not money,broken row\n"
    upload_path(test_settings, world.source.id).parent.mkdir(parents=True, exist_ok=True)
    upload_path(test_settings, world.source.id).write_bytes(
        HEADER + _rows(0, 3 * BATCH_ROWS) + bad + _rows(3 * BATCH_ROWS, 10)
    )

    assert await run_ingestion(db, test_settings, world.source.id) == DataSourceStatus.FAILED

    repository = DataSourceRepository(session)
    failed = await _stored(session, world.source.id)
    assert failed.row_count == 0
    assert "invalid rows" in (failed.error or {})["message"]
    assert await repository.count_records(world.source.id) == 0


async def test_two_ingestions_at_once_each_load_whole(
    session: AsyncSession, db: Database, test_settings: Settings, pipe_feeders: list[_PipeFeeder]
) -> None:
    """Two loads at once (one per tenant) both finish whole, each with exactly its own rows."""
    first = await _ingesting_source(session, test_settings)
    second = await _ingesting_source(session, test_settings)
    feeders = [
        _PipeFeeder(upload_path(test_settings, world.source.id), HEADER + _rows(0, FIRST_ROWS), b"")
        for world in (first, second)
    ]
    pipe_feeders.extend(feeders)
    loads = [
        asyncio.create_task(run_ingestion(db, test_settings, world.source.id))
        for world in (first, second)
    ]
    for world, load in zip((first, second), loads, strict=True):
        await _until_rows_read(world.source.id, 2 * BATCH_ROWS, load)
    for feeder in feeders:
        await feeder.finish()
    assert await asyncio.gather(*loads) == [DataSourceStatus.READY] * 2
    repository = DataSourceRepository(session)
    for world in (first, second):
        assert await repository.count_records(world.source.id) == FIRST_ROWS


@dataclass
class _Appending:
    world: _World
    append: DataSourceAppend
    rows_before: int
    last_row_before: int


async def _appending_source(
    session: AsyncSession, db: Database, settings: Settings, rows_before: int
) -> _Appending:
    """A ready source of ``rows_before`` rows, and an append to it that has not started."""
    world = await _ingesting_source(session, settings)
    upload = upload_path(settings, world.source.id)
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(HEADER + _rows(0, rows_before))
    assert await run_ingestion(db, settings, world.source.id) == DataSourceStatus.READY
    repository = DataSourceRepository(session)
    assert await repository.start_append(world.source.id)
    append = await repository.add_append(
        DataSourceAppend(
            data_source_id=world.source.id,
            file_name="more.csv",
            parse_options=world.source.parse_options,
            status=DataSourceStatus.INGESTING,
        )
    )
    await session.commit()
    last_row = await ReconciliationRepository(session).last_row_number(world.source.id)
    return _Appending(world, append, rows_before, last_row)


async def _append_fed_by_pipe(
    session: AsyncSession, db: Database, settings: Settings, pipe_feeders: list[_PipeFeeder]
) -> tuple[_Appending, tuple[int, ...], _PipeFeeder]:
    """An append of FIRST_ROWS new rows whose file arrives through a pipe that stays open, and
    what the readers saw of its source before."""
    appending = await _appending_source(session, db, settings, BATCH_ROWS)
    before = await _what_readers_see(session, appending.world.source.id)
    path = append_path(settings, appending.append.id)
    feeder = _PipeFeeder(path, HEADER + _rows(BATCH_ROWS, FIRST_ROWS), b"")
    pipe_feeders.append(feeder)
    return appending, before, feeder


async def _what_readers_see(session: AsyncSession, source_id: int) -> tuple[int, ...]:
    """The source's rows as each reader of records counts them: the engine's frame (jobs), a
    job's side totals (stats, unmatched tabs), an incremental job's watermark (continuous
    reconciliation) and a plain count."""
    frame = await load_record_frame(session, source_id)
    totals = await StatsRepository(session).side_totals(0, source_id, source_id)
    last_row = await ReconciliationRepository(session).last_row_number(source_id)
    count = await DataSourceRepository(session).count_records(source_id)
    await session.commit()  # end the read: a reader holds no snapshot across the load's steps
    return frame.height, totals["left"]["records"], last_row, count


async def test_an_append_in_progress_shows_none_of_its_rows_and_lets_writers_through(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
    pipe_feeders: list[_PipeFeeder],
) -> None:
    appending = await _appending_source(session, db, test_settings, BATCH_ROWS)
    source_id = appending.world.source.id
    before = await _what_readers_see(session, source_id)
    assert before == (BATCH_ROWS, BATCH_ROWS, appending.last_row_before, BATCH_ROWS)
    other_tenant = await create_user(session)
    added = FIRST_ROWS + LAST_ROWS
    feeder = _PipeFeeder(
        append_path(test_settings, appending.append.id),
        HEADER + _rows(BATCH_ROWS, FIRST_ROWS),
        _rows(BATCH_ROWS + FIRST_ROWS, LAST_ROWS),
    )
    pipe_feeders.append(feeder)
    loading = asyncio.create_task(run_append(db, test_settings, appending.append.id))
    await _until_rows_read(source_id, 3 * BATCH_ROWS, loading)

    assert await _what_readers_see(session, source_id) == before
    await _another_tenant_logs_in_and_creates_a_project(client, other_tenant)
    assert not loading.done()

    await feeder.finish()
    assert await loading == DataSourceStatus.READY
    frame_rows, totals, last_row, count = await _what_readers_see(session, source_id)
    assert (frame_rows, totals, count) == (BATCH_ROWS + added,) * 3
    assert last_row > appending.last_row_before
    assert (await _stored(session, source_id)).row_count == BATCH_ROWS + added


async def test_a_refused_append_after_several_steps_leaves_the_source_as_it_was(
    session: AsyncSession, db: Database, test_settings: Settings
) -> None:
    appending = await _appending_source(session, db, test_settings, BATCH_ROWS)
    source_id = appending.world.source.id
    before = await _what_readers_see(session, source_id)
    bad = b"2026-01-02,INV-BAD,not money,broken row\n"
    append_path(test_settings, appending.append.id).write_bytes(
        HEADER + _rows(BATCH_ROWS, 3 * BATCH_ROWS) + bad
    )

    assert await run_append(db, test_settings, appending.append.id) == DataSourceStatus.FAILED

    assert await _what_readers_see(session, source_id) == before
    staged = staging_source_id(appending.append.id)
    assert await DataSourceRepository(session).count_records(staged) == 0
    assert (await _stored(session, source_id)).status == DataSourceStatus.READY


async def test_a_cancelled_append_leaves_nothing_and_its_rerun_adds_whole(
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
    pipe_feeders: list[_PipeFeeder],
) -> None:
    appending, before, feeder = await _append_fed_by_pipe(session, db, test_settings, pipe_feeders)
    source_id = appending.world.source.id
    path = feeder.path
    loading = asyncio.create_task(run_append(db, test_settings, appending.append.id))
    await _until_rows_read(source_id, 3 * BATCH_ROWS, loading)

    loading.cancel()
    await feeder.finish()
    with pytest.raises(asyncio.CancelledError):
        await loading

    assert await _what_readers_see(session, source_id) == before
    staged = staging_source_id(appending.append.id)
    assert await DataSourceRepository(session).count_records(staged) == 0
    # Still `appending`: start-up recovery loads the append again, from nothing.
    assert (await _stored(session, source_id)).status == DataSourceStatus.APPENDING
    path.unlink()
    path.write_bytes(HEADER + _rows(BATCH_ROWS, FIRST_ROWS))
    assert await run_append(db, test_settings, appending.append.id) == DataSourceStatus.READY
    assert (await _what_readers_see(session, source_id))[3] == BATCH_ROWS + FIRST_ROWS


_CHILD_LOAD = """
import asyncio, sys
from pathlib import Path
from tally.config import Settings
from tally.kit.db import Database
from tally.sources.ingestion import run_append, run_ingestion

url, data_dir, kind, row_id = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
settings = Settings(TALLY_ENV="test", TALLY_DATA_DIR=Path(data_dir))

async def main():
    database = Database(settings, url=url)
    load = run_ingestion if kind == "ingest" else run_append
    await load(database, settings, row_id)

asyncio.run(main())
"""


async def _until_published(
    session: AsyncSession, source_id: int, rows: int, child: Any, *, sqlite: bool
) -> None:
    """Wait until the child's load has written ``rows`` rows: committed hidden steps (SQLite) or
    published progress (PostgreSQL, whose one transaction shows nothing else)."""
    repository = DataSourceRepository(session)
    while True:
        assert child.poll() is None, "the load ended before it was killed"
        if sqlite:
            done = await repository.count_records(source_id)
        else:
            done = await repository.live_rows(source_id) or 0
        await session.commit()
        if done >= rows:
            return
        await asyncio.sleep(0.05)


async def test_a_killed_ingestion_shows_nothing_and_recovery_loads_it_whole(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
    pipe_feeders: list[_PipeFeeder],
) -> None:
    """A load process killed outright (no cleanup runs) leaves its source `ingesting`, with no
    row any reader sees; the re-run that start-up recovery enqueues starts clean."""
    world = await _ingesting_source(session, test_settings)
    ready = await create_data_source(session, project=world.project, name="Bank")
    path = upload_path(test_settings, world.source.id)
    feeder = _PipeFeeder(path, HEADER + _rows(0, FIRST_ROWS), b"")
    pipe_feeders.append(feeder)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD_LOAD, db.url, str(test_settings.data_dir), "ingest",
         str(world.source.id)],
    )  # fmt: skip
    try:
        await _until_published(
            session, world.source.id, 2 * WRITE_STEP_ROWS, child, sqlite=db.is_sqlite
        )
    finally:
        child.kill()
        child.wait()
    await feeder.finish()

    url = f"/api/v1/projects/{world.project.id}/data-sources/{world.source.id}"
    crashed = (await client.get(url, headers=world.owner.headers)).json()
    assert (crashed["status"], crashed["row_count"]) == ("ingesting", 0)
    job = await client.post(
        f"/api/v1/projects/{world.project.id}/jobs",
        json={"left_source_id": world.source.id, "right_source_id": ready.id},
        headers=world.owner.headers,
    )
    assert job.status_code == 422, job.text

    path.unlink(missing_ok=True)
    path.write_bytes(HEADER + _rows(0, FIRST_ROWS + LAST_ROWS))
    assert await DataSourceRepository(session).ingesting_ids() == [world.source.id]
    await session.commit()
    assert await run_ingestion(db, test_settings, world.source.id) == DataSourceStatus.READY
    assert await DataSourceRepository(session).count_records(world.source.id) == (
        FIRST_ROWS + LAST_ROWS
    )


async def test_a_killed_append_shows_nothing_and_recovery_adds_it_whole(
    session: AsyncSession,
    db: Database,
    test_settings: Settings,
    pipe_feeders: list[_PipeFeeder],
) -> None:
    appending, before, feeder = await _append_fed_by_pipe(session, db, test_settings, pipe_feeders)
    source_id = appending.world.source.id
    path = feeder.path
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD_LOAD, db.url, str(test_settings.data_dir), "append",
         str(appending.append.id)],
    )  # fmt: skip
    staged = staging_source_id(appending.append.id)
    watched = staged if db.is_sqlite else source_id
    try:
        await _until_published(session, watched, 2 * WRITE_STEP_ROWS, child, sqlite=db.is_sqlite)
    finally:
        child.kill()
        child.wait()
    await feeder.finish()

    assert await _what_readers_see(session, source_id) == before
    assert await DataSourceRepository(session).running_append_ids() == [appending.append.id]
    await session.commit()
    path.unlink(missing_ok=True)
    path.write_bytes(HEADER + _rows(BATCH_ROWS, FIRST_ROWS))
    assert await run_append(db, test_settings, appending.append.id) == DataSourceStatus.READY
    assert (await _what_readers_see(session, source_id))[3] == BATCH_ROWS + FIRST_ROWS
    assert await DataSourceRepository(session).count_records(staged) == 0
