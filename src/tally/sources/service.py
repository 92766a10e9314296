"""The rules about data sources: what may be uploaded, in what state a source is, who may see it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_data_sources, invalidate_jobs
from tally.config import Settings, get_settings
from tally.ingest.duplicates import ImportedIdentities, record_keys
from tally.ingest.errors import IngestError
from tally.ingest.formats import FormatError
from tally.ingest.mapping import exact_mapping
from tally.jobs.repository import JobRepository, JobUse
from tally.kit.errors import Conflict, NotFound, TallyError
from tally.kit.pagination import NO_SINCE, Cursor, Since, read_all
from tally.kit.uploads import SpooledUpload
from tally.models import FINISHED_JOB_STATUSES, DataSource, DataSourceAppend, DataSourceStatus
from tally.models.base import utcnow
from tally.profiles.service import ImportProfileService, with_profile
from tally.projects.auth import ProjectAccess
from tally.results.repository import ResultRepository
from tally.sources.ingestion import BATCH_ROWS, DELETE_STEP_ROWS, load_identities
from tally.sources.limits import SourceLimits, check_upload
from tally.sources.progress import progress_board
from tally.sources.reading import (
    HEAD_BYTES,
    FileBatch,
    Preview,
    UploadOptions,
    describe_error,
    preview_file,
    read_file,
    read_head,
)
from tally.sources.repository import DataSourceRepository
from tally.sources.schemas import DataSourceRead
from tally.sources.storage import append_path, append_skipped_path, skipped_path, upload_path

INGEST_TASK = "ingest"
PURGE_TASK = "sources.purge"
APPEND_TASK = "append"


class DataSourceNotFound(NotFound):
    """No such data source in this project."""


class InvalidFile(TallyError):
    """The file cannot be read, or its first rows fail to parse with the mapping given."""

    status_code = 422


class SourceBusy(Conflict):
    """The data source is being ingested or appended to (or, for an append, is not ready)."""


class SourceInUse(Conflict):
    """Jobs that hold review decisions (not archived yet) or are still running use the source."""


class AppendNotFound(NotFound):
    """No such append on this data source."""


class PreflightChoices(TypedDict):
    """How to read a file to preflight, as the API and the web pages parse it from their forms."""

    complete: bool
    options: UploadOptions
    profile_id: str | None


class NoSkippedRows(NotFound):
    """This data source has no skipped rows to download."""


class DataSourceService:
    def __init__(self, session: AsyncSession, settings: Settings | None = None) -> None:
        self.session = session
        self.settings = settings
        self.limits = SourceLimits.of(settings or get_settings())
        self.repository = DataSourceRepository(session)

    async def page_sources(
        self, access: ProjectAccess, cursor: Cursor, since: Since = NO_SINCE
    ) -> tuple[list[DataSourceRead], bool]:
        """A page of the project's sources in id order, and whether more follow."""
        rows, has_more = await self.repository.page_for_project(access.project_id, cursor, since)
        return [read_source(source, live) for source, live in rows], has_more

    async def list_sources(self, access: ProjectAccess) -> list[DataSourceRead]:
        """Every source of the project, in id order."""
        return await read_all(lambda cursor: self.page_sources(access, cursor), _id)

    async def read(self, access: ProjectAccess, source_id: int) -> DataSourceRead:
        source = await self.get_source(access, source_id)
        live = None
        if source.status in (DataSourceStatus.INGESTING, DataSourceStatus.APPENDING):
            live = await self.repository.live_rows(source.id)
        return read_source(source, live)

    async def get_source(self, access: ProjectAccess, source_id: int) -> DataSource:
        source = await self.repository.get_in_project(access.project_id, source_id)
        if source is None:
            raise DataSourceNotFound(f"Data source {source_id} not found in this project")
        return source

    async def preflight(
        self,
        access: ProjectAccess,
        head: bytes,
        *,
        complete: bool,
        options: UploadOptions,
        profile_id: str | None = None,
    ) -> dict[str, Any]:
        """Detect the format and check the first 100 rows of ``head``; nothing is stored.

        With ``profile_id`` the file is read with that import profile's options (the ones given
        explicitly win). The answer lists the profiles that fit the file's header (``profiles``).
        """
        options = await self._with_profile(access, options, profile_id)
        preview = await _preview(
            head, complete=complete, options=options, path=None, limits=self.limits
        )
        return await self._described(access, preview)

    async def preflight_append(
        self,
        access: ProjectAccess,
        source_id: int,
        head: bytes,
        *,
        complete: bool,
        options: UploadOptions,
        profile_id: str | None = None,
    ) -> dict[str, Any]:
        """Preflight of a file to append to a source, with how many of its rows are new.

        ``duplicates`` counts the rows of ``head``: the whole file when ``complete``, else the
        rows before the cut (``whole_file`` false). Nothing is stored.
        """
        source = await self.get_source(access, source_id)
        options = await self._with_profile(access, options, profile_id)
        options = await self._with_source_mapping(source, head, complete, options)
        preview = await _preview(
            head, complete=complete, options=options, path=None, limits=self.limits
        )
        held = await self._visible_identities(source)
        batches = read_head(head, preview.plan, complete=complete)
        counts = await asyncio.to_thread(_count_new_rows, batches, held)
        described = await self._described(access, preview)
        described["duplicates"] = {**counts, "whole_file": complete}
        return described

    async def create_source(
        self,
        access: ProjectAccess,
        upload: SpooledUpload,
        *,
        name: str | None,
        options: UploadOptions,
        profile_id: str | None = None,
    ) -> DataSource:
        """Accept an upload after its first 100 rows parse; ingestion then runs in the background.

        The caller enqueues INGEST_TASK in the same transaction. Raises InvalidFile (and leaves
        nothing behind) when the file cannot be read or its first rows do not parse. With
        ``profile_id`` the file is read with that import profile's options.
        """
        assert self.settings is not None
        options = await self._with_profile(access, options, profile_id)
        preview = await _accepted_preview(upload, options, self.limits)
        source = await self.repository.add(
            DataSource(
                project_id=access.project_id,
                name=name or upload.filename[:200] or "Untitled source",
                file_name=upload.filename,
                format=preview.format,
                column_mapping=(preview.plan.options or {}).get("mapping"),
                parse_options=_parse_options(preview, options),
                size_bytes=upload.size,
                status=DataSourceStatus.INGESTING,
                created_by_id=access.principal.user_id,
            )
        )
        _move_into_place(upload, upload_path(self.settings, source.id))
        invalidate_data_sources(self.session, access.project_id)
        return source

    async def count_new_rows(
        self,
        access: ProjectAccess,
        source_id: int,
        path: Path,
        *,
        options: UploadOptions,
        profile_id: str | None = None,
    ) -> dict[str, int]:
        """A dry run of appending the file at ``path``: its new and already imported rows, read
        whole and streamed (memory bounded by the source's identities). Nothing is stored."""
        source = await self.get_source(access, source_id)
        options = await self._with_profile(access, options, profile_id)
        head = await asyncio.to_thread(_read_head, path)
        complete = len(head) < HEAD_BYTES
        options = await self._with_source_mapping(source, head, complete, options)
        preview = await _preview(
            head, complete=complete, options=options, path=path, limits=self.limits
        )
        held = await self._visible_identities(source)
        batches = read_file(path, preview.plan, batch_rows=BATCH_ROWS)
        return await asyncio.to_thread(_count_new_rows, batches, held)

    async def create_append(
        self,
        access: ProjectAccess,
        source_id: int,
        upload: SpooledUpload,
        *,
        options: UploadOptions,
        include_duplicates: bool = False,
        profile_id: str | None = None,
    ) -> DataSourceAppend:
        """Accept a file to append to a ready source; it loads in the background (APPEND_TASK,
        enqueued by the caller in the same transaction) and adds only the rows the source does not
        hold yet, or every row with ``include_duplicates``.

        A tabular file without a mapping is read with the source's own mapping when the file has
        its columns. The source is `appending` until the load ends, and `ready` again after it,
        whatever happened. Raises SourceBusy unless the source is ready.
        """
        assert self.settings is not None
        source = await self.get_source(access, source_id)
        options = await self._with_profile(access, options, profile_id)
        head = await asyncio.to_thread(_read_head, upload.path)
        options = await self._with_source_mapping(source, head, upload.size <= len(head), options)
        preview = await _accepted_preview(upload, options, self.limits)
        if not await self.repository.start_append(source.id):
            raise SourceBusy(f"Data source {source_id} is {source.status}; append once it is ready")
        append = await self.repository.add_append(
            DataSourceAppend(
                data_source_id=source.id,
                file_name=upload.filename or "",
                format=preview.format,
                size_bytes=upload.size,
                parse_options=_parse_options(preview, options),
                include_duplicates=include_duplicates,
                status=DataSourceStatus.INGESTING,
                created_by_id=access.principal.user_id,
            )
        )
        _move_into_place(upload, append_path(self.settings, append.id))
        invalidate_data_sources(self.session, access.project_id)
        return append

    async def page_appends(
        self, access: ProjectAccess, source_id: int, cursor: Cursor
    ) -> tuple[list[DataSourceAppend], bool]:
        """A page of the files appended to a source, oldest first, with what each added."""
        source = await self.get_source(access, source_id)
        return await self.repository.page_appends(source.id, cursor)

    async def list_appends(self, access: ProjectAccess, source_id: int) -> list[DataSourceAppend]:
        """Every file appended to a source, oldest first."""
        return await read_all(lambda cursor: self.page_appends(access, source_id, cursor), _id)

    async def get_append(
        self, access: ProjectAccess, source_id: int, append_id: int
    ) -> DataSourceAppend:
        source = await self.get_source(access, source_id)
        append = await self.repository.get_append(append_id)
        if append is None or append.data_source_id != source.id:
            raise AppendNotFound(f"Append {append_id} not found on data source {source_id}")
        return append

    async def append_skipped_rows_file(
        self, access: ProjectAccess, source_id: int, append_id: int
    ) -> Path:
        assert self.settings is not None
        append = await self.get_append(access, source_id, append_id)
        path = append_skipped_path(self.settings, append.id)
        if not append.skipped_count or not path.exists():
            raise NoSkippedRows(f"Append {append_id} has no skipped rows")
        return path

    async def delete_source(self, access: ProjectAccess, source_id: int) -> bool:
        """Delete a source from the project, never a decision with it; True when its records are
        left for PURGE_TASK, which the caller enqueues in the same transaction.

        On SQLite a delete of millions of records in one statement held the write lock for its
        whole run (every tenant's writers waited): there the source is hidden here and its records
        go in short steps afterwards (tally.sources.ingestion.purge_source). PostgreSQL deletes
        them here, in the request's transaction (MVCC: no other writer waits), and so does SQLite
        for a source no bigger than one step.

        Refused (SourceInUse, naming the jobs) while a job that reconciled it holds review
        decisions and is not archived, or is queued or running. Jobs without decisions go with
        the source (and their results). Archived jobs stay whole: the source then leaves every
        list and choice, but its row and records are kept for them; with none, it goes entirely.
        """
        source = await self.get_source(access, source_id)
        if source.status in (DataSourceStatus.INGESTING, DataSourceStatus.APPENDING):
            raise SourceBusy(f"Data source {source_id} is still being ingested")
        jobs = JobRepository(self.session)
        uses = await jobs.uses_of_source(source.id)
        _refuse_unsafe_delete(source_id, uses)
        doomed = [use.id for use in uses if not use.archived]
        results = ResultRepository(self.session)
        for job_id in doomed:
            await results.delete_results(job_id)
        await jobs.delete_jobs(access.project_id, doomed)
        purge_later = False
        if any(use.archived for use in uses):
            await self.repository.retire(source, utcnow())
        elif (
            self.session.get_bind().dialect.name == "sqlite" and source.row_count > DELETE_STEP_ROWS
        ):
            await self.repository.hide_for_deletion(source, utcnow())
            purge_later = True
        else:
            await self.repository.delete(source)
            if self.settings is not None:
                skipped_path(self.settings, source_id).unlink(missing_ok=True)
        invalidate_data_sources(self.session, access.project_id)
        if doomed:
            invalidate_jobs(self.session, access.project_id)
        return purge_later

    async def skipped_rows_file(self, access: ProjectAccess, source_id: int) -> Path:
        assert self.settings is not None
        source = await self.get_source(access, source_id)
        path = skipped_path(self.settings, source.id)
        if not source.skipped_count or not path.exists():
            raise NoSkippedRows(f"Data source {source_id} has no skipped rows")
        return path

    async def _visible_identities(self, source: DataSource) -> ImportedIdentities:
        """The identities a file to append is compared with. Raises SourceBusy while the source
        is loading: its committed rows are hidden until it is ready (tally.sources.ingestion),
        and a count against them would show them. An append in progress writes under its own
        staging id, so an appending source's identities are exactly its visible rows."""
        if source.status not in (DataSourceStatus.READY, DataSourceStatus.APPENDING):
            raise SourceBusy(f"Data source {source.id} is {source.status}; append once it is ready")
        return await load_identities(self.repository, source.id)

    async def _with_profile(
        self, access: ProjectAccess, options: UploadOptions, profile_id: str | None
    ) -> UploadOptions:
        if not profile_id:
            return options
        profile = await ImportProfileService(self.session).get_profile(access, profile_id)
        merged = with_profile(profile.options, options)
        if merged.mapping and "mapping" not in options.model_fields_set:
            # A profile's mapping says which fields the file has: detection adds none.
            merged = merged.model_copy(update={"mapping": exact_mapping(merged.mapping)})
        return merged

    async def _with_source_mapping(
        self, source: DataSource, head: bytes, complete: bool, options: UploadOptions
    ) -> UploadOptions:
        """Appending without a mapping reads the file with the source's own mapping, when the file
        is a table with every column that mapping names."""
        if options.mapping is not None or not source.column_mapping:
            return options
        try:
            first = await _preview(
                head, complete=complete, options=options, path=None, limits=self.limits
            )
        except InvalidFile:
            return options  # the real preview reports it
        columns = first.tabular.columns if first.tabular is not None else []
        if not set(source.column_mapping.values()) <= set(columns):
            return options
        return options.model_copy(update={"mapping": exact_mapping(source.column_mapping)})

    async def _described(self, access: ProjectAccess, preview: Preview) -> dict[str, Any]:
        described = preview.to_dict()
        header = preview.tabular.columns if preview.tabular is not None else []
        suggestions = await ImportProfileService(self.session).suggest(access, header)
        described["profiles"] = [suggestion.model_dump() for suggestion in suggestions]
        return described


