from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import FileResponse, Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import NOT_MODIFIED, keys
from tally.cache.http import cached_unless_polled
from tally.idempotency.guard import IdempotentProjectWrite
from tally.ingest.sniff import looks_whole
from tally.kit.accepted import accepted_response, mark_accepted
from tally.kit.errors import Forbidden, TallyError, error_responses
from tally.kit.openapi import file_response
from tally.kit.pagination import NO_SINCE, CursorPage, CursorQuery, InvalidCursor, SinceQuery
from tally.kit.tasks import TaskQueueDep
from tally.kit.uploads import BadUpload, UploadTooLarge, received_upload
from tally.profiles.service import ImportProfileNotFound
from tally.projects.auth import ProjectEditor, ProjectNotFound, ProjectReader
from tally.sources.reading import HEAD_BYTES, UploadOptions
from tally.sources.schemas import DataSourceAppendRead, DataSourceRead, PreflightRead
from tally.sources.service import (
    APPEND_TASK,
    INGEST_TASK,
    PURGE_TASK,
    AppendNotFound,
    DataSourceNotFound,
    DataSourceService,
    InvalidFile,
    NoSkippedRows,
    PreflightChoices,
    SourceBusy,
    SourceInUse,
    read_source,
)
from tally.sources.storage import spool_dir
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/data-sources", tags=["data sources"])

_SOURCES = TypeAdapter(CursorPage[DataSourceRead])
# Preflight reads only the head of a file: the browser sends a slice, the CLI the first bytes.
MAX_PREFLIGHT_BYTES = 8 * 1024 * 1024
MAX_SOURCE_NAME_CHARS = 200  # the width of data_source.name
_UPLOAD_FORM = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "name": {"type": "string"},
                        "options": {
                            "$ref": "#/components/schemas/UploadOptions",
                            "description": "How to read the file (mapping, date_format, on_error,"
                            " ...), as a JSON part; default: detected",
                        },
                        "complete": {
                            "type": "boolean",
                            "description": "preflight only: the file sent is the whole file",
                        },
                        "profile_id": {
                            "type": "string",
                            "description": "read the file with this import profile's options "
                            "(options given explicitly win)",
                        },
                    },
                },
                "encoding": {"options": {"contentType": "application/json"}},
            }
        },
        "required": True,
    }
}


_APPEND_FORM = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        **_UPLOAD_FORM["requestBody"]["content"]["multipart/form-data"]["schema"][  # type: ignore[index]
                            "properties"
                        ],
                        "include_duplicates": {
                            "type": "boolean",
                            "description": "import every row, even those the source already holds",
                        },
                    },
                },
                "encoding": {"options": {"contentType": "application/json"}},
            }
        },
        "required": True,
    }
}


def _flag(fields: dict[str, str], name: str) -> bool:
    return fields.get(name, "false").lower() in {"1", "true", "yes"}


def _options(fields: dict[str, str]) -> UploadOptions:
    try:
        return UploadOptions.model_validate_json(fields.get("options") or "{}")
    except ValidationError as error:
        detail: Any = [
            {"loc": ["options", *err["loc"]], "msg": err["msg"], "type": err["type"]}
            for err in error.errors()
        ]
        raise TallyError("Invalid upload options", status_code=422, errors=detail) from None


def _source_name(fields: dict[str, str]) -> str | None:
    name = fields.get("name")
    if name is not None and len(name) > MAX_SOURCE_NAME_CHARS:
        detail = [
            {
                "loc": ["name"],
                "msg": f"At most {MAX_SOURCE_NAME_CHARS} characters",
                "type": "string_too_long",
            }
        ]
        raise TallyError("Invalid source name", status_code=422, errors=detail)
    return name


async def _received_head(request: Request) -> tuple[bytes, PreflightChoices]:
    """The head of a file sent to preflight (small enough to read whole) and how to read it."""
    spool = spool_dir(request.app.state.settings)
    async with received_upload(request, spool, max_bytes=MAX_PREFLIGHT_BYTES) as upload:
        head = upload.path.read_bytes()
    complete = (
        _flag(upload.fields, "complete")
        if "complete" in upload.fields
        else looks_whole(head, HEAD_BYTES)
    )
    return head, {
        "complete": complete,
        "options": _options(upload.fields),
        "profile_id": upload.fields.get("profile_id") or None,
    }


