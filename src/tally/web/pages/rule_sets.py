"""The project's rule set: its versions, a draft edited in the rules editor, backtests of a draft
against a past job (diff and precision before activation), and activation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.service import JobService
from tally.kit.tasks import TaskQueue, TaskQueueDep
from tally.matching.rules import RuleSet
from tally.models import (
    DataSourceStatus,
    InferenceStatus,
    JobStatus,
    ReconciliationJob,
    RuleInferenceRun,
    RuleSetVersion,
    RuleSetVersionStatus,
)
from tally.projects.auth import ProjectAccess
from tally.projects.service import ProjectService
from tally.rule_sets.inference import (
    INFER_TASK,
    InferenceRunRead,
    RuleInferenceService,
    inference_run_read,
    proposed_evidence,
)
from tally.rule_sets.schemas import BacktestRead, DraftCreate, DraftUpdate
from tally.rule_sets.service import (
    BACKTEST_TASK,
    EditorRules,
    RuleSetService,
    SuggestionService,
)
from tally.sources.schemas import DataSourceRead
from tally.sources.service import DataSourceService
from tally.users.auth import Session
from tally.web.auth import WebProjectEditor, WebProjectReader, may_edit
from tally.web.pages.jobs import validation_errors
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
Number = Annotated[int, Path(ge=1)]
BacktestId = Annotated[int, Path(ge=1)]
SuggestionId = Annotated[int, Path(ge=1)]


@router.get("/projects/{project_id}/rule-set", include_in_schema=False)
async def get_rule_set_page(
    request: Request, access: WebProjectReader, session: Session
) -> Response:
    return render(
        request,
        "rule_sets/list.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "versions": await RuleSetService(session).list_versions(access),
            "suggestions": await SuggestionService(session).list_suggestions(access),
            "jobs": await _reviewable_jobs(access, session),
            "sources": await _ready_sources(access, session),
            "inference": await RuleInferenceService(session).latest_run(access),
            "can_edit": await may_edit(access),
        },
    )


async def _ready_sources(access: ProjectAccess, session: AsyncSession) -> list[DataSourceRead]:
    sources = await DataSourceService(session).list_sources(access)
    return [s for s in sources if s.status == DataSourceStatus.READY]


@router.post("/projects/{project_id}/rule-set/infer", include_in_schema=False)
async def infer_rules_page(
    request: Request,
    access: WebProjectEditor,
    session: Session,
    queue: TaskQueueDep,
    left_source_id: Annotated[int, Form(ge=1)],
    right_source_id: Annotated[int, Form(ge=1)],
) -> Response:
    """Propose rules from two sources as the API does, and open the proposed version; large
    sources are inferred in the background, shown in progress on the rules page."""
    started = await _propose_or_queue(
        request, access, session, queue, left_source_id, right_source_id
    )
    if isinstance(started, RuleInferenceRun):
        return RedirectResponse(f"/projects/{access.project_id}/rule-set#inference", 303)
    url = f"/projects/{access.project_id}/rule-set/versions/{started.number}"
    return RedirectResponse(url, status_code=303)


async def _propose_or_queue(
    request: Request,
    access: ProjectAccess,
    session: AsyncSession,
    queue: TaskQueue,
    left_source_id: int,
    right_source_id: int,
) -> RuleSetVersion | RuleInferenceRun:
    """The proposed version, or the inference queued for large sources (as the API decides)."""
    started = await RuleInferenceService(session).propose_or_request(
        access,
        left_source_id,
        right_source_id,
        inline_max_records=request.app.state.settings.infer_inline_max_records,
    )
    if isinstance(started, RuleInferenceRun):
        await queue.enqueue(session, INFER_TASK, run_id=started.id)
        return started
    return started[0]


@router.post("/projects/{project_id}/rules/proposal", include_in_schema=False)
async def propose_rules_for_run(
    request: Request,
    access: WebProjectEditor,
    session: Session,
    queue: TaskQueueDep,
    left_source_id: Annotated[int, Form(ge=1)],
    right_source_id: Annotated[int, Form(ge=1)],
) -> Response:
    """The run page of a project with no rules yet asks for them: inferred now (the page
    reloads to edit them), or in the background for large sources (a panel polling until
    they are ready). A project that has an active version by now just reloads."""
    if await RuleSetService(session).editor_rules(access) != EditorRules(None):
        return Response(headers={"HX-Refresh": "true"})
    started = await _propose_or_queue(
        request, access, session, queue, left_source_id, right_source_id
    )
    if isinstance(started, RuleInferenceRun):
        panel = inference_run_read(started)
        return _inference_panel(request, access.project_id, panel, reload=True)
    return Response(headers={"HX-Refresh": "true"})


@router.get("/projects/{project_id}/rule-set/inferences/{run_id}", include_in_schema=False)
async def get_inference_panel(
    request: Request,
    access: WebProjectReader,
    run_id: Annotated[int, Path(ge=1)],
    session: Session,
    reload: bool = False,
) -> Response:
    run = await RuleInferenceService(session).get_run(access, run_id)
    if reload and run.status == InferenceStatus.COMPLETED:
        return Response(headers={"HX-Refresh": "true"})
    return _inference_panel(request, access.project_id, run, reload=reload)


def _inference_panel(
    request: Request, project_id: int, run: InferenceRunRead, *, reload: bool
) -> Response:
    return render(
        request,
        "rule_sets/_inference.html",
        {"project_id": project_id, "run": run, "reload": reload},
    )


@router.post("/projects/{project_id}/rule-set/suggestions", include_in_schema=False)
async def create_suggestions(
    access: WebProjectEditor, session: Session, job_ids: Annotated[list[int], Form()]
) -> Response:
    """Learn from the reconciliations ticked (by default all of them) as the API does."""
    await SuggestionService(session).suggest(access, job_ids)
    return RedirectResponse(f"/projects/{access.project_id}/rule-set#suggestions", status_code=303)


@router.post(
    "/projects/{project_id}/rule-set/suggestions/{suggestion_id}/accept", include_in_schema=False
)
async def accept_suggestion(
    access: WebProjectEditor, suggestion_id: SuggestionId, session: Session
) -> Response:
    """Accepting opens the new draft, where it can be backtested before activation."""
    accepted = await SuggestionService(session).accept(access, suggestion_id)
    url = f"/projects/{access.project_id}/rule-set/versions/{accepted.draft_version}"
    return RedirectResponse(url, status_code=303)


@router.post(
    "/projects/{project_id}/rule-set/suggestions/{suggestion_id}/dismiss", include_in_schema=False
)
async def dismiss_suggestion(
    access: WebProjectEditor, suggestion_id: SuggestionId, session: Session
) -> Response:
    await SuggestionService(session).dismiss(access, suggestion_id)
    return RedirectResponse(f"/projects/{access.project_id}/rule-set#suggestions", status_code=303)


async def _reviewable_jobs(access: ProjectAccess, session: AsyncSession) -> list[ReconciliationJob]:
    """Completed jobs with stored results: what a backtest compares with, suggestions learn from."""
    return [
        job
        for job in await JobService(session).list_jobs(access)
        if job.status == JobStatus.COMPLETED and not job.results_expired
    ]


@router.post("/projects/{project_id}/rule-set/drafts", include_in_schema=False)
async def create_draft(
    access: WebProjectEditor,
    session: Session,
    from_version: Annotated[int | None, Form()] = None,
) -> Response:
    """A draft copied from ``from_version`` (default: the active version), opened for editing."""
    draft = await RuleSetService(session).create_draft(
        access, DraftCreate(from_version=from_version)
    )
    url = f"/projects/{access.project_id}/rule-set/versions/{draft.number}"
    return RedirectResponse(url, status_code=303)


@router.get("/projects/{project_id}/rule-set/versions/{number}", include_in_schema=False)
async def get_version_page(
    request: Request, access: WebProjectReader, number: Number, session: Session
) -> Response:
    service = RuleSetService(session)
    version = await service.get_version(access, number)
    jobs = await _reviewable_jobs(access, session)
    return render(
        request,
        "rule_sets/version.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "rule_version": version,  # "version" is the app's, in the page footer
            "proposed": proposed_evidence(version.note),
            "is_draft": version.status == RuleSetVersionStatus.DRAFT,
            "rules": version.rules.model_dump(mode="json"),
            "jobs": jobs,
            "backtests": await service.list_backtests(access, number),
            "can_edit": await may_edit(access),
        },
    )


@router.post("/projects/{project_id}/rule-set/versions/{number}", include_in_schema=False)
async def save_draft(
    access: WebProjectEditor,
    number: Number,
    session: Session,
    rules: Annotated[dict[str, Any], Body(embed=True)],
) -> Response:
    """Save the editor's rules into the draft, validated as the API validates them."""
    try:
        rule_set = RuleSet.model_validate(rules)
    except ValidationError as error:
        return JSONResponse({"valid": False, "errors": validation_errors(error)}, status_code=422)
    await RuleSetService(session).update_draft(access, number, DraftUpdate(rules=rule_set))
    return JSONResponse({"valid": True, "errors": [], "saved": True})