def _refuse_unsafe_delete(source_id: int, uses: list[JobUse]) -> None:
    decided = [use.id for use in uses if use.has_decisions and not use.archived]
    if decided:
        raise SourceInUse(
            f"Data source {source_id} is used by jobs with review decisions: "
            f"{', '.join(map(str, decided))}; archive them first",
            jobs=decided,
        )
    unfinished = [use.id for use in uses if use.status not in FINISHED_JOB_STATUSES]
    if unfinished:
        raise SourceInUse(
            f"Data source {source_id} is used by jobs still queued or running: "
            f"{', '.join(map(str, unfinished))}; cancel them or let them finish first",
            jobs=unfinished,
        )


def read_source(source: DataSource, live_rows: int | None = None) -> DataSourceRead:
    """The API view of a source. While it ingests, ``rows_done`` is the furthest progress known:
    published in the database, or on this process's board (a load this process runs)."""
    view = DataSourceRead.model_validate(source)
    if source.status in (DataSourceStatus.INGESTING, DataSourceStatus.APPENDING):
        known = [view.rows_done, live_rows or 0, progress_board.rows_done(source.id) or 0]
        view.rows_done = max(known)
    return view


def _read_head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(HEAD_BYTES)


async def _accepted_preview(
    upload: SpooledUpload, options: UploadOptions, limits: SourceLimits
) -> Preview:
    """The preview of an upload whose first rows parse (or may be skipped); else InvalidFile."""
    head = await asyncio.to_thread(_read_head, upload.path)
    preview = await _preview(
        head, complete=upload.size <= len(head), options=options, path=upload.path, limits=limits
    )
    # A question about the whole file (which format, which column) is not a bad row to skip.
    undecided = any(error.code in ("options", "mapping") for error in preview.errors)
    if preview.errors and (options.on_error == "reject" or undecided):
        raise InvalidFile(
            f"{len(preview.errors)} problems in the first rows; fix the mapping or the file, "
            "or upload with on_error=skip",
            errors=[error.to_dict() for error in preview.errors],
            preview=preview.to_dict(),
        )
    return preview


