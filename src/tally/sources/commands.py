"""The work behind `tally ingest` and `tally source ...`: load a file into a new data source (or
append it to one) with live progress; list, show and delete sources."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import open_writing_database, run_command
from tally.config import Settings, get_settings
from tally.kit.cli import EXIT_BAD_INPUT
from tally.kit.db import run_in_transaction
from tally.kit.uploads import SpooledUpload
from tally.models import DataSource, DataSourceAppend, DataSourceStatus
from tally.projects.auth import owner_access
from tally.sources.ingestion import purge_source, run_append, run_ingestion
from tally.sources.progress import progress_board
from tally.sources.reading import UploadOptions
from tally.sources.schemas import DataSourceAppendRead
from tally.sources.service import DataSourceService, InvalidFile
from tally.sources.storage import append_path, spool_dir, upload_path

console = Console(stderr=True)
T = TypeVar("T")


def run_ingest(
    file: Path,
    project: int,
    name: str | None,
    mapping: str | None,
    options: str | None,
    profile: str | None,
    append_to: int | None,
    include_duplicates: bool,
    dry_run: bool,
) -> None:
    """`tally ingest`: load FILE into a new data source, or append it to one, with progress."""
    upload_options = UploadOptions.model_validate(
        {**json.loads(options or "{}"), **({"mapping": json.loads(mapping)} if mapping else {})}
    )
    settings = get_settings()
    try:
        if append_to is not None:
            request = AppendRequest(append_to, profile, include_duplicates, dry_run)
            asyncio.run(_append(settings, file, project, upload_options, request))
            return
        status, source = asyncio.run(
            _ingest(settings, file, project, name, upload_options, profile)
        )
    except InvalidFile as error:
        _print_problems(error.detail, error.fields)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if status != DataSourceStatus.READY:
        _print_problems("The file was not loaded", source.error or {})
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(
        f"Data source {source.id} ready: {source.row_count} records"
        + (f", {source.skipped_count} skipped" if source.skipped_count else "")
    )


MAX_PRINTED_PROBLEMS = 5


def _print_problems(message: str, detail: dict[str, Any]) -> None:
    """A refused or failed file in a few lines: why, the first problems by row and column, and
    what to do, instead of the whole preview."""
    console.print(f"[red]{message}[/red]")
    problem = detail.get("problem")
    if isinstance(problem, dict) and problem.get("reason"):
        console.print(f"  {_where(problem)}{problem['reason']}")
    if detail.get("message") and detail.get("message") != message:
        console.print(f"  {detail['message']}")
    errors = list(detail.get("errors") or [])
    for error in errors[:MAX_PRINTED_PROBLEMS]:
        value = error.get("value")
        shown = f" (value {value!r})" if value not in (None, "") else ""
        console.print(f"  {_where(error)}{error.get('reason')}{shown}")
    if len(errors) > MAX_PRINTED_PROBLEMS:
        more = detail.get("error_count") or len(errors)
        console.print(f"  ... and {more - MAX_PRINTED_PROBLEMS} more")
    if errors:
        console.print(
            "Correct the mapping or options (--mapping, --options '{\"date_format\": ...}'), "
            'or load the good rows with --options \'{"on_error": "skip"}\'; the web upload '
            "page previews the file with every problem marked."
        )


def _where(error: dict[str, Any]) -> str:
    parts = []
    if error.get("row") is not None:
        parts.append("header" if error["row"] == 0 else f"row {error['row']}")
    if error.get("column"):
        parts.append(f"column {error['column']!r}")
    return ", ".join(parts) + ": " if parts else ""


async def list_sources(project_id: int) -> list[dict[str, Any]]:
    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        access = await owner_access(session, project_id)
        sources = await DataSourceService(session, get_settings()).list_sources(access)
        return [source.model_dump(mode="json") for source in sources]

    return await run_command(get_settings(), work)


async def show_source(project_id: int, source_id: int) -> dict[str, Any]:
    async def work(session: AsyncSession) -> dict[str, Any]:
        access = await owner_access(session, project_id)
        service = DataSourceService(session, get_settings())
        source = (await service.read(access, source_id)).model_dump(mode="json")
        appends = await service.list_appends(access, source_id)
        source["appends"] = [
            DataSourceAppendRead.model_validate(a).model_dump(mode="json") for a in appends
        ]
        return source

    return await run_command(get_settings(), work)


async def delete_source(project_id: int, source_id: int) -> None:
    """Delete a source; on SQLite its records then go in steps, here (see delete_source)."""
    settings = get_settings()

    async def work(session: AsyncSession) -> bool:
        access = await owner_access(session, project_id)
        return await DataSourceService(session, settings).delete_source(access, source_id)

    database = await open_writing_database(settings)
    try:
        if await run_in_transaction(database, work):
            await purge_source(database, settings, source_id)
    finally:
        await database.dispose()


async def _ingest(
    settings: Settings,
    file: Path,
    project_id: int,
    name: str | None,
    options: UploadOptions,
    profile_id: str | None,
) -> tuple[DataSourceStatus | None, DataSource]:
    database = await open_writing_database(settings)
    try:
        source = await run_in_transaction(
            database,
            lambda s: create_source_from_file(
                s, settings, project_id, file, name=name, options=options, profile_id=profile_id
            ),
        )
        status = await _run_with_progress(
            settings,
            source,
            upload_path(settings, source.id),
            run_ingestion(database, settings, source.id),
        )
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
    profile_id: str | None = None,
) -> DataSource:
    """Accept a local file as an upload to a project, acting as its owner (command line, demo).

    The file is hard-linked (or copied) into the spool, because ingestion consumes its own copy.
    """
    upload = await asyncio.to_thread(_spool, settings, file)
    access = await owner_access(session, project_id)
    try:
        return await DataSourceService(session, settings).create_source(
            access, upload, name=name, options=options, profile_id=profile_id
        )
    finally:
        upload.discard()


@dataclass(frozen=True)
class AppendRequest:
    source_id: int
    profile_id: str | None
    include_duplicates: bool
    dry_run: bool


async def _append(
    settings: Settings, file: Path, project_id: int, options: UploadOptions, request: AppendRequest
) -> None:
    database = await open_writing_database(settings)
    try:
        if request.dry_run:
            counts = await run_in_transaction(
                database,
                lambda s: _count_new_rows(s, settings, project_id, file, options, request),
            )
            console.print(
                f"{counts['new']:,} new, {counts['already_imported']:,} already imported "
                f"(whole file, {counts['rows_checked']:,} rows); nothing was changed."
            )
            return
        append = await run_in_transaction(
            database, lambda s: _create_append(s, settings, project_id, file, options, request)
        )
        source = await run_in_transaction(
            database, lambda s: s.get(DataSource, append.data_source_id)
        )
        assert source is not None
        task = run_append(database, settings, append.id)
        await _run_with_progress(settings, source, append_path(settings, append.id), task)
        final = await run_in_transaction(database, lambda s: s.get(DataSourceAppend, append.id))
    finally:
        await database.dispose()
    assert final is not None
    if final.status != DataSourceStatus.READY:
        _print_problems("Failed, nothing was appended", final.error or {})
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(
        f"Appended to data source {final.data_source_id}: {final.rows_added:,} new rows, "
        f"{final.rows_already_imported:,} already imported"
        + (" (imported anyway)" if final.include_duplicates else "")
    )


async def _create_append(
    session: AsyncSession,
    settings: Settings,
    project_id: int,
    file: Path,
    options: UploadOptions,
    request: AppendRequest,
) -> DataSourceAppend:
    upload = await asyncio.to_thread(_spool, settings, file)
    access = await owner_access(session, project_id)
    try:
        return await DataSourceService(session, settings).create_append(
            access,
            request.source_id,
            upload,
            options=options,
            include_duplicates=request.include_duplicates,
            profile_id=request.profile_id,
        )
    finally:
        upload.discard()


async def _count_new_rows(
    session: AsyncSession,
    settings: Settings,
    project_id: int,
    file: Path,
    options: UploadOptions,
    request: AppendRequest,
) -> dict[str, int]:
    access = await owner_access(session, project_id)
    return await DataSourceService(session, settings).count_new_rows(
        access, request.source_id, file, options=options, profile_id=request.profile_id
    )


def _spool(settings: Settings, file: Path) -> SpooledUpload:
    target = spool_dir(settings) / f"cli-{uuid.uuid4().hex}"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(file, target)
    except OSError:
        shutil.copyfile(file, target)
    return SpooledUpload(path=target, filename=file.name, size=file.stat().st_size)


async def _run_with_progress(
    settings: Settings, source: DataSource, path: Path, load: Coroutine[Any, Any, T]
) -> T:
    # Total rows are unknown until the end: estimate them from the file size and the head's lines.
    estimate = _estimated_rows(path)
    task = asyncio.create_task(load)
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


def _estimated_rows(path: Path) -> int | None:
    try:
        size_bytes = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(1 << 20)
    except OSError:
        return None
    lines = head.count(b"\n")
    if lines < 2 or head[:2] == b"\x1f\x8b":  # too little to judge, or compressed
        return None
    return max(1, int(size_bytes / (len(head) / lines)))
