"""Adding a data source (drop zone, preflight preview, streamed upload) and a source's state."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from tally.kit.errors import TallyError
from tally.projects.service import ProjectService
from tally.sources.service import DataSourceService
from tally.users.auth import Session
from tally.web import integrations
from tally.web.auth import WebProjectEditor, WebProjectReader, may_edit
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)

# The browser sends at most this much of the file's head to preflight (File.slice): enough for
# 100 rows of any sane export, small enough to post on every mapping change.
HEAD_BYTES = 256 * 1024
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
        {"nav": "projects", "project": project, "head_bytes": HEAD_BYTES},
    )


@router.post("/projects/{project_id}/sources/preflight", include_in_schema=False)
async def preview_source(request: Request, access: WebProjectEditor, session: Session) -> Response:
    """Render the preview of the head of a file the browser has not uploaded yet."""
    form = await request.form(max_files=1, max_fields=10, max_part_size=HEAD_BYTES + 1024)
    head_part = form.get("head")
    if not isinstance(head_part, UploadFile):
        raise BadPreview("Choose a file first.")
    head = await head_part.read(HEAD_BYTES + 1)
    if len(head) > HEAD_BYTES:
        raise BadPreview(f"Send at most {HEAD_BYTES} bytes of the file's head.")
    try:
        options: dict[str, Any] | None = json.loads(str(form.get("options") or "null"))
    except json.JSONDecodeError as error:
        raise BadPreview("The preview options are not valid JSON.") from error
    filename = str(form.get("filename") or head_part.filename or "upload")
    complete = str(form.get("complete") or "") == "true"
    preview = await integrations.preflight(
        session, access, head=head, filename=filename, complete=complete, options=options
    )
    return render(
        request,
        "sources/_preview.html",
        {"preview": preview, "fields": integrations.MAPPABLE_FIELDS},
    )


@router.post("/projects/{project_id}/sources", include_in_schema=False)
async def upload_source(request: Request, access: WebProjectEditor, session: Session) -> Response:
    """The streamed upload (sent by XHR with the CSRF header); answers where to watch it load."""
    source = await integrations.upload_source(request, session, access)
    base = f"/projects/{access.project_id}/sources/{source.id}"
    return JSONResponse(
        {"id": source.id, "url": base, "progress_url": f"{base}/progress"}, status_code=202
    )


@router.get("/projects/{project_id}/sources/{source_id}", include_in_schema=False)
async def get_source_page(
    request: Request, access: WebProjectReader, source_id: SourceId, session: Session
) -> Response:
    project = await ProjectService(session).get_project(access)
    source = await DataSourceService(session).get_source(access, source_id)
    return render(
        request,
        "sources/detail.html",
        {
            "nav": "projects",
            "project": project,
            "source": source,
            "can_edit": await may_edit(access),
            "state": source_state(source),
        },
    )


@router.get("/projects/{project_id}/sources/{source_id}/progress", include_in_schema=False)
async def get_source_progress(
    request: Request, access: WebProjectReader, source_id: SourceId, session: Session
) -> Response:
    """The live ingest panel (it opens the event stream itself)."""
    source = await DataSourceService(session).get_source(access, source_id)
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
