"""The embedded server's loads run in a child process: the same all-or-nothing load, its write
steps taking turns with the server's writers at the server's write gate, its progress readable,
and its lifetime tied to the server's (a cancel or the server's death undoes what it wrote).

The upload comes through a named pipe (see test_ingest_isolation): "during the load" is a fact
of ordering, not of timing.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys

import psutil
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.tasks.embedded import EmbeddedQueue
from tally.models import DataSourceStatus
from tally.sources.child_process import run_in_child
from tally.sources.ingestion import BATCH_ROWS
from tally.sources.repository import DataSourceRepository
from tally.sources.service import INGEST_TASK
from tally.sources.storage import upload_path
from tally.sources.tasks import ingest
from tests.helpers.users import create_user
from tests.sources.test_ingest_isolation import (
    FIRST_ROWS,
    HEADER,
    LAST_ROWS,
    _another_tenant_logs_in_and_creates_a_project,
    _ingesting_source,
    _PipeFeeder,
    _rows,
    _stored,
    _World,
    pipe_feeders,  # noqa: F401 (a fixture)
)

INGEST = "tally.sources.ingestion:run_ingestion"


@pytest.fixture
def child_settings(test_settings: Settings) -> Settings:
    # At the server's priority: on a busy machine a niced child (PostgreSQL) would crawl.
    return test_settings.model_copy(update={"ingest_process": "child", "ingest_nice": 0})


async def _until_progress(
    session: AsyncSession, source_id: int, rows: int, load: asyncio.Task[None] | None = None
) -> None:
    """Wait until the child published ``rows`` rows read (progress is in the database, at most
    once a second: a PostgreSQL load of the whole head may publish only its first batch)."""
    repository = DataSourceRepository(session)
    while (await repository.live_rows(source_id) or 0) < rows:
        await session.commit()
        assert load is None or not load.done(), load.exception()
        await asyncio.sleep(0.05)
    await session.commit()


async def _source_fed_its_head(
    session: AsyncSession, settings: Settings, feeders: list[_PipeFeeder]
) -> tuple[_World, _PipeFeeder]:
    """A source whose upload sends its first rows, then nothing until the feeder finishes."""
    world = await _ingesting_source(session, settings)
    feeder = _PipeFeeder(upload_path(settings, world.source.id), HEADER + _rows(0, FIRST_ROWS), b"")
    feeders.append(feeder)
    return world, feeder


def _load_in_child(db: Database, settings: Settings, world: _World) -> asyncio.Task[None]:
    return asyncio.create_task(
        run_in_child(db, settings, INGEST, project_id=world.project.id, source_id=world.source.id)
    )


async def test_a_load_in_a_child_process_lets_writers_through_and_loads_whole(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    child_settings: Settings,
    pipe_feeders: list[_PipeFeeder],  # noqa: F811 (the fixture imported above)
) -> None:
    world = await _ingesting_source(session, child_settings)
    other_tenant = await create_user(session)
    feeder = _PipeFeeder(
        upload_path(child_settings, world.source.id),
        HEADER + _rows(0, FIRST_ROWS),
        _rows(FIRST_ROWS, LAST_ROWS),
    )
    pipe_feeders.append(feeder)
    load = _load_in_child(db, child_settings, world)
    await _until_progress(session, world.source.id, BATCH_ROWS, load)

    await _another_tenant_logs_in_and_creates_a_project(client, other_tenant)
    url = f"/api/v1/projects/{world.project.id}/data-sources/{world.source.id}"
    during = (await client.get(url, headers=world.owner.headers)).json()
    assert (during["status"], during["row_count"]) == ("ingesting", 0)
    assert during["rows_done"] >= BATCH_ROWS  # the child's progress, read from the database
    assert not load.done()

    await feeder.finish()
    await load
    after = (await client.get(url, headers=world.owner.headers)).json()
    assert (after["status"], after["row_count"]) == ("ready", FIRST_ROWS + LAST_ROWS)
    assert await DataSourceRepository(session).count_records(world.source.id) == (
        FIRST_ROWS + LAST_ROWS
    )


async def test_cancelling_the_load_undoes_the_childs_writes(
    session: AsyncSession,
    db: Database,
    child_settings: Settings,
    pipe_feeders: list[_PipeFeeder],  # noqa: F811 (the fixture imported above)
) -> None:
    world, feeder = await _source_fed_its_head(session, child_settings, pipe_feeders)
    load = _load_in_child(db, child_settings, world)
    await _until_progress(session, world.source.id, BATCH_ROWS, load)

    load.cancel()  # the server stopping: the child is told, undoes its steps, and exits
    await feeder.finish()
    with pytest.raises(asyncio.CancelledError):
        await load

    cancelled = await _stored(session, world.source.id)
    assert (cancelled.status, cancelled.row_count) == (DataSourceStatus.INGESTING, 0)
    assert await DataSourceRepository(session).count_records(world.source.id) == 0


_SERVER = """
import asyncio, sys
from pathlib import Path
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.logging import configure_logging
from tally.sources.child_process import run_in_child