@router.get(
    "",
    operation_id="sources_list",
    response_model=CursorPage[DataSourceRead],
    responses={**error_responses(ProjectNotFound, InvalidCursor), **NOT_MODIFIED},
)
async def get_project_data_sources(
    access: ProjectReader,
    request: Request,
    cursor: CursorQuery,
    since: SinceQuery,
) -> Response:
    """The project's data sources in id order (upload order), by cursor."""

    async def load(session: AsyncSession) -> bytes:
        items, has_more = await DataSourceService(session).page_sources(access, cursor, since)
        return _SOURCES.dump_json(CursorPage[DataSourceRead](items=items, has_more=has_more))

    # Cached: uploads, deletions and status changes must call tally.cache.invalidate_data_sources.
    key = keys.data_sources(access.project_id, cursor)
    return await cached_unless_polled(request, key, load, polled=since != NO_SINCE)


@router.post(
    "/preflight",
    operation_id="sources_preflight",
    response_model=PreflightRead,
    openapi_extra=_UPLOAD_FORM,
    responses=error_responses(
        ProjectNotFound, Forbidden, InvalidFile, BadUpload, UploadTooLarge, ImportProfileNotFound
    ),
)
async def preflight_data_source(
    access: ProjectEditor, request: Request, session: Session
) -> dict[str, Any]:
    """Check the head of a file before uploading it: format, encoding, delimiter, header, proposed
    mapping, and every problem in its first 100 rows (row, column, value, reason), plus the import
    profiles that fit its header (``profiles``). Stores nothing."""
    head, choices = await _received_head(request)
    settings = request.app.state.settings
    return await DataSourceService(session, settings).preflight(access, head, **choices)


@router.post(
    "",
    operation_id="sources_upload",
    response_model=DataSourceRead,
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=_UPLOAD_FORM,
    responses={
        **accepted_response("The file is accepted: poll Location until the source is ready"),
        **error_responses(
            ProjectNotFound,
            Forbidden,
            InvalidFile,
            BadUpload,
            UploadTooLarge,
            ImportProfileNotFound,
        ),
    },
)
async def upload_data_source(
    access: IdempotentProjectWrite,
    request: Request,
    session: Session,
    queue: TaskQueueDep,
    response: Response,
) -> DataSourceRead:
    """Upload a file (streamed to disk, never held in memory). Its first 100 rows are checked before
    it is accepted; ingestion then runs in the background (status `ingesting` -> `ready`/`failed`)."""
    settings = request.app.state.settings
    spool = spool_dir(settings)
    async with received_upload(request, spool, max_bytes=settings.max_upload_bytes) as upload:
        source = await DataSourceService(session, settings).create_source(
            access,
            upload,
            name=_source_name(upload.fields),
            options=_options(upload.fields),
            profile_id=upload.fields.get("profile_id") or None,
        )
        await queue.enqueue(session, INGEST_TASK, source_id=source.id)
    route = "get_data_source"
    mark_accepted(request, response, route, project_id=source.project_id, source_id=source.id)
    return read_source(source)


@router.get(
    "/{source_id}",
    operation_id="sources_get",
    response_model=DataSourceRead,
    responses=error_responses(ProjectNotFound, DataSourceNotFound),
)
async def get_data_source(
    access: ProjectReader, source_id: int, session: Session
) -> DataSourceRead:
    return await DataSourceService(session).read(access, source_id)


@router.delete(
    "/{source_id}",
    operation_id="sources_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        ProjectNotFound, Forbidden, DataSourceNotFound, SourceBusy, SourceInUse
    ),
)
async def delete_data_source(
    access: ProjectEditor, source_id: int, session: Session, request: Request, queue: TaskQueueDep
) -> None:
    """Delete a source with its records and the jobs without review decisions that reconciled it.

    409 (`SourceInUse`, the job ids in `jobs`) while a job holding review decisions uses it and
    is not archived, or a job using it is queued or running. Archived jobs stay readable whole:
    the source leaves the project's lists, its records stay for them."""
    service = DataSourceService(session, request.app.state.settings)
    if await service.delete_source(access, source_id):
        await queue.enqueue(session, PURGE_TASK, source_id=source_id)


@router.post(
    "/{source_id}/append/preflight",
    operation_id="sources_preflight_append",
    response_model=PreflightRead,
    openapi_extra=_APPEND_FORM,
    responses=error_responses(
        ProjectNotFound,
        Forbidden,
        DataSourceNotFound,
        InvalidFile,
        BadUpload,
        UploadTooLarge,
        ImportProfileNotFound,
        SourceBusy,
    ),
)
async def preflight_append(
    access: ProjectEditor, source_id: int, request: Request, session: Session
) -> dict[str, Any]:
    """Preflight a file to append: the same answer as the upload's preflight, plus ``duplicates``:
    how many of the rows sent are new and how many the source already holds (the whole file when
    ``complete``). Stores nothing."""
    head, choices = await _received_head(request)
    service = DataSourceService(session, request.app.state.settings)
    return await service.preflight_append(access, source_id, head, **choices)


