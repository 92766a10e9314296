from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Body, Path, Query, Request, Response, status

from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectWrite
from tally.kit.accepted import accepted_response, mark_accepted
from tally.kit.errors import Forbidden, error_responses
from tally.kit.pagination import CursorPage, CursorQuery, InvalidCursor
from tally.kit.tasks import TaskQueueDep
from tally.models import RuleInferenceRun, SuggestionStatus
from tally.projects.auth import ProjectEditor, ProjectNotFound, ProjectReader
from tally.rule_sets.inference import (
    INFER_TASK,
    InferenceCreate,
    InferenceFinished,
    InferenceNotFound,
    InferenceRead,
    InferenceRunRead,
    RuleInferenceService,
    SourcesNotInferable,
    inference_run_read,
)
from tally.rule_sets.schemas import (
    BacktestCreate,
    BacktestRead,
    DraftCreate,
    DraftUpdate,
    RuleSetVersionRead,
    SuggestionCreate,
    SuggestionRead,
)
from tally.rule_sets.service import (
    BACKTEST_TASK,
    BacktestJobNotFound,
    BacktestNotFound,
    JobNotBacktestable,
    RuleSetService,
    RuleSetVersionNotFound,
    SuggestionDecided,
    SuggestionNotFound,
    SuggestionService,
    TooManyRecordsForSuggestions,
    VersionNotEditable,
    version_read,
)
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/rule-set", tags=["rule sets"])
Number = Annotated[int, Path(ge=1, description="The version number within the project")]
SuggestionId = Annotated[int, Path(ge=1)]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[SuggestionRead]])
_read_errors = error_responses(ProjectNotFound, RuleSetVersionNotFound)
_draft_errors = error_responses(
    ProjectNotFound, Forbidden, RuleSetVersionNotFound, VersionNotEditable
)


@router.get(
    "/versions",
    operation_id="rule_sets_list_versions",
    response_model=CursorPage[RuleSetVersionRead],
    responses={**_read_errors, **error_responses(InvalidCursor)},
)
async def get_rule_set_versions(
    access: ProjectReader, session: Session, cursor: CursorQuery
) -> CursorPage[RuleSetVersionRead]:
    """The versions of the project's rule set, newest first (one of them is `active`), by
    cursor: starting_after and ending_before take version numbers."""
    versions, has_more = await RuleSetService(session).page_versions(access, cursor)
    return CursorPage[RuleSetVersionRead](items=versions, has_more=has_more)


@router.post(
    "/versions",
    operation_id="rule_sets_create_draft",
    response_model=RuleSetVersionRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(ProjectNotFound, Forbidden, RuleSetVersionNotFound),
    },
)
async def create_rule_set_draft(
    access: IdempotentProjectWrite, data: DraftCreate, session: Session
) -> RuleSetVersionRead:
    """A new draft version (given rules, or a copy of a version); backtest it, then activate."""
    return await RuleSetService(session).create_draft(access, data)


@router.get(
    "/versions/{number}",
    operation_id="rule_sets_get_version",
    response_model=RuleSetVersionRead,
    responses=_read_errors,
)
async def get_rule_set_version(
    access: ProjectReader, number: Number, session: Session
) -> RuleSetVersionRead:
    return await RuleSetService(session).get_version(access, number)


@router.put(
    "/versions/{number}",
    operation_id="rule_sets_update_draft",
    response_model=RuleSetVersionRead,
    responses=_draft_errors,
)
async def update_rule_set_draft(
    access: ProjectEditor, number: Number, data: DraftUpdate, session: Session
) -> RuleSetVersionRead:
    """Change a draft's rules (and note); activated versions are frozen (409)."""
    return await RuleSetService(session).update_draft(access, number, data)


@router.delete(
    "/versions/{number}",
    operation_id="rule_sets_delete_draft",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_draft_errors,
)
async def delete_rule_set_draft(access: ProjectEditor, number: Number, session: Session) -> None:
    await RuleSetService(session).delete_draft(access, number)


