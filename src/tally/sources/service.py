"""The rules about data sources: what may be uploaded, in what state a source is, who may see it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_data_sources
from tally.config import Settings
from tally.ingest.errors import IngestError
from tally.ingest.formats import FormatError
from tally.kit.errors import Conflict, NotFound, TallyError
from tally.kit.uploads import SpooledUpload
from tally.models import DataSource, DataSourceStatus
from tally.projects.auth import ProjectAccess
from tally.results.repository import ResultRepository
from tally.sources.progress import progress_board
from tally.sources.reading import HEAD_BYTES, Preview, UploadOptions, describe_error, preview_file
from tally.sources.repository import DataSourceRepository
from tally.sources.schemas import DataSourceRead
from tally.sources.storage import skipped_path, upload_path

INGEST_TASK = "ingest"


class DataSourceNotFound(NotFound):
    """No such data source in this project."""


class InvalidFile(TallyError):
    """The file cannot be read, or its first rows fail to parse with the mapping given."""

    status_code = 422


class SourceBusy(Conflict):
    """The data source is still being ingested."""


class NoSkippedRows(NotFound):
    """This data source has no skipped rows to download."""


class DataSourceService:
    def __init__(self, session: AsyncSession, settings: Settings | None = None) -> None:
        self.session = session
        self.settings = settings
        self.repository = DataSourceRepository(session)

    async def list_sources(self, access: ProjectAccess) -> list[DataSourceRead]:
        sources = await self.repository.list_for_project(access.project_id)
        return [read_source(source, live) for source, live in sources]

    async def read(self, access: ProjectAccess, source_id: int) -> DataSourceRead:
        source = await self.get_source(access, source_id)
        live = None
        if source.status == DataSourceStatus.INGESTING:
            live = await self.repository.live_rows(source.id)
        return read_source(source, live)

    async def get_source(self, access: ProjectAccess, source_id: int) -> DataSource:
        source = await self.repository.get_in_project(access.project_id, source_id)
        if source is None:
            raise DataSourceNotFound(f"Data source {source_id} not found in this project")
        return source

    async def preflight(self, head: bytes, *, complete: bool, options: UploadOptions) -> Preview:
        """Detect the format and check the first 100 rows of ``head``; nothing is stored."""
        return await _preview(head, complete=complete, options=options, path=None)

    async def create_source(
        self,
        access: ProjectAccess,
        upload: SpooledUpload,
        *,
        name: str | None,
        options: UploadOptions,
    ) -> DataSource:
        """Accept an upload after its first 100 rows parse; ingestion then runs in the background.

        The caller enqueues INGEST_TASK in the same transaction. Raises InvalidFile (and leaves
        nothing behind) when the file cannot be read or its first rows do not parse.
        """
        assert self.settings is not None
        head = await asyncio.to_thread(_read_head, upload.path)
        preview = await _preview(
            head, complete=upload.size <= len(head), options=options, path=upload.path
        )
        if preview.errors and options.on_error == "reject":
            raise InvalidFile(
                f"{len(preview.errors)} problems in the first rows; fix the mapping or the file, "
                "or upload with on_error=skip",
                errors=[error.to_dict() for error in preview.errors],
                preview=preview.to_dict(),
            )
        plan = preview.plan
        source = await self.repository.add(
            DataSource(
                project_id=access.project_id,
                name=name or upload.filename or "Untitled source",
                file_name=upload.filename,
                format=preview.format,
                column_mapping=(plan.options or {}).get("mapping"),
                parse_options={
                    "plan": plan.to_dict(),
                    "on_error": options.on_error,
                    "accept_unbalanced": options.accept_unbalanced,
                },
                size_bytes=upload.size,
                status=DataSourceStatus.INGESTING,
                created_by_id=access.principal.user_id,
            )
        )
        target = upload_path(self.settings, source.id)
        target.parent.mkdir(parents=True, exist_ok=True)
        upload.path.replace(target)
        invalidate_data_sources(self.session, access.project_id)
        return source

    async def delete_source(self, access: ProjectAccess, source_id: int) -> None:
        """Remove a source, its records (one range delete) and the jobs that used it."""
        source = await self.get_source(access, source_id)
        if source.status == DataSourceStatus.INGESTING:
            raise SourceBusy(f"Data source {source_id} is still being ingested")
        await ResultRepository(self.session).delete_results_of_source(source.id)
        await self.repository.delete(source)
        if self.settings is not None:
            skipped_path(self.settings, source_id).unlink(missing_ok=True)
        invalidate_data_sources(self.session, access.project_id)

    async def skipped_rows_file(self, access: ProjectAccess, source_id: int) -> Path:
        assert self.settings is not None
        source = await self.get_source(access, source_id)
        path = skipped_path(self.settings, source.id)
        if not source.skipped_count or not path.exists():
            raise NoSkippedRows(f"Data source {source_id} has no skipped rows")
        return path


def read_source(source: DataSource, live_rows: int | None = None) -> DataSourceRead:
    """The API view of a source. While it ingests, ``rows_done`` is the furthest progress known:
    published in the database (PostgreSQL) or on this process's board (the embedded default)."""
    view = DataSourceRead.model_validate(source)
    if source.status == DataSourceStatus.INGESTING:
        known = [view.rows_done, live_rows or 0, progress_board.rows_done(source.id) or 0]
        view.rows_done = max(known)
    return view


def _read_head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(HEAD_BYTES)


async def _preview(
    head: bytes, *, complete: bool, options: UploadOptions, path: Path | None
) -> Preview:
    try:
        return await asyncio.to_thread(
            preview_file, head, complete=complete, options=options, path=path
        )
    except (IngestError, FormatError) as error:
        detail: dict[str, Any] = describe_error(error)
        raise InvalidFile(str(error), problem=detail) from None