@router.post(
    "/{source_id}/append",
    operation_id="sources_append",
    response_model=DataSourceAppendRead,
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=_APPEND_FORM,
    responses={
        **accepted_response("The file is accepted: poll Location until the append is ready"),
        **error_responses(
            ProjectNotFound,
            Forbidden,
            DataSourceNotFound,
            SourceBusy,
            InvalidFile,
            BadUpload,
            UploadTooLarge,
            ImportProfileNotFound,
        ),
    },
)
async def append_to_data_source(
    access: IdempotentProjectWrite,
    source_id: int,
    request: Request,
    session: Session,
    queue: TaskQueueDep,
    response: Response,
) -> DataSourceAppendRead:
    """Append a file to a ready source: only rows it does not hold yet are added (the format's
    transaction id, else the row's content and its occurrence among identical rows), unless
    ``include_duplicates``. Loads in the background; the source is `appending` meanwhile and the
    append's status goes `ingesting` -> `ready`/`failed`. A failed append changes nothing."""
    settings = request.app.state.settings
    spool = spool_dir(settings)
    async with received_upload(request, spool, max_bytes=settings.max_upload_bytes) as upload:
        append = await DataSourceService(session, settings).create_append(
            access,
            source_id,
            upload,
            options=_options(upload.fields),
            include_duplicates=_flag(upload.fields, "include_duplicates"),
            profile_id=upload.fields.get("profile_id") or None,
        )
        await queue.enqueue(session, APPEND_TASK, append_id=append.id)
    mark_accepted(
        request,
        response,
        "get_data_source_append",
        project_id=access.project_id,
        source_id=source_id,
        append_id=append.id,
    )
    return DataSourceAppendRead.model_validate(append)


@router.get(
    "/{source_id}/appends",
    operation_id="appends_list",
    response_model=CursorPage[DataSourceAppendRead],
    responses=error_responses(ProjectNotFound, DataSourceNotFound, InvalidCursor),
)
async def get_data_source_appends(
    access: ProjectReader, source_id: int, session: Session, cursor: CursorQuery
) -> CursorPage[DataSourceAppendRead]:
    """The files appended to a source, oldest first, by cursor."""
    appends, has_more = await DataSourceService(session).page_appends(access, source_id, cursor)
    return CursorPage[DataSourceAppendRead](
        items=[DataSourceAppendRead.model_validate(append) for append in appends],
        has_more=has_more,
    )


@router.get(
    "/{source_id}/appends/{append_id}",
    operation_id="appends_get",
    response_model=DataSourceAppendRead,
    responses=error_responses(ProjectNotFound, DataSourceNotFound, AppendNotFound),
)
async def get_data_source_append(
    access: ProjectReader, source_id: int, append_id: int, session: Session
) -> DataSourceAppendRead:
    append = await DataSourceService(session).get_append(access, source_id, append_id)
    return DataSourceAppendRead.model_validate(append)


@router.get(
    "/{source_id}/appends/{append_id}/skipped",
    operation_id="appends_download_skipped_rows",
    response_class=FileResponse,
    responses={
        **error_responses(ProjectNotFound, DataSourceNotFound, AppendNotFound, NoSkippedRows),
        **file_response("The skipped rows, with their reasons", "text/csv"),
    },
)
async def download_append_skipped_rows(
    access: ProjectReader, source_id: int, append_id: int, session: Session, request: Request
) -> FileResponse:
    """The rows of an append skipped under on_error=skip, as CSV, with their reasons."""
    path = await DataSourceService(session, request.app.state.settings).append_skipped_rows_file(
        access, source_id, append_id
    )
    return FileResponse(
        path, media_type="text/csv", filename=f"skipped-rows-append-{append_id}.csv"
    )


@router.get(
    "/{source_id}/skipped",
    operation_id="sources_download_skipped_rows",
    response_class=FileResponse,
    responses={
        **error_responses(ProjectNotFound, DataSourceNotFound, NoSkippedRows),
        **file_response("The skipped rows, with their reasons", "text/csv"),
    },
)
async def download_skipped_rows(
    access: ProjectReader, source_id: int, session: Session, request: Request
) -> FileResponse:
    """The rows skipped under on_error=skip, as CSV (formula-escaped), with their reasons."""
    path = await DataSourceService(session, request.app.state.settings).skipped_rows_file(
        access, source_id
    )
    return FileResponse(
        path, media_type="text/csv", filename=f"skipped-rows-source-{source_id}.csv"
    )
