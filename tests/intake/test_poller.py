"""Statement intake: files dropped into an inbox are each appended once, re-drops are ignored, a
broken file lands in failed/ with its reason and leaves the source as it was, and the source's
pair is reconciled after each arrival. On SQLite and PostgreSQL, through a local folder, fsspec's
memory file system, a local S3-compatible server (moto) and a real OpenSSH server (sftp://)."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec
import fsspec.config
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.intake.poller import poll_due_inboxes
from tally.kit.db import Database
from tally.models import DataSource, Inbox, InboxFile, JobStatus, ReconciliationJob
from tally.sources.commands import create_source_from_file
from tally.sources.ingestion import run_ingestion
from tally.sources.reading import UploadOptions
from tests.helpers.projects import create_project
from tests.helpers.sftp_server import SftpServer
from tests.helpers.users import create_user

HEADER = "Date,Reference,Amount,Description\n"
LEDGER = HEADER + "".join(f"2026-01-{d:02d},INV-{d},{d}0.00,Invoice {d}\n" for d in range(1, 9))
BANK = HEADER + "".join(f"2026-01-{d:02d},INV-{d},{d}0.00,Paid {d}\n" for d in range(1, 3))
DAY_3 = HEADER + "".join(f"2026-01-{d:02d},INV-{d},{d}0.00,Paid {d}\n" for d in range(3, 5))
DAY_5 = HEADER + "".join(f"2026-01-{d:02d},INV-{d},{d}0.00,Paid {d}\n" for d in range(4, 7))
BROKEN = HEADER + "2026-01-07,INV-7,not a number,Paid 7\n"


class Drop:
    """An inbox's folder, on any fsspec file system."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url)

    def put(self, name: str, text: str) -> None:
        self.fs.pipe_file(f"{self.root}/{name}", text.encode())

    def names(self, folder: str = "") -> set[str]:
        path = f"{self.root}/{folder}".rstrip("/")
        self.fs.invalidate_cache()
        if not self.fs.exists(path):
            return set()
        return {
            Path(str(e["name"])).name for e in self.fs.ls(path, detail=True) if e["type"] == "file"
        }

    def read(self, path: str) -> str:
        return bytes(self.fs.cat_file(f"{self.root}/{path}")).decode()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible server (moto's), which s3:// inboxes reach through fsspec's config
    (FSSPEC_S3_ENDPOINT_URL in production, docs/automation.md)."""
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    saved = fsspec.config.conf.get("s3")
    fsspec.config.conf["s3"] = {"endpoint_url": endpoint, "key": "test", "secret": "test"}
    try:
        yield endpoint
    finally:
        if saved is None:
            fsspec.config.conf.pop("s3", None)
        else:
            fsspec.config.conf["s3"] = saved
        server.stop()


@pytest.fixture(scope="session")
def sftp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SftpServer]:
    """OpenSSH's sshd on a loopback port, reached as the current user with a generated key, the
    way a production inbox reaches a bank's SFTP drop with ``FSSPEC_SFTP`` (docs/automation.md)."""
    pytest.importorskip("paramiko")  # fsspec's SFTP file system (the tally[sftp] extra)
    try:
        server = SftpServer(tmp_path_factory.mktemp("sshd"))
        server.start()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"no local SFTP server: {error}")
    saved = fsspec.config.conf.get("sftp")
    fsspec.config.conf["sftp"] = {
        "key_filename": str(server.client_key),
        "look_for_keys": False,
        "allow_agent": False,
    }
    try:
        yield server
    finally:
        if saved is None:
            fsspec.config.conf.pop("sftp", None)
        else:
            fsspec.config.conf["sftp"] = saved
        server.stop()


@pytest.fixture(params=["local", "memory", "s3", "sftp"])
def drop(request: pytest.FixtureRequest, tmp_path: Path) -> Drop:
    if request.param == "sftp":
        server: SftpServer = request.getfixturevalue("sftp_server")
        folder = tmp_path / "sftp-drop"
        folder.mkdir()
        return Drop(server.url(folder))
    if request.param == "local":
        folder = tmp_path / "drop"
        folder.mkdir()
        return Drop(str(folder))
    if request.param == "s3":
        request.getfixturevalue("s3_endpoint")
        bucket = f"drops-{uuid.uuid4().hex[:12]}"
        fsspec.filesystem("s3").mkdir(bucket)
        return Drop(f"s3://{bucket}/statements")
    url = f"memory://inbox-{uuid.uuid4().hex}"
    fsspec.filesystem("memory").makedirs(url.removeprefix("memory://"), exist_ok=True)
    return Drop(url)


