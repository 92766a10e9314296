"""Projects list (paginated, searchable, create) and a project's overview with its charts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tally.exceptions.service import ExceptionService
from tally.jobs.service import JobService
from tally.kit.pagination import PageParams
from tally.models import JobStatus, ReconciliationJob
from tally.projects.schemas import ProjectCreate, ProjectStatsRead
from tally.projects.service import ProjectService
from tally.results.schemas import AuditEventRead
from tally.results.service import ResultService
from tally.sources.service import DataSourceService
from tally.users.auth import Session
from tally.web.auth import CurrentWebUser, WebProjectReader, may_edit
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
PER_PAGE = 20


def list_params(page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> PageParams:
    return PageParams(page=page, per_page=PER_PAGE)


@router.get("/projects", include_in_schema=False)
async def get_projects_page(
    request: Request,
    user: CurrentWebUser,
    session: Session,
    params: Annotated[PageParams, Depends(list_params)],
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    search = q.strip()
    page = await ProjectService(session).list_projects(user.principal, params, search=search)
    return render(
        request,
        "projects/list.html",
        {
            "nav": "projects",
            "page": page,
            "q": search,
            "errors": {},
            "form": {"name": "", "description": ""},
        },
    )


@router.post("/projects", include_in_schema=False)
async def create_project(
    request: Request,
    user: CurrentWebUser,
    session: Session,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    try:
        data = ProjectCreate(name=name.strip(), description=description.strip())
    except ValidationError as error:
        errors = {str(e["loc"][0]): _message(e) for e in error.errors()}
        page = await ProjectService(session).list_projects(
            user.principal, PageParams(page=1, per_page=PER_PAGE)
        )
        return render(
            request,
            "projects/list.html",
            {
                "nav": "projects",
                "page": page,
                "q": "",
                "errors": errors,
                "form": {"name": name, "description": description},
            },
            status_code=422,
        )
    project = await ProjectService(session).create_project(user.principal, data)
    return RedirectResponse(f"/projects/{project.id}", status_code=303)


def _message(error: Any) -> str:
    if error["type"] == "string_too_short":
        return "Give the project a name."
    if error["type"] == "string_too_long":
        return f"Keep it under {error['ctx']['max_length']} characters."
    return str(error["msg"])


def job_match_rate(job: ReconciliationJob) -> float | None:
    """Share of both sides' records a completed job matched, from its stored summary."""
    summary = job.summary or {}
    left, right = summary.get("left") or {}, summary.get("right") or {}
    records = int(left.get("records", 0)) + int(right.get("records", 0))
    if job.status != JobStatus.COMPLETED or not records:
        return None
    return (int(left.get("matched", 0)) + int(right.get("matched", 0))) / records


def chart_data(stats: ProjectStatsRead, jobs: list[ReconciliationJob]) -> dict[str, Any]:
    """What the three overview charts plot; every series also renders as a table for readers."""
    rates = [
        {
            "t": int(job.finished_at.timestamp()),
            "job": job.id,
            "number": job.number,
            "rate": round(rate * 100, 2),
        }
        for job in reversed(jobs)
        if job.finished_at is not None and (rate := job_match_rate(job)) is not None
    ]
    detail: dict[str, Any] = {}
    if stats.last_job is not None:
        last = next((job for job in jobs if job.id == stats.last_job.id), None)
        detail = (last.summary or {}) if last else {}
    ages = detail.get("unmatched_by_age") or []
    return {
        "match_rate": rates,
        # One currency's amounts; several currencies show as a table, never one chart's sum.
        "amounts": None
        if stats.by_currency or stats.matched_amount is None
        else {"matched": str(stats.matched_amount), "unmatched": str(stats.unmatched_amount)},
        "ages": ages,
    }


def activity(
    sources: list[Any], jobs: list[ReconciliationJob], reviews: list[AuditEventRead]
) -> list[dict[str, Any]]:
    """The latest things that happened in the project: uploads, job runs and the last job's
    review changes, newest first."""
    events: list[tuple[datetime, str, str]] = []
    for event in reviews:
        who = event.actor_email or "Tally"
        what = event.action.replace("_", " ").replace(".", " ")
        job_id = event.job_id
        events.append((event.created_at, f"{who}: {what} ({event.target})", f"jobs/{job_id}/audit"))
    for source in sources:
        events.append(
            (
                source.updated_at,
                f"Data source “{source.name}” is {source.status}",
                f"sources/{source.id}",
            )
        )
    for job in jobs[:20]:
        when = job.finished_at or job.started_at or job.created_at
        events.append((when, f"Reconciliation #{job.id} {job.status}", f"jobs/{job.id}"))
    events.sort(key=lambda event: event[0], reverse=True)
    return [{"at": at, "text": text, "href": href} for at, text, href in events[:10]]


@router.get("/projects/{project_id}", include_in_schema=False)
async def get_project_page(
    request: Request, access: WebProjectReader, session: Session
) -> Response:
    project = await ProjectService(session).get_project(access)
    stats = await ProjectService(session).get_stats(access)
    sources = await DataSourceService(session).list_sources(access)
    jobs = await JobService(session).list_jobs(access)
    reviews: list[AuditEventRead] = []
    if stats.last_job is not None:
        recent = PageParams(page=1, per_page=5)
        reviews = (
            await ResultService(session).list_audit_events(access, stats.last_job.id, recent)
        ).items
    return render(
        request,
        "projects/overview.html",
        {
            "nav": "projects",
            "project": project,
            "access": access,
            "stats": stats,
            "sources": sources,
            "jobs": jobs[:10],
            "job_count": len(jobs),
            "sources_by_id": {source.id: source for source in sources},
            "charts": chart_data(stats, jobs),
            "activity": activity(sources, jobs, reviews),
            "can_edit": await may_edit(access),
            "exception_ageing": await ExceptionService(session).ageing(access),
        },
    )
