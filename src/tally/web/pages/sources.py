"""Adding a data source (drop zone, preflight preview, streamed upload) and a source's state."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from tally.kit.errors import TallyError
from tally.kit.tasks import TaskQueueDep
from tally.kit.uploads import received_upload
from tally.profiles.schemas import ImportProfileCreate
from tally.profiles.service import ImportProfileService
from tally.projects.service import ProjectService
from tally.sources.reading import UploadOptions
from tally.sources.service import APPEND_TASK, INGEST_TASK, DataSourceService, PreflightChoices
from tally.sources.storage import spool_dir
from tally.users.auth import Session
from tally.web.auth import WebProjectEditor, WebProjectReader, may_edit
from tally.web.preview import MAPPABLE_FIELDS, preflight_view
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)

# The browser sends this much of the file's head to preflight (File.slice): enough for 100 rows
# of any sane export, small enough to post on every mapping change. An XLSX workbook can only be
# read whole (its directory is at the end), so a small one is sent whole, up to the API's limit.
HEAD_BYTES = 256 * 1024
MAX_PREVIEW_BYTES = 8 * 1024 * 1024
SourceId = Annotated[int, Path(ge=1)]


class BadPreview(TallyError):
    """The preview request is malformed (no head of a file, or options that are not JSON)."""

    status_code = 400


@router.get("/projects/{project_id}/sources/new", include_in_schema=False)
async def get_add_source_page(
    request: Request, access: WebProjectEditor, session: Session
) -> Response:
    project = await ProjectService(session).get_project(access)
    return render(
        request,
        "sources/new.html",
        {
            "nav": "projects",
            "project": project,
            "append_to": None,
            "head_bytes": HEAD_BYTES,
            "whole_bytes": MAX_PREVIEW_BYTES,
        },
    )


@router.post("/projects/{project_id}/sources/preflight", include_in_schema=False)
async def preview_source(request: Request, access: WebProjectEditor, session: Session) -> Response:
    """Render the preview of the head of a file the browser has not uploaded yet."""
    head, choices = await _head_of(request)
    preview = await DataSourceService(session, request.app.state.settings).preflight(
        access, head, **choices
    )
    return _render_preview(request, preview)


async def _head_of(request: Request) -> tuple[bytes, PreflightChoices]:
    """The head of the file the browser sent to preview, and how to read it."""
    form = await request.form(max_files=1, max_fields=10)
    head_part = form.get("head")
    if not isinstance(head_part, UploadFile):
        raise BadPreview("Choose a file first.")
    head = await head_part.read(MAX_PREVIEW_BYTES + 1)
    if len(head) > MAX_PREVIEW_BYTES:
        raise BadPreview(f"Send at most {MAX_PREVIEW_BYTES} bytes of the file's head.")
    return head, {
        "complete": str(form.get("complete") or "") == "true",
        "options": upload_options(str(form.get("options") or "{}")),
        "profile_id": str(form.get("profile_id") or "") or None,
    }


def _render_preview(request: Request, preview: dict[str, Any]) -> Response:
    return render(
        request,
        "sources/_preview.html",
        {"preview": preflight_view(preview), "fields": MAPPABLE_FIELDS},
    )


@router.get("/projects/{project_id}/sources/{source_id}/append", include_in_schema=False)
async def get_append_page(
    request: Request, access: WebProjectEditor, source_id: SourceId, session: Session
) -> Response:
    """Append a statement to a source: the add-a-source drop zone and preview, with how many rows
    are new. The whole file is previewed up to the preview limit, so the counts cover it."""
    project = await ProjectService(session).get_project(access)
    source = await DataSourceService(session).read(access, source_id)
    return render(
        request,
        "sources/new.html",
        {
            "nav": "projects",
            "project": project,
            "append_to": source,
            "head_bytes": MAX_PREVIEW_BYTES,
            "whole_bytes": MAX_PREVIEW_BYTES,
        },
    )


@router.post("/projects/{project_id}/sources/{source_id}/append/preflight", include_in_schema=False)
async def preview_append(
    request: Request, access: WebProjectEditor, source_id: SourceId, session: Session
) -> Response:
    """The preview of a file to append, with "N new, M already imported"."""
    head, choices = await _head_of(request)
    service = DataSourceService(session, request.app.state.settings)
    preview = await service.preflight_append(access, source_id, head, **choices)
    return _render_preview(request, preview)


@router.post("/projects/{project_id}/sources/{source_id}/append", include_in_schema=False)
async def append_source(
    request: Request,
    access: WebProjectEditor,
    source_id: SourceId,
    session: Session,
    queue: TaskQueueDep,
) -> Response:
    """The streamed file to append, accepted and queued as POST .../data-sources/{id}/append."""
    settings = request.app.state.settings
    spool = spool_dir(settings)
    async with received_upload(request, spool, max_bytes=settings.max_upload_bytes) as upload:
        append = await DataSourceService(session, settings).create_append(
            access,
            source_id,
            upload,
            options=upload_options(upload.fields.get("options") or "{}"),
            include_duplicates=upload.fields.get("include_duplicates") == "true",
            profile_id=upload.fields.get("profile_id") or None,
        )
        await queue.enqueue(session, APPEND_TASK, append_id=append.id)
    base = f"/projects/{access.project_id}/sources/{source_id}"
    return JSONResponse(
        {"id": append.id, "url": base, "progress_url": f"{base}/progress"}, status_code=202
    )


@router.post("/projects/{project_id}/import-profiles", include_in_schema=False)
async def save_import_profile(
    request: Request, access: WebProjectEditor, session: Session
) -> Response:
    """ "Save these settings as a profile": the previewed options and the file's header."""
    form = await request.form(max_files=0, max_fields=5)
    try:
        data = ImportProfileCreate(
            name=str(form.get("name") or "").strip(),
            options=upload_options(str(form.get("options") or "{}")),
            header=json.loads(str(form.get("header") or "[]")),
        )
    except (ValidationError, ValueError):
        raise BadPreview("Give the profile a name (the file needs a header row).") from None
    profile = await ImportProfileService(session).create_profile(access, data)
    return render(request, "sources/_profile_saved.html", {"profile": profile})


