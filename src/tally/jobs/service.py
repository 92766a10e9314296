"""The rules about reconciliation jobs: what may be reconciled, and a job's life cycle."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import invalidate_jobs
from tally.jobs.repository import JobRepository
from tally.jobs.schemas import JobCreate
from tally.kit.accepted import POLL_AFTER_SECONDS
from tally.kit.errors import Conflict, NotFound, TallyError
from tally.kit.pagination import NO_SINCE, Cursor, Since
from tally.models import (
    FINISHED_JOB_STATUSES,
    DataSourceStatus,
    JobStatus,
    ReconciliationJob,
)
from tally.projects.auth import ProjectAccess
from tally.reconciliations.service import ReconciliationService
from tally.rule_sets.inference import RuleInferenceService
from tally.rule_sets.service import RuleSetService
from tally.sources.repository import DataSourceRepository

RECENT_JOBS_LIMIT = 100
RECONCILE_TASK = "reconcile"


class JobNotFound(NotFound):
    """No such reconciliation job in this project."""


class SourcesNotReconcilable(TallyError):
    """The chosen data sources cannot be reconciled (missing, identical or not ready)."""

    status_code = 422


class JobNotCompleted(Conflict):
    """The job has not completed: it has no results to read yet (or never will, if it failed or
    was cancelled). A queued or running job answers with Retry-After."""


class JobStateConflict(Conflict):
    """The job is not in a state that allows this action."""


class JobService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = JobRepository(session)

    async def page_jobs(
        self, access: ProjectAccess, cursor: Cursor, since: Since = NO_SINCE
    ) -> tuple[list[ReconciliationJob], bool]:
        """A page of the project's jobs, newest first, and whether more follow."""
        return await self.repository.page_for_project(access.project_id, cursor, since)

    async def list_jobs(self, access: ProjectAccess) -> list[ReconciliationJob]:
        """The project's most recent jobs, newest first."""
        jobs, _ = await self.page_jobs(access, Cursor(limit=RECENT_JOBS_LIMIT))
        return jobs

    async def get_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        job = await self.repository.get_in_project(access.project_id, job_id)
        if job is None:
            raise JobNotFound(f"Job {job_id} not found in this project")
        return job

    async def completed_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        """The job, if its results can be read; JobNotCompleted (409) otherwise, never an empty
        page a client could take for "nothing matched"."""
        job = await self.get_job(access, job_id)
        if job.status == JobStatus.COMPLETED:
            return job
        if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            raise JobNotCompleted(
                f"Job {job_id} is {job.status}; its results are readable once it completes",
                headers={"Retry-After": str(POLL_AFTER_SECONDS)},
                status=job.status,
            )
        raise JobNotCompleted(
            f"Job {job_id} is {job.status}; it has no results (retry it to run it again)",
            status=job.status,
        )

    async def create_job(
        self,
        access: ProjectAccess,
        data: JobCreate,
        *,
        inline_inference_max_records: int | None = None,
    ) -> ReconciliationJob:
        """Validate the two sources and the rules, and store a queued job (the caller enqueues it).

        A project's first job with no rules given infers them from its sources: here when they
        hold at most ``inline_inference_max_records`` (default: the setting), else in the job's
        task (tally.rule_sets.inference_runs.infer_job_rules)."""
        if data.left_source_id == data.right_source_id:
            raise SourcesNotReconcilable("Choose two different data sources")
        sources = DataSourceRepository(self.session)
        for side, source_id in (("left", data.left_source_id), ("right", data.right_source_id)):
            source = await sources.get_in_project(access.project_id, source_id)
            if source is None:
                raise SourcesNotReconcilable(
                    f"The {side} data source {source_id} is not in this project"
                )
            if source.status != DataSourceStatus.READY:
                raise SourcesNotReconcilable(
                    f"The {side} data source '{source.name}' is {source.status}, not ready"
                )
        pair = (data.left_source_id, data.right_source_id)
        chosen = await RuleSetService(self.session).version_for_job(
            access,
            data.rule_set_version,
            data.rules,
            pair,
            inline_max_records=inline_inference_max_records,
        )
        reconciliation = await ReconciliationService(self.session).for_sources(
            access.project_id, data.left_source_id, data.right_source_id
        )
        job = ReconciliationJob(
            project_id=access.project_id,
            reconciliation_id=reconciliation.id,
            mode=data.mode,
            partitioning=data.partitioning,
            left_source_id=data.left_source_id,
            right_source_id=data.right_source_id,
            rules=chosen.rules.model_dump(mode="json"),
            rule_set_version=chosen.version,
            status=JobStatus.QUEUED,
            created_by_id=access.principal.user_id,
        )
        job = await self.repository.add(job)
        if chosen.infer:
            await RuleInferenceService(self.session).request(access, *pair, job_id=job.id)
        invalidate_jobs(self.session, access.project_id)
        return job

    async def cancel_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        """A queued job is cancelled at once; a running one is asked to stop at its next check."""
        job = await self.get_job(access, job_id)
        if job.status == JobStatus.QUEUED:
            job.status = JobStatus.CANCELLED
            job.finished_at = datetime.now(UTC)
        elif job.status == JobStatus.RUNNING:
            job.cancel_requested = True
        else:
            raise JobStateConflict(f"Job {job_id} is already {job.status}")
        await self.session.flush()
        invalidate_jobs(self.session, access.project_id)
        return job

    async def archive_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        """Freeze a finished job: its decisions and audit trail stay readable and final, retention
        keeps its results, and the sources it reconciled may then be deleted."""
        job = await self.get_job(access, job_id)
        if job.status not in FINISHED_JOB_STATUSES:
            raise JobStateConflict(f"Job {job_id} is {job.status}; only finished jobs are archived")
        if job.archived_at is None:
            job.archived_at = datetime.now(UTC)
            await self.session.flush()
            invalidate_jobs(self.session, access.project_id)
        return job

    async def retry_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        """Queue a failed or cancelled job again (the caller enqueues it)."""
        job = await self.get_job(access, job_id)
        if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise JobStateConflict(
                f"Only failed or cancelled jobs can be retried; job {job_id} is {job.status}"
            )
        job.status = JobStatus.QUEUED
        job.cancel_requested = False
        job.progress = 0.0
        job.error = None
        job.finished_at = None
        await self.session.flush()
        invalidate_jobs(self.session, access.project_id)
        return job


def job_version(job: ReconciliationJob) -> str:
    """What the ETags of the job and of its results pages derive from: the job's row changes
    with every change to the job, every run and every review of its results (their counts)."""
    return f"job:{job.id}:{job.updated_at.isoformat()}"
