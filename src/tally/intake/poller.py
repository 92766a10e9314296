"""Polling inboxes: each new file is appended once to its data source, then moved to
``processed/`` (or to ``failed/``, with ``<name>.reason.json`` beside it), and the source's pair is
reconciled.

A file is known by name, size and SHA-256: the same statement dropped again is moved to
``processed/`` without touching the source. An append is all-or-nothing (tally.sources.ingestion),
so a broken file leaves the source as it was. Should the process stop between the append and the
move, the next poll finds the file again and the duplicate-safe append adds no row twice.

File systems are fsspec's (local, ``sftp://`` through sshfs, ``s3://`` through s3fs, ``memory://``);
their calls are blocking and run in a thread.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import json
import posixpath
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from fsspec import AbstractFileSystem
from fsspec.core import url_to_fs
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.intake.repository import InboxRepository
from tally.intake.service import InboxService
from tally.jobs.runner import run_reconciliation
from tally.jobs.service import RECONCILE_TASK
from tally.kit.db import Database, run_in_transaction
from tally.kit.errors import TallyError
from tally.kit.tasks import TaskQueue
from tally.kit.uploads import SpooledUpload
from tally.models import DataSourceAppend, DataSourceStatus, Inbox, InboxFile
from tally.projects.auth import owner_access
from tally.results.indexing import index_results
from tally.sources.ingestion import run_append
from tally.sources.reading import UploadOptions
from tally.sources.service import DataSourceService, SourceBusy
from tally.sources.storage import spool_dir

log = structlog.get_logger()

PROCESSED = "processed"
FAILED = "failed"
WAITING = "waiting"  # left where it is, taken at a later poll
LEASE = timedelta(minutes=30)  # longer than any one poll; a crashed poller's lease runs out
# Names a sender writes before renaming into place, and our own reason files.
_IN_FLIGHT = ("*.part", "*.partial", "*.tmp", "*.filepart", "*.crdownload", "*.reason.json")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Arrival:
    """What happened to one file: ``processed``, ``failed``, ``duplicate`` (taken before) or
    ``waiting`` (its source was busy with another append; left for the next poll)."""

    inbox_id: int
    name: str
    status: str
    append_id: int | None = None
    rows_added: int | None = None
    job_id: int | None = None
    reason: str | None = None


async def poll_due_inboxes(
    database: Database,
    settings: Settings,
    queue: TaskQueue | None,
    *,
    project_id: int | None = None,
    force: bool = False,
) -> list[Arrival]:
    """Poll every enabled inbox whose schedule is due (all of them with ``force``) and that no
    other process holds. ``queue`` None runs each reconciliation here (`tally watch` without
    workers); otherwise it is enqueued in the transaction that records the file."""
    now = datetime.now(UTC)
    ids = await run_in_transaction(database, lambda s: InboxRepository(s).due_ids(now, project_id))
    arrivals: list[Arrival] = []
    for inbox_id in ids:
        arrivals.extend(await _poll_if_due(database, settings, queue, inbox_id, now, force))
    return arrivals


async def _poll_if_due(
    database: Database,
    settings: Settings,
    queue: TaskQueue | None,
    inbox_id: int,
    now: datetime,
    force: bool,
) -> list[Arrival]:
    inbox = await run_in_transaction(database, lambda s: InboxRepository(s).get(inbox_id))
    if inbox is None or not (force or _due(inbox, now)):
        return []
    claimed = await run_in_transaction(
        database, lambda s: InboxRepository(s).claim(inbox_id, now, now + LEASE)
    )
    if not claimed:
        return []  # another process took it between the two reads
    try:
        return await poll_inbox(database, settings, inbox, queue)
    except Exception as error:  # an unreachable inbox must not stop the others
        log.warning("intake.poll_failed", inbox_id=inbox_id, error=str(error))
        return []
    finally:
        await run_in_transaction(
            database, lambda s: InboxRepository(s).release(inbox_id, datetime.now(UTC))
        )


async def poll_inbox(
    database: Database, settings: Settings, inbox: Inbox, queue: TaskQueue | None
) -> list[Arrival]:
    """Take every new file of one inbox, oldest name first (the caller holds its lease)."""
    fs, root = await asyncio.to_thread(url_to_fs, inbox.url)
    root = root.rstrip("/") or "/"
    names = await asyncio.to_thread(_waiting_files, fs, root, inbox.pattern)
    arrivals = []
    for name in names:
        arrival = await _take(database, settings, inbox, queue, fs, root, name)
        log.info("intake.file_taken", inbox_id=inbox.id, file=name, status=arrival.status)
        arrivals.append(arrival)
    return arrivals


async def run_intake(
    database: Database, settings: Settings, queue: TaskQueue | None, tick_seconds: float
) -> None:
    """Poll due inboxes every ``tick_seconds`` until cancelled (server, worker)."""
    while True:
        try:
            await poll_due_inboxes(database, settings, queue)
        except Exception as error:  # the database away for a moment: try again next tick
            log.warning("intake.tick_failed", error=str(error))
        await asyncio.sleep(tick_seconds)


def start_intake(
    database: Database, settings: Settings, queue: TaskQueue | None
) -> asyncio.Task[None] | None:
    """Run ``run_intake`` in the background of a server or worker (None: TALLY_INTAKE_TICK_SECONDS
    is 0). The caller cancels the task on shutdown."""
    tick = settings.intake_tick_seconds
    if not tick:
        return None
    return asyncio.create_task(run_intake(database, settings, queue, tick), name="tally-intake")


def _due(inbox: Inbox, now: datetime) -> bool:
    last = inbox.last_polled_at
    if last is None:
        return True
    if last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=UTC)
    return now - last >= timedelta(seconds=inbox.poll_seconds)


def _waiting_files(fs: AbstractFileSystem, root: str, pattern: str) -> list[str]:
    fs.invalidate_cache(root)  # object stores' listings are cached per instance (s3fs)
    try:
        entries = fs.ls(root, detail=True)
    except FileNotFoundError:  # an object-store prefix exists once its first file does
        return []
    names = []
    for entry in entries:
        name = posixpath.basename(str(entry["name"]).rstrip("/"))
        if entry.get("type") != "file" or name.startswith("."):
            continue
        if fnmatch.fnmatch(name, pattern) and not any(fnmatch.fnmatch(name, p) for p in _IN_FLIGHT):
            names.append(name)
    return sorted(names)


async def _take(
    database: Database,
    settings: Settings,
    inbox: Inbox,
    queue: TaskQueue | None,
    fs: AbstractFileSystem,
    root: str,
    name: str,
) -> Arrival:
    upload, sha256 = await asyncio.to_thread(_spool, fs, settings, f"{root}/{name}", name)
    try:
        before = await run_in_transaction(
            database, lambda s: InboxRepository(s).taken(inbox.id, name, upload.size, sha256)
        )
        if before is not None and before.status == PROCESSED:
            reason = (
                f"already taken at {before.taken_at:%Y-%m-%d %H:%M:%S} (inbox file {before.id})"
            )
            await asyncio.to_thread(_move, fs, root, name, PROCESSED, None)
            return Arrival(inbox.id, name, "duplicate", reason=reason)
        try:
            append = await run_in_transaction(
                database, lambda s: _create_append(s, settings, inbox, upload)
            )
        except SourceBusy as busy:  # another append is loading: the file waits for the next poll
            return Arrival(inbox.id, name, WAITING, reason=busy.detail)
        except TallyError as error:
            detail = {"error": type(error).__name__, "detail": error.detail, **error.fields}
            return await _failed(database, inbox, fs, root, name, upload.size, sha256, detail)
    finally:
        upload.discard()
    await run_append(database, settings, append.id)
    final = await run_in_transaction(database, lambda s: s.get(DataSourceAppend, append.id))
    assert final is not None
    if final.status != DataSourceStatus.READY:
        problem = final.error or {"detail": f"append {final.status}"}
        return await _failed(
            database, inbox, fs, root, name, upload.size, sha256, problem, final.id
        )

    async def record(session: AsyncSession) -> int | None:
        await _record(session, inbox.id, name, upload.size, sha256, PROCESSED, None, final.id)
        job = None
        if final.rows_added:
            access = await owner_access(session, inbox.project_id)
            job = await InboxService(session).reconcile_after_arrival(access, inbox)
            if job is not None and queue is not None:
                await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)
        taken = await InboxRepository(session).taken(inbox.id, name, upload.size, sha256)
        assert taken is not None
        taken.job_id = job.id if job is not None else None
        return taken.job_id

    job_id = await run_in_transaction(database, record)
    await asyncio.to_thread(_move, fs, root, name, PROCESSED, None)
    if job_id is not None and queue is None:
        await run_reconciliation(database, job_id)
        await index_results(database, job_id)  # as the job's task does after completion
    return Arrival(inbox.id, name, PROCESSED, final.id, final.rows_added, job_id)


async def _create_append(
    session: AsyncSession, settings: Settings, inbox: Inbox, upload: SpooledUpload
) -> DataSourceAppend:
    access = await owner_access(session, inbox.project_id)
    return await DataSourceService(session, settings).create_append(
        access,
        inbox.data_source_id,
        upload,
        options=UploadOptions(),
        profile_id=inbox.profile_id,
    )


async def _failed(
    database: Database,
    inbox: Inbox,
    fs: AbstractFileSystem,
    root: str,
    name: str,
    size: int,
    sha256: str,
    error: dict[str, Any],
    append_id: int | None = None,
) -> Arrival:
    await run_in_transaction(
        database, lambda s: _record(s, inbox.id, name, size, sha256, FAILED, error, append_id)
    )
    await asyncio.to_thread(_move, fs, root, name, FAILED, error)
    return Arrival(inbox.id, name, FAILED, append_id, reason=str(error.get("detail", error)))


async def _record(
    session: AsyncSession,
    inbox_id: int,
    name: str,
    size: int,
    sha256: str,
    status: str,
    error: dict[str, Any] | None,
    append_id: int | None,
) -> None:
    """The file's outcome; a file that failed before and is dropped again updates its row."""
    repository = InboxRepository(session)
    taken = await repository.taken(inbox_id, name, size, sha256)
    if taken is None:
        taken = InboxFile(
            inbox_id=inbox_id, name=name, size_bytes=size, content_sha256=sha256, status=status
        )
        await repository.add_file(taken)
    taken.status = status
    taken.error = error
    taken.append_id = append_id
    taken.taken_at = datetime.now(UTC)
    await session.flush()


def _spool(
    fs: AbstractFileSystem, settings: Settings, path: str, name: str
) -> tuple[SpooledUpload, str]:
    """Copy the file into the upload spool (ingestion consumes its own copy), hashing it."""
    target = spool_dir(settings) / f"intake-{uuid.uuid4().hex}"
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with fs.open(path, "rb") as source, target.open("wb") as copy:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            copy.write(chunk)
            size += len(chunk)
    return SpooledUpload(path=target, filename=name, size=size), digest.hexdigest()


def _move(
    fs: AbstractFileSystem, root: str, name: str, folder: str, error: dict[str, Any] | None
) -> None:
    """Move ``name`` into ``folder`` (a name taken there gets a time stamp), the reason beside a
    failed file."""
    fs.makedirs(f"{root}/{folder}", exist_ok=True)
    target = f"{root}/{folder}/{name}"
    if fs.exists(target):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = f"{root}/{folder}/{stamp}-{name}"
    if error is not None:
        reason = json.dumps(error, indent=2, default=str).encode()
        fs.pipe_file(f"{target}.reason.json", reason)
    fs.mv(f"{root}/{name}", target)