def upload_options(text: str) -> UploadOptions:
    try:
        return UploadOptions.model_validate_json(text or "{}")
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise BadPreview(f"These reading options are not valid: {problems}") from None


@router.post("/projects/{project_id}/sources", include_in_schema=False)
async def upload_source(
    request: Request, access: WebProjectEditor, session: Session, queue: TaskQueueDep
) -> Response:
    """The streamed upload (sent by XHR with the CSRF header), accepted and queued exactly as
    POST /api/v1/projects/{id}/data-sources does; answers where to watch it load."""
    settings = request.app.state.settings
    spool = spool_dir(settings)
    async with received_upload(request, spool, max_bytes=settings.max_upload_bytes) as upload:
        source = await DataSourceService(session, settings).create_source(
            access,
            upload,
            name=upload.fields.get("name") or None,
            options=upload_options(upload.fields.get("options") or "{}"),
        )
        await queue.enqueue(session, INGEST_TASK, source_id=source.id)
    base = f"/projects/{access.project_id}/sources/{source.id}"
    return JSONResponse(
        {"id": source.id, "url": base, "progress_url": f"{base}/progress"}, status_code=202
    )


@router.get("/projects/{project_id}/sources/{source_id}", include_in_schema=False)
async def get_source_page(
    request: Request, access: WebProjectReader, source_id: SourceId, session: Session
) -> Response:
    project = await ProjectService(session).get_project(access)
    service = DataSourceService(session)
    source = await service.read(access, source_id)
    return render(
        request,
        "sources/detail.html",
        {
            "nav": "projects",
            "project": project,
            "source": source,
            "appends": await service.list_appends(access, source_id),
            "can_edit": await may_edit(access),
            "state": source_state(source),
        },
    )


@router.get("/projects/{project_id}/sources/{source_id}/progress", include_in_schema=False)
async def get_source_progress(
    request: Request, access: WebProjectReader, source_id: SourceId, session: Session
) -> Response:
    """The live ingest panel (it opens the event stream itself)."""
    source = await DataSourceService(session).read(access, source_id)
    return render(
        request,
        "sources/_live.html",
        {"project_id": access.project_id, "source": source, "state": source_state(source)},
    )


def source_state(source: Any, rows_per_second: float | None = None) -> dict[str, Any]:
    """What the progress panel shows for a source row: counts, rate and, when failed, why."""
    error = source.error or {}
    errors = error.get("errors") if isinstance(error, dict) else None
    return {
        "status": str(source.status),
        "source_id": source.id,
        "finished": str(source.status) in ("ready", "failed"),
        "rows_done": int(source.rows_done or 0),
        "row_count": int(source.row_count or 0),
        "skipped": int(source.skipped_count or 0),
        "rows_per_second": rows_per_second,
        "message": (error.get("detail") or error.get("message") or error.get("reason"))
        if isinstance(error, dict)
        else str(error),
        "errors": list(errors or [])[:100],
    }


@router.get("/projects/{project_id}/sources/{source_id}/skipped.csv", include_in_schema=False)
async def download_skipped_rows(
    request: Request, access: WebProjectReader, source_id: SourceId, session: Session
) -> Response:
    """The upload's skipped rows with their reasons, as GET /api/v1/.../skipped serves them."""
    path = await DataSourceService(session, request.app.state.settings).skipped_rows_file(
        access, source_id
    )
    return FileResponse(
        path, media_type="text/csv", filename=f"skipped-rows-source-{source_id}.csv"
    )


@router.get(
    "/projects/{project_id}/sources/{source_id}/appends/{append_id}/skipped.csv",
    include_in_schema=False,
)
async def download_append_skipped_rows(
    request: Request,
    access: WebProjectReader,
    source_id: SourceId,
    append_id: Annotated[int, Path(ge=1)],
    session: Session,
) -> Response:
    """An appended statement's skipped rows with their reasons."""
    service = DataSourceService(session, request.app.state.settings)
    path = await service.append_skipped_rows_file(access, source_id, append_id)
    return FileResponse(
        path, media_type="text/csv", filename=f"skipped-rows-append-{append_id}.csv"
    )