@router.post("/projects/{project_id}/rule-set/versions/{number}/activate", include_in_schema=False)
async def activate_version(access: WebProjectEditor, number: Number, session: Session) -> Response:
    await RuleSetService(session).activate(access, number)
    url = f"/projects/{access.project_id}/rule-set/versions/{number}"
    return RedirectResponse(url, status_code=303)


@router.post("/projects/{project_id}/rule-set/versions/{number}/backtests", include_in_schema=False)
async def start_backtest(
    request: Request,
    access: WebProjectEditor,
    number: Number,
    session: Session,
    queue: TaskQueueDep,
    job_id: Annotated[int, Form(ge=1)],
) -> Response:
    """Queue a backtest as the API does; answers with its panel, which polls until it is done."""
    backtest = await RuleSetService(session).request_backtest(access, number, job_id)
    await queue.enqueue(session, BACKTEST_TASK, backtest_id=backtest.id)
    return _backtest_panel(request, access.project_id, backtest)


@router.get("/projects/{project_id}/rule-set/backtests/{backtest_id}", include_in_schema=False)
async def get_backtest_panel(
    request: Request, access: WebProjectReader, backtest_id: BacktestId, session: Session
) -> Response:
    backtest = await RuleSetService(session).get_backtest(access, backtest_id)
    return _backtest_panel(request, access.project_id, backtest)


def _backtest_panel(request: Request, project_id: int, backtest: BacktestRead) -> Response:
    return render(
        request, "rule_sets/_backtest.html", {"project_id": project_id, "backtest": backtest}
    )
