"""Server-Sent Events for live progress: ingestion of a data source and a reconciliation job.

Each stream reads the row the background work updates (``data_source.rows_done/status``,
``reconciliation_job.progress/status``) about twice a second, each time in a short session of its
own, so an open stream holds no database connection between polls. When the work has finished it
sends a ``done`` event, on which the page closes the stream.

Reconnects (a dropped connection, or the server ending a stream after MAX_STREAM_SECONDS): the
browser's EventSource sends the id of the last event it got as ``Last-Event-ID``. Every event is a
snapshot of the whole panel, which the page swaps in as a whole, so the newest state stands for
all the states missed in between: sending the current state at once on reconnect is a complete
replay. Ids continue from ``Last-Event-ID`` (so they only grow for a page, across connections),
and a finished piece of work answers every connection, a reconnect included, with ``done`` first
thing: the terminal state cannot be missed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response, StreamingResponse

from tally.jobs.service import JobService
from tally.kit.db import get_database
from tally.projects.auth import ProjectAccess
from tally.sources.service import DataSourceService
from tally.web.auth import WebProjectReader, may_edit
from tally.web.pages.jobs import job_state
from tally.web.pages.sources import source_state
from tally.web.routing import WebRoute
from tally.web.templating import templates

log = structlog.get_logger("tally.web.events")
router = APIRouter(route_class=WebRoute)

POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0
MAX_STREAM_SECONDS = 3600.0  # the browser reconnects after this; bounds a forgotten tab
RETRY_MS = 2000


def sse_event(event: str, data: str, event_id: int | None = None) -> bytes:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return ("\n".join(lines) + "\n\n").encode()


Snapshot = Callable[[], Awaitable[tuple[str, bool, Any]]]


def last_event_id(request: Request) -> int:
    """The id the browser last got on this stream (0: a first connection, or an id not ours)."""
    value = request.headers.get("last-event-id", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 15 else 0


async def stream_states(request: Request, snapshot: Snapshot) -> AsyncIterator[bytes]:
    """Send the rendered state at once and whenever it changes; ``done`` when finished."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    started = last_beat = time.monotonic()
    sent: str | None = None
    sequence = last_event_id(request)
    while True:
        try:
            html, finished, _ = await snapshot()
        except Exception:  # the row vanished or the database is away: tell the page, stop
            log.warning("web.sse_snapshot_failed", path=request.url.path)
            yield sse_event(
                "done", '<p class="alert alert-error">Live updates stopped; reload the page.</p>'
            )
            return
        if finished:
            sequence += 1
            yield sse_event("done", html, sequence)
            return
        now = time.monotonic()
        if html != sent:
            sequence += 1
            sent = html
            last_beat = now
            yield sse_event("state", html, sequence)
        elif now - last_beat >= HEARTBEAT_SECONDS:
            last_beat = now
            yield b": keep-alive\n\n"
        if now - started > MAX_STREAM_SECONDS or await request.is_disconnected():
            return
        await asyncio.sleep(POLL_SECONDS)


def sse_response(stream: AsyncIterator[bytes]) -> Response:
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/projects/{project_id}/sources/{source_id}/events", include_in_schema=False)
async def stream_source_progress(
    request: Request, access: WebProjectReader, source_id: Annotated[int, Path(ge=1)]
) -> Response:
    database = get_database(request)
    await _check_source(request, access, source_id)
    template = templates.get_template("sources/_state.html")
    previous: dict[str, float] = {}

    async def snapshot() -> tuple[str, bool, Any]:
        async with database.sessionmaker() as session:
            source = await DataSourceService(session).read(access, source_id)
        now = time.monotonic()
        rate = None
        if previous and now > previous["at"]:
            rate = max(0.0, (source.rows_done - previous["rows"]) / (now - previous["at"]))
        if not previous or source.rows_done != previous["rows"]:
            previous.update(at=now, rows=float(source.rows_done or 0))
        state = source_state(source, rate)
        html = template.render(project_id=access.project_id, state=state)
        return html, state["finished"], state

    return sse_response(stream_states(request, snapshot))


@router.get("/projects/{project_id}/jobs/{job_id}/events", include_in_schema=False)
async def stream_job_progress(
    request: Request, access: WebProjectReader, job_id: Annotated[int, Path(ge=1)]
) -> Response:
    database = get_database(request)
    async with database.sessionmaker() as session:
        await JobService(session).get_job(access, job_id)  # 404 before the stream starts
    template = templates.get_template("jobs/_state.html")
    can_edit = await may_edit(access)

    async def snapshot() -> tuple[str, bool, Any]:
        async with database.sessionmaker() as session:
            job = await JobService(session).get_job(access, job_id)
        state = job_state(job)
        return (
            template.render(project_id=access.project_id, job=job, state=state, can_edit=can_edit),
            state["finished"],
            state,
        )

    return sse_response(stream_states(request, snapshot))


async def _check_source(request: Request, access: ProjectAccess, source_id: int) -> None:
    async with get_database(request).sessionmaker() as session:
        await DataSourceService(session).get_source(access, source_id)  # 404 before streaming