def _parse_options(preview: Preview, options: UploadOptions) -> dict[str, Any]:
    """What the background load needs to read an accepted file again: its plan and error policy,
    and the date formats the file's first rows fit when the user gave none and several fit (so a
    date the detected format cannot read further down is reported as a detection to correct)."""
    parse_options: dict[str, Any] = {
        "plan": preview.plan.to_dict(),
        "on_error": options.on_error,
        "accept_unbalanced": options.accept_unbalanced,
    }
    choices = preview.tabular.date_format_choices if preview.tabular is not None else []
    if options.date_format is None and len(choices) > 1:
        parse_options["date_format_choices"] = list(choices)
    return parse_options


def _move_into_place(upload: SpooledUpload, target: Path) -> None:
    """Keep an accepted upload where its background load reads it (so discarding leaves it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    upload.path.replace(target)


def _count_new_rows(batches: Iterator[FileBatch], held: ImportedIdentities) -> dict[str, int]:
    new = already = 0
    for batch in batches:
        found = int(held.claim(record_keys(batch.records)).sum())
        already += found
        new += batch.records.num_rows - found
    return {"new": new, "already_imported": already, "rows_checked": new + already}


async def _preview(
    head: bytes, *, complete: bool, options: UploadOptions, path: Path | None, limits: SourceLimits
) -> Preview:
    """Preflight ``head`` (and the file at ``path``), refusing first what would expand beyond
    ``limits`` (tally.sources.limits): a bomb never reaches the parsers."""
    await asyncio.to_thread(check_upload, head, path, limits)
    try:
        preview = await asyncio.to_thread(
            preview_file, head, complete=complete, options=options, path=path
        )
    except (IngestError, FormatError) as error:
        detail: dict[str, Any] = describe_error(error)
        raise InvalidFile(str(error), problem=detail) from None
    if preview.tabular is not None:
        limits.check_columns(len(preview.tabular.columns))
    return preview


def _id(item: DataSourceRead | DataSourceAppend) -> int:
    return item.id
