from __future__ import annotations

from fastapi import APIRouter

from tally.jobs.schemas import JobRead
from tally.jobs.service import JobNotFound, JobService
from tally.kit.errors import error_responses
from tally.projects.auth import ProjectNotFound, ProjectReader
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/jobs", tags=["reconciliation jobs"])


@router.get("", response_model=list[JobRead], responses=error_responses(ProjectNotFound))
async def get_reconciliation_jobs(access: ProjectReader, session: Session) -> list[JobRead]:
    return [JobRead.model_validate(job) for job in await JobService(session).list_jobs(access)]


@router.get(
    "/{job_id}", response_model=JobRead, responses=error_responses(ProjectNotFound, JobNotFound)
)
async def get_reconciliation_job(access: ProjectReader, job_id: int, session: Session) -> JobRead:
    return JobRead.model_validate(await JobService(session).get_job(access, job_id))
