"""`tally ingest`: load a file into a new data source from the command line, with live progress."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings, get_settings
from tally.kit.cli import reports_errors
from tally.kit.db import Database, run_in_transaction
from tally.kit.migrate import open_database
from tally.kit.uploads import SpooledUpload
from tally.models import DataSource, DataSourceStatus
from tally.projects.auth import owner_access
from tally.sources.ingestion import run_ingestion
from tally.sources.progress import progress_board
from tally.sources.reading import UploadOptions
from tally.sources.service import DataSourceService
from tally.sources.storage import spool_dir, upload_path

console = Console(stderr=True)


@reports_errors
def ingest(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    project: int = typer.Option(..., "--project", help="Project id."),
    name: str = typer.Option(None, help="Data source name (default: the file name)."),
    mapping: str = typer.Option(None, help='JSON mapping, e.g. \'{"amount": "Betrag"}\'.'),
    options: str = typer.Option(None, help="JSON upload options (date_format, on_error, ...)."),
) -> None:
    """Load FILE into a new data source of a project (as the project's owner)."""
    upload_options = UploadOptions.model_validate(
        {**json.loads(options or "{}"), **({"mapping": json.loads(mapping)} if mapping else {})}
    )
    status, source = asyncio.run(_ingest(get_settings(), file, project, name, upload_options))
    if status != DataSourceStatus.READY:
        console.print(f"[red]Failed:[/red] {json.dumps(source.error, indent=2)}")
        raise typer.Exit(1)
    console.print(
        f"Data source {source.id} ready: {source.row_count} records"
        + (f", {source.skipped_count} skipped" if source.skipped_count else "")
    )


async def _ingest(
    settings: Settings, file: Path, project_id: int, name: str | None, options: UploadOptions
) -> tuple[DataSourceStatus | None, DataSource]:
    database = await open_database(settings)
    try:
        source = await run_in_transaction(
            database,
            lambda s: create_source_from_file(
                s, settings, project_id, file, name=name, options=options
            ),
        )
        status = await _run_with_progress(database, settings, source, source.size_bytes)
        final = await run_in_transaction(database, lambda s: s.get(DataSource, source.id))
        assert final is not None
        return status, final
    finally:
        await database.dispose()


async def create_source_from_file(
    session: AsyncSession,
    settings: Settings,
    project_id: int,
    file: Path,
    *,
    name: str | None,
    options: UploadOptions,
) -> DataSource:
    """Accept a local file as an upload to a project, acting as its owner (command line, demo).

    The file is hard-linked (or copied) into the spool, because ingestion consumes its own copy.
    """
    upload = await asyncio.to_thread(_spool, settings, file)
    access = await owner_access(session, project_id)
    try:
        return await DataSourceService(session, settings).create_source(
            access, upload, name=name, options=options
        )
    finally:
        upload.discard()


def _spool(settings: Settings, file: Path) -> SpooledUpload:
    target = spool_dir(settings) / f"cli-{uuid.uuid4().hex}"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(file, target)
    except OSError:
        shutil.copyfile(file, target)
    return SpooledUpload(path=target, filename=file.name, size=file.stat().st_size)


async def _run_with_progress(
    database: Database, settings: Settings, source: DataSource, size_bytes: int
) -> DataSourceStatus | None:
    # Total rows are unknown until the end: estimate them from the file size and the head's lines.
    estimate = _estimated_rows(upload_path(settings, source.id), size_bytes)
    task = asyncio.create_task(run_ingestion(database, settings, source.id))
    started = time.monotonic()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} rows"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task(f"Ingesting {source.file_name}", total=estimate, rate="")
        while not task.done():
            await asyncio.sleep(0.2)
            rows = progress_board.rows_done(source.id) or 0
            elapsed = time.monotonic() - started
            rate = f"{rows / elapsed:,.0f} rows/s" if elapsed > 0 and rows else ""
            if estimate is not None and rows > estimate:
                estimate = None  # the guess was low: show an open bar rather than a wrong ETA
                progress.update(bar, total=None)
            progress.update(bar, completed=rows, rate=rate)
        status = await task
        progress.update(bar, total=progress.tasks[0].completed or 1)
    return status


def _estimated_rows(path: Path, size_bytes: int) -> int | None:
    try:
        with path.open("rb") as stream:
            head = stream.read(1 << 20)
    except OSError:
        return None
    lines = head.count(b"\n")
    if lines < 2 or head[:2] == b"\x1f\x8b":  # too little to judge, or compressed
        return None
    return max(1, int(size_bytes / (len(head) / lines)))