@router.post(
    "/versions/{number}/activate",
    operation_id="rule_sets_activate_version",
    response_model=RuleSetVersionRead,
    responses=error_responses(ProjectNotFound, Forbidden, RuleSetVersionNotFound),
)
async def activate_rule_set_version(
    access: ProjectEditor, number: Number, session: Session
) -> RuleSetVersionRead:
    """Make the version the one new jobs use; the previously active one is retired."""
    return await RuleSetService(session).activate(access, number)


@router.post(
    "/versions/{number}/backtests",
    operation_id="backtests_create",
    response_model=BacktestRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **IDEMPOTENCY_ERRORS,
        **accepted_response("The backtest is queued: poll Location until it completes"),
        **error_responses(
            ProjectNotFound,
            Forbidden,
            RuleSetVersionNotFound,
            BacktestJobNotFound,
            JobNotBacktestable,
        ),
    },
)
async def create_rule_set_backtest(
    access: IdempotentProjectWrite,
    number: Number,
    data: BacktestCreate,
    session: Session,
    queue: TaskQueueDep,
    request: Request,
    response: Response,
) -> BacktestRead:
    """Run the version over a completed job's inputs in the background, changing nothing; poll
    the backtest for its diff against the job's results and its precision and recall against
    the job's review decisions."""
    backtest = await RuleSetService(session).request_backtest(access, number, data.job_id)
    await queue.enqueue(session, BACKTEST_TASK, backtest_id=backtest.id)
    route = "get_rule_set_backtest"
    mark_accepted(request, response, route, project_id=access.project_id, backtest_id=backtest.id)
    return backtest


@router.get(
    "/versions/{number}/backtests",
    operation_id="backtests_list",
    response_model=CursorPage[BacktestRead],
    responses={**_read_errors, **error_responses(InvalidCursor)},
)
async def get_rule_set_backtests(
    access: ProjectReader, number: Number, session: Session, cursor: CursorQuery
) -> CursorPage[BacktestRead]:
    """The version's backtests, newest first, by cursor."""
    backtests, has_more = await RuleSetService(session).page_backtests(access, number, cursor)
    return CursorPage[BacktestRead](items=backtests, has_more=has_more)


@router.get(
    "/backtests/{backtest_id}",
    operation_id="backtests_get",
    response_model=BacktestRead,
    responses=error_responses(ProjectNotFound, BacktestNotFound),
)
async def get_rule_set_backtest(
    access: ProjectReader, backtest_id: Annotated[int, Path(ge=1)], session: Session
) -> BacktestRead:
    return await RuleSetService(session).get_backtest(access, backtest_id)


@router.get(
    "/suggestions",
    operation_id="suggestions_list",
    response_model=CursorPage[SuggestionRead],
    responses=error_responses(ProjectNotFound, InvalidCursor),
)
async def get_rule_suggestions(
    access: ProjectReader,
    session: Session,
    cursor: CursorQuery,
    state: Annotated[SuggestionStatus, Query(alias="status")] = SuggestionStatus.OPEN,
) -> CursorPage[SuggestionRead]:
    """Rules proposed from review decisions, newest first, with coverage and precision."""
    suggestions, has_more = await SuggestionService(session).page_suggestions(access, state, cursor)
    return CursorPage[SuggestionRead](items=suggestions, has_more=has_more)


@router.post(
    "/suggestions",
    operation_id="suggestions_create",
    response_model=list[SuggestionRead],
    status_code=status.HTTP_201_CREATED,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(
            ProjectNotFound,
            Forbidden,
            BacktestJobNotFound,
            JobNotBacktestable,
            TooManyRecordsForSuggestions,
        ),
    },
)
async def create_rule_suggestions(
    access: IdempotentProjectWrite,
    session: Session,
    data: Annotated[SuggestionCreate | None, Body()] = None,
) -> list[SuggestionRead]:
    """Learn rules from the manual matches and confirmed suggestions of the project's completed
    jobs with stored results (or of `job_ids`), pooled: patterns seen in at least three pairs
    of any of them. Each is measured on every one of those jobs (per job and overall); they
    replace the project's open suggestions. The jobs may hold up to 200,000 records together."""
    job_ids = data.job_ids if data is not None else None
    return await SuggestionService(session).suggest(access, job_ids)