async def _source(
    db: Database, session: AsyncSession, settings: Settings, project_id: int, tmp: Path, text: str
) -> int:
    file = tmp / f"{uuid.uuid4().hex}.csv"
    file.write_text(text)
    source = await create_source_from_file(
        session, settings, project_id, file, name=file.stem, options=UploadOptions()
    )
    await session.commit()
    await run_ingestion(db, settings, source.id)
    return source.id


async def _state(session: AsyncSession, source_id: int) -> dict[str, Any]:
    session.expire_all()
    source = await session.get(DataSource, source_id)
    assert source is not None
    jobs = list(await session.scalars(select(ReconciliationJob).order_by(ReconciliationJob.id)))
    files = await session.scalar(select(func.count()).select_from(InboxFile))
    return {"rows": source.row_count, "jobs": [(j.id, j.status) for j in jobs], "files": files}


async def test_each_file_is_taken_once_and_reconciled(
    db: Database, session: AsyncSession, test_settings: Settings, tmp_path: Path, drop: Drop
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank = await _source(db, session, test_settings, project.id, tmp_path, BANK)
    ledger = await _source(db, session, test_settings, project.id, tmp_path, LEDGER)
    session.add(
        Inbox(
            project_id=project.id,
            name="bank drop",
            url=drop.url,
            pattern="*.csv",
            data_source_id=bank,
            counterpart_source_id=ledger,
        )
    )
    await session.commit()

    async def poll() -> list[Any]:
        return await poll_due_inboxes(db, test_settings, None, force=True)

    drop.put("day3.csv", DAY_3)
    drop.put("notes.txt", "not a statement")  # not the inbox's pattern: left where it is
    (arrival,) = await poll()
    assert (arrival.name, arrival.status, arrival.rows_added) == ("day3.csv", "processed", 2)
    state = await _state(session, bank)
    assert state["rows"] == 4
    assert state["jobs"] == [(arrival.job_id, JobStatus.COMPLETED)]  # reconciled after arrival
    job = await session.get(ReconciliationJob, arrival.job_id)
    assert job is not None and (job.left_source_id, job.right_source_id) == (bank, ledger)
    assert job.summary is not None and job.summary["left"]["matched"] == 4
    assert drop.names() == {"notes.txt"}
    assert drop.names("processed") == {"day3.csv"}

    drop.put("day3.csv", DAY_3)  # dropped again: ignored
    (again,) = await poll()
    assert again.status == "duplicate"
    assert await _state(session, bank) == state
    assert len(drop.names("processed")) == 2 and drop.names() == {"notes.txt"}

    drop.put("broken.csv", BROKEN)
    (broken,) = await poll()
    assert broken.status == "failed"
    assert "Amount" in json.dumps(drop.read("failed/broken.csv.reason.json"))
    assert drop.names("failed") == {"broken.csv", "broken.csv.reason.json"}
    after_broken = await _state(session, bank)
    assert (after_broken["rows"], after_broken["jobs"]) == (state["rows"], state["jobs"])

    drop.put("day5.csv", DAY_5)  # overlaps day 3 by one row: only the new rows are added
    (day5,) = await poll()
    assert (day5.status, day5.rows_added) == ("processed", 2)
    final = await _state(session, bank)
    assert final["rows"] == 6
    assert [status for _, status in final["jobs"]] == [JobStatus.COMPLETED] * 2
    assert await poll() == []  # nothing new


async def test_an_inbox_is_polled_on_its_schedule(
    db: Database, session: AsyncSession, test_settings: Settings, tmp_path: Path, drop: Drop
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank = await _source(db, session, test_settings, project.id, tmp_path, BANK)
    session.add(
        Inbox(project_id=project.id, name="d", url=drop.url, data_source_id=bank, poll_seconds=3600)
    )
    await session.commit()
    drop.put("day3.csv", DAY_3)
    (first,) = await poll_due_inboxes(db, test_settings, None)  # never polled: due
    assert (first.status, first.job_id) == ("processed", None)  # no partner source yet: no job
    drop.put("day5.csv", DAY_5)
    assert await poll_due_inboxes(db, test_settings, None) == []  # polled a moment ago
    assert drop.names() == {"day5.csv"}