configure_logging()  # JSON lines on stderr: the test reads the child's pid from them
url, data_dir, project_id, source_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
settings = Settings(
    TALLY_ENV="test", TALLY_DATA_DIR=Path(data_dir), TALLY_INGEST_PROCESS="child", TALLY_INGEST_NICE=0
)

async def main():
    database = Database(settings, url=url)
    await run_in_child(database, settings, "tally.sources.ingestion:run_ingestion",
                       project_id=project_id, source_id=source_id)

asyncio.run(main())
"""


async def test_a_server_killed_outright_takes_its_load_with_it(
    session: AsyncSession,
    db: Database,
    child_settings: Settings,
    pipe_feeders: list[_PipeFeeder],  # noqa: F811 (the fixture imported above)
) -> None:
    """The child notices its parent's death (end of its stdin), undoes its steps and exits."""
    world, feeder = await _source_fed_its_head(session, child_settings, pipe_feeders)
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, db.url, str(child_settings.data_dir),
         str(world.project.id), str(world.source.id)],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert server.stderr is not None
    started = b""
    while b"sources.child_started" not in started:
        started = await asyncio.to_thread(server.stderr.readline)
        assert started, "the server ended before it started its child"
    child_pid = int(re.search(rb'"pid": (\d+)', started).group(1))  # type: ignore[union-attr]
    try:
        await _until_progress(session, world.source.id, BATCH_ROWS)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    await feeder.finish()

    while _alive(child_pid):
        await asyncio.sleep(0.05)
    left = await _stored(session, world.source.id)
    assert (left.status, left.row_count) == (DataSourceStatus.INGESTING, 0)
    assert await DataSourceRepository(session).count_records(world.source.id) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child reparented to a non-reaping init stays a zombie: that is dead too.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[-1][0] != "Z"


async def test_a_child_killed_outright_fails_the_load_and_leaves_no_row(
    session: AsyncSession,
    db: Database,
    child_settings: Settings,
    pipe_feeders: list[_PipeFeeder],  # noqa: F811 (the fixture imported above)
) -> None:
    """Out of memory or a signal: the child cannot undo, so the server does, and says so."""
    world, feeder = await _source_fed_its_head(session, child_settings, pipe_feeders)
    context = EmbeddedQueue(settings=child_settings, database=db).context(INGEST_TASK, "t", 1)
    load = asyncio.create_task(ingest(context, source_id=world.source.id))
    await _until_progress(session, world.source.id, BATCH_ROWS, load)

    (child,) = [
        process
        for process in psutil.Process().children()
        if "tally.sources.child_process" in process.cmdline()
    ]
    child.kill()
    await load
    await feeder.finish()

    failed = await _stored(session, world.source.id)
    assert (failed.status, failed.row_count) == (DataSourceStatus.FAILED, 0)
    assert failed.error is not None and "killed by signal 9" in failed.error["message"]
    assert await DataSourceRepository(session).count_records(world.source.id) == 0