def _decision_route(verb: str) -> Callable[[Endpoint], Endpoint]:
    return router.post(
        f"/suggestions/{{suggestion_id}}/{verb}",
        operation_id=f"suggestions_{verb}",
        response_model=SuggestionRead,
        responses=error_responses(
            ProjectNotFound, Forbidden, SuggestionNotFound, SuggestionDecided
        ),
    )


@_decision_route("accept")
async def accept_rule_suggestion(
    access: ProjectEditor, suggestion_id: SuggestionId, session: Session
) -> SuggestionRead:
    """Add the rule to a new draft version (see `draft_version`): backtest it, then activate."""
    return await SuggestionService(session).accept(access, suggestion_id)


@_decision_route("dismiss")
async def dismiss_rule_suggestion(
    access: ProjectEditor, suggestion_id: SuggestionId, session: Session
) -> SuggestionRead:
    return await SuggestionService(session).dismiss(access, suggestion_id)


@router.post(
    "/infer",
    operation_id="rule_sets_infer",
    response_model=InferenceRead | InferenceRunRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        201: {"model": InferenceRead, "description": "Inferred within the request and stored"},
        **accepted_response(
            "Large sources: the inference is queued (an InferenceRunRead); poll Location until "
            "it completes, then read its version"
        ),
        **error_responses(ProjectNotFound, Forbidden, SourcesNotInferable),
    },
)
async def infer_rule_set(
    access: ProjectEditor,
    data: InferenceCreate,
    session: Session,
    queue: TaskQueueDep,
    request: Request,
    response: Response,
) -> InferenceRead | InferenceRunRead:
    """Infer a rule set from two sources' records (no labels, no rules written) and store it as
    a new version with its evidence: a draft to backtest and activate, or the active version when
    `activate` is set or the project has none yet.

    When the sources hold more records together than the server's inline limit (setting
    TALLY_INFER_INLINE_MAX_RECORDS), or `background` is set, it runs in the background like a
    backtest: 202 with Location (the inference to poll) and Retry-After."""
    started = await RuleInferenceService(session).propose_or_request(
        access,
        data.left_source_id,
        data.right_source_id,
        inline_max_records=request.app.state.settings.infer_inline_max_records,
        activate=data.activate,
        background=data.background,
    )
    if isinstance(started, RuleInferenceRun):
        await queue.enqueue(session, INFER_TASK, run_id=started.id)
        response.status_code = status.HTTP_202_ACCEPTED
        route = "get_rule_inference"
        mark_accepted(
            request, response, route, project_id=access.project_id, inference_id=started.id
        )
        return inference_run_read(started)
    version, inferred = started
    return InferenceRead(version=version_read(version, None), evidence=inferred.to_dict())


@router.get(
    "/inferences/{inference_id}",
    operation_id="rule_sets_get_inference",
    response_model=InferenceRunRead,
    responses=error_responses(ProjectNotFound, InferenceNotFound),
)
async def get_rule_inference(
    access: ProjectReader, inference_id: Annotated[int, Path(ge=1)], session: Session
) -> InferenceRunRead:
    """An inference running in the background: its phase and progress, then its version and
    evidence (completed) or its error (failed)."""
    return await RuleInferenceService(session).get_run(access, inference_id)


@router.post(
    "/inferences/{inference_id}/cancel",
    operation_id="rule_sets_cancel_inference",
    response_model=InferenceRunRead,
    responses=error_responses(ProjectNotFound, Forbidden, InferenceNotFound, InferenceFinished),
)
async def cancel_rule_inference(
    access: ProjectEditor, inference_id: Annotated[int, Path(ge=1)], session: Session
) -> InferenceRunRead:
    """Cancel a queued inference at once, a running one at its next phase (nothing is stored).
    A job's own inference is cancelled with the job."""
    return await RuleInferenceService(session).cancel_run(access, inference_id)
