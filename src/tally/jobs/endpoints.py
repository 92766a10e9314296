from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import NOT_MODIFIED, keys
from tally.cache.http import ETAG_HEADER, cached_unless_polled, versioned_response
from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectWrite
from tally.jobs.schemas import JobCreate, JobRead
from tally.jobs.service import (
    RECONCILE_TASK,
    JobNotFound,
    JobService,
    JobStateConflict,
    SourcesNotReconcilable,
    job_version,
)
from tally.kit.accepted import accepted_response, mark_accepted
from tally.kit.errors import Forbidden, error_responses
from tally.kit.pagination import NO_SINCE, CursorPage, CursorQuery, InvalidCursor, SinceQuery
from tally.kit.tasks import TaskQueueDep
from tally.projects.auth import ProjectEditor, ProjectNotFound, ProjectReader
from tally.rule_sets.service import RuleSetVersionNotFound, VersionIsDraft
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/jobs", tags=["reconciliation jobs"])


_JOBS = TypeAdapter(CursorPage[JobRead])


@router.get(
    "",
    operation_id="jobs_list",
    response_model=CursorPage[JobRead],
    responses={**error_responses(ProjectNotFound, InvalidCursor), **NOT_MODIFIED},
)
async def get_reconciliation_jobs(
    access: ProjectReader,
    request: Request,
    cursor: CursorQuery,
    since: SinceQuery,
) -> Response:
    """The project's jobs, newest first, by cursor (starting_after: older jobs)."""

    async def load(session: AsyncSession) -> bytes:
        jobs, has_more = await JobService(session).page_jobs(access, cursor, since)
        return _JOBS.dump_json(
            CursorPage[JobRead](
                items=[JobRead.model_validate(job) for job in jobs], has_more=has_more
            )
        )

    # Cached: every change to a job must call tally.cache.invalidate_jobs(session, project_id).
    key = keys.jobs(access.project_id, cursor)
    return await cached_unless_polled(request, key, load, polled=since != NO_SINCE)


@router.post(
    "",
    operation_id="jobs_create",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **accepted_response("The job is queued: poll Location until it completes"),
        **error_responses(
            ProjectNotFound,
            Forbidden,
            SourcesNotReconcilable,
            RuleSetVersionNotFound,
            VersionIsDraft,
        ),
    },
)
async def create_reconciliation_job(
    access: IdempotentProjectWrite,
    data: JobCreate,
    session: Session,
    queue: TaskQueueDep,
    request: Request,
    response: Response,
) -> JobRead:
    """Queue a job matching two ready data sources of the project; it runs in the background."""
    limit = request.app.state.settings.infer_inline_max_records
    job = await JobService(session).create_job(access, data, inline_inference_max_records=limit)
    await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)
    _poll_job(request, response, job.project_id, job.id)
    return JobRead.model_validate(job)


def _poll_job(request: Request, response: Response, project_id: int, job_id: int) -> None:
    route = "get_reconciliation_job"
    mark_accepted(request, response, route, project_id=project_id, job_id=job_id)


@router.get(
    "/{job_id}",
    operation_id="jobs_get",
    response_model=JobRead,
    responses={
        200: {"description": "The job", "headers": ETAG_HEADER},
        **NOT_MODIFIED,
        **error_responses(ProjectNotFound, JobNotFound),
    },
)
async def get_reconciliation_job(
    access: ProjectReader, job_id: int, session: Session, request: Request
) -> Response:
    """The job, its progress and summary. Poll it with If-None-Match: 304 while nothing changed."""
    job = await JobService(session).get_job(access, job_id)

    async def render() -> bytes:
        return JobRead.model_validate(job).model_dump_json().encode()

    return await versioned_response(request, job_version(job), render)


@router.post(
    "/{job_id}/cancel",
    operation_id="jobs_cancel",
    response_model=JobRead,
    responses=error_responses(ProjectNotFound, Forbidden, JobNotFound, JobStateConflict),
)
async def cancel_reconciliation_job(
    access: ProjectEditor, job_id: int, session: Session
) -> JobRead:
    """Cancel a queued job at once, or ask a running one to stop (it ends as `cancelled`)."""
    return JobRead.model_validate(await JobService(session).cancel_job(access, job_id))


@router.post(
    "/{job_id}/archive",
    operation_id="jobs_archive",
    response_model=JobRead,
    responses=error_responses(ProjectNotFound, Forbidden, JobNotFound, JobStateConflict),
)
async def archive_reconciliation_job(
    access: ProjectEditor, job_id: int, session: Session
) -> JobRead:
    """Archive a finished job: its matches, decisions and audit trail stay readable and become
    final (no more review changes), result retention keeps them, and the data sources it
    reconciled may then be deleted from the project. Archiving an archived job changes nothing."""
    return JobRead.model_validate(await JobService(session).archive_job(access, job_id))


@router.post(
    "/{job_id}/retry",
    operation_id="jobs_retry",
    response_model=JobRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **accepted_response("The job is queued again: poll Location until it completes"),
        **IDEMPOTENCY_ERRORS,
        **error_responses(ProjectNotFound, Forbidden, JobNotFound, JobStateConflict),
    },
)
async def retry_reconciliation_job(
    access: IdempotentProjectWrite,
    job_id: int,
    session: Session,
    queue: TaskQueueDep,
    request: Request,
    response: Response,
) -> JobRead:
    """Queue a failed or cancelled job again."""
    job = await JobService(session).retry_job(access, job_id)
    await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)
    _poll_job(request, response, job.project_id, job.id)
    return JobRead.model_validate(job)
