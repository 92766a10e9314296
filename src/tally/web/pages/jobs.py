"""Running a reconciliation: choose sources, edit rules (validated as the API validates them),
start, watch it live, cancel or retry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from tally.jobs.schemas import JobCreate, present_summary
from tally.jobs.service import RECONCILE_TASK, JobService
from tally.kit.tasks import TaskQueueDep
from tally.matching.rules import RuleSet
from tally.models import DataSourceStatus, InferenceStatus, ReconciliationJob
from tally.projects.service import ProjectService
from tally.rule_sets.inference import RuleInferenceService
from tally.rule_sets.schemas import DraftCreate
from tally.rule_sets.service import RUN_PAGE_NOTE, RuleSetService
from tally.sources.service import DataSourceService
from tally.users.auth import Session
from tally.web.auth import WebProjectEditor, WebProjectReader, may_edit
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
JobId = Annotated[int, Path(ge=1)]
UNFINISHED = (InferenceStatus.QUEUED, InferenceStatus.RUNNING)


def validation_errors(error: ValidationError) -> list[dict[str, Any]]:
    """The API's 422 detail for the same payload: location path and message per problem."""
    return [
        {"loc": [part for part in e["loc"]], "msg": str(e["msg"]).removeprefix("Value error, ")}
        for e in error.errors()
    ]


@router.get("/projects/{project_id}/jobs/new", include_in_schema=False)
async def get_new_job_page(
    request: Request,
    access: WebProjectEditor,
    session: Session,
    draft: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The rules shown are the ones the job runs: the active version, or the run page's draft
    (``draft``) its edits are kept in; with no version yet, a proposal inferred from the sources
    (started by the page, in the background for large sources)."""
    project = await ProjectService(session).get_project(access)
    sources = await DataSourceService(session).list_sources(access)
    editing = await RuleSetService(session).editor_rules(access, draft)
    inference = None
    if editing.version is None:
        latest = await RuleInferenceService(session).latest_run(access)
        if latest is not None and latest.status in UNFINISHED:
            inference = latest
    ready = [s for s in sources if s.status == DataSourceStatus.READY]
    return render(
        request,
        "jobs/new.html",
        {
            "nav": "projects",
            "project": project,
            "sources": ready,
            "not_ready": [s for s in sources if s.status != DataSourceStatus.READY],
            "editing": editing,
            "rules": editing.version.rules.model_dump(mode="json") if editing.version else None,
            "inference": inference,
        },
    )


@router.post("/projects/{project_id}/rules/validate", include_in_schema=False)
async def validate_rules(
    access: WebProjectEditor, rules: Annotated[dict[str, Any], Body(embed=True)]
) -> Response:
    try:
        RuleSet.model_validate(rules)
    except ValidationError as error:
        return JSONResponse({"valid": False, "errors": validation_errors(error)})
    return JSONResponse({"valid": True, "errors": []})


@router.post("/projects/{project_id}/rules/draft", include_in_schema=False)
async def save_rules_draft(
    access: WebProjectEditor, session: Session, rules: Annotated[dict[str, Any], Body(embed=True)]
) -> Response:
    """Keep the run page's edited rules as a new draft version (its later edits are saved in
    place), to backtest and activate on the rules page."""
    try:
        rule_set = RuleSet.model_validate(rules)
    except ValidationError as error:
        return JSONResponse({"valid": False, "errors": validation_errors(error)}, status_code=422)
    draft = await RuleSetService(session).create_draft(
        access, DraftCreate(rules=rule_set, note=RUN_PAGE_NOTE)
    )
    url = f"/projects/{access.project_id}/rule-set/versions/{draft.number}"
    return JSONResponse(
        {"valid": True, "errors": [], "number": draft.number, "url": url, "save_url": url}
    )


@router.post("/projects/{project_id}/jobs", include_in_schema=False)
async def start_job(
    request: Request,
    access: WebProjectEditor,
    session: Session,
    queue: TaskQueueDep,
    payload: Annotated[dict[str, Any], Body()],
) -> Response:
    """Create and enqueue a job exactly as POST /api/v1/projects/{id}/jobs does."""
    try:
        data = JobCreate.model_validate(payload)
    except ValidationError as error:
        # The editor locates errors within the rule set, so drop the payload's "rules" prefix.
        errors = [
            {**e, "loc": e["loc"][1:]} if e["loc"][:1] == ["rules"] else e
            for e in validation_errors(error)
        ]
        return JSONResponse({"valid": False, "errors": errors}, status_code=422)
    limit = request.app.state.settings.infer_inline_max_records
    job = await JobService(session).create_job(access, data, inline_inference_max_records=limit)
    await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)
    return JSONResponse({"id": job.id, "url": f"/projects/{access.project_id}/jobs/{job.id}"})


def job_state(job: ReconciliationJob) -> dict[str, Any]:
    """What the live job panel shows."""
    presented = present_summary(job.summary)
    summary = presented.model_dump(mode="json") if presented is not None else {}
    return {
        "status": str(job.status),
        "finished": str(job.status) in ("completed", "failed", "cancelled"),
        "progress": float(job.progress or 0.0),
        "cancel_requested": bool(job.cancel_requested),
        "error": job.error,
        "left": summary.get("left") or {},
        "right": summary.get("right") or {},
        "seconds": summary.get("seconds"),
        "duplicates": summary.get("duplicates"),
        "warnings": summary.get("warnings") or [],
        "partitions": job.partitions,
    }


async def _job_context(access: Any, session: Any, job_id: int) -> dict[str, Any]:
    job = await JobService(session).get_job(access, job_id)
    return {"job": job, "state": job_state(job), "project_id": access.project_id}


@router.get("/projects/{project_id}/jobs/{job_id}", include_in_schema=False)
async def get_job_page(
    request: Request, access: WebProjectReader, job_id: JobId, session: Session
) -> Response:
    context = await _job_context(access, session, job_id)
    job = context["job"]
    sources = {s.id: s for s in await DataSourceService(session).list_sources(access)}
    return render(
        request,
        "jobs/detail.html",
        {
            **context,
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "left": sources.get(job.left_source_id),
            "right": sources.get(job.right_source_id),
            "can_edit": await may_edit(access),
        },
    )


@router.post("/projects/{project_id}/jobs/{job_id}/cancel", include_in_schema=False)
async def cancel_job(
    request: Request, access: WebProjectEditor, job_id: JobId, session: Session
) -> Response:
    job = await JobService(session).cancel_job(access, job_id)
    return render(
        request,
        "jobs/_live.html",
        {"job": job, "state": job_state(job), "project_id": access.project_id, "can_edit": True},
    )


@router.post("/projects/{project_id}/jobs/{job_id}/retry", include_in_schema=False)
async def retry_job(
    access: WebProjectEditor, job_id: JobId, session: Session, queue: TaskQueueDep
) -> Response:
    job = await JobService(session).retry_job(access, job_id)
    await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)
    return RedirectResponse(f"/projects/{access.project_id}/jobs/{job.id}", status_code=303)
