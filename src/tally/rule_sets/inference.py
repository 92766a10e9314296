"""Rules inferred from a project's data: proposed as a rule-set version with their evidence.

The pure work is :func:`tally.matching.infer.infer_rules`; this module loads the two sources'
records, runs it off the event loop, and stores the result as a version whose note carries the
evidence (author: "inferred from data", no user). A project with no active version gets it as
its first, active version; otherwise it is a draft to backtest and activate as any other.

Sources larger than ``Settings.infer_inline_max_records`` together are inferred in the background
(a ``RuleInferenceRun`` run by ``tally.rule_sets.inference_runs`` on the task queue, polled like a
backtest); a first job over such sources runs the inference in its own task.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import Conflict, NotFound, TallyError
from tally.matching.infer import INFERRED_AUTHOR, InferredRules, infer_rules
from tally.models import (
    DataSourceStatus,
    InferenceStatus,
    RuleInferenceRun,
    RuleSetVersion,
    RuleSetVersionStatus,
)
from tally.projects.auth import ProjectAccess, ProjectNotFound
from tally.rule_sets.repository import RuleSetRepository
from tally.rule_sets.schemas import NOTE_LENGTH, RuleSetVersionRead
from tally.sources.frames import load_record_frame
from tally.sources.repository import DataSourceRepository

PROPOSED_TITLE = "Proposed from your data"
INFER_TASK = "infer_rule_set"


class SourcesNotInferable(TallyError):
    """The two sources must be different, ready sources of this project."""

    status_code = 422


class InferenceNotFound(NotFound):
    """No such rule inference in this project."""


class InferenceFinished(Conflict):
    """The inference already finished; only a queued or running one can be cancelled."""


class InferenceCreate(BaseModel):
    left_source_id: int = Field(ge=1)
    right_source_id: int = Field(ge=1)
    activate: bool = Field(
        False,
        description="Activate the inferred version at once (it is activated anyway when the "
        "project has no active version yet)",
    )
    background: bool | None = Field(
        None,
        description="Run in the background (202, poll Location) even for small sources; by "
        "default only sources holding more records than the server's inline limit are",
    )


class InferenceRunRead(BaseModel):
    """Rules being inferred in the background: poll until `status` is completed or failed."""

    id: int
    status: InferenceStatus
    phase: str = Field(description="queued, loading, inferring, storing, then the final status")
    progress: float = Field(ge=0, le=1)
    left_source_id: int
    right_source_id: int
    job_id: int | None = Field(
        description="The job whose first rules these are (its task runs the inference)"
    )
    activate: bool
    version: int | None = Field(description="The version stored, once completed")
    evidence: dict[str, Any] | None = Field(description="As InferenceRead.evidence, once completed")
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def inference_run_read(run: RuleInferenceRun) -> InferenceRunRead:
    return InferenceRunRead(
        id=run.id,
        status=InferenceStatus(run.status),
        phase=run.phase,
        progress=run.progress,
        left_source_id=run.left_source_id,
        right_source_id=run.right_source_id,
        job_id=run.job_id,
        activate=run.activate,
        version=run.version_number,
        evidence=run.evidence,
        error=run.error,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


class InferenceRead(BaseModel):
    version: RuleSetVersionRead
    evidence: dict[str, Any] = Field(
        description="Per rule: supporting pairs, share of records covered, margin over the "
        "runner-up, estimated precision and a note; plus the models' notes"
    )


def inferred_note(inferred: InferredRules) -> str:
    """The version note: a title, then the evidence in words (within the note's length)."""
    text = f"{PROPOSED_TITLE} ({INFERRED_AUTHOR}).\n{inferred.describe()}"
    return text if len(text) <= NOTE_LENGTH else text[: NOTE_LENGTH - 1] + "…"


def proposed_evidence(note: str) -> list[str] | None:
    """The evidence lines of an inferred version's note (None for any other version)."""
    if not note.startswith(PROPOSED_TITLE):
        return None
    return [line.lstrip("-* ").strip() for line in note.splitlines()[1:] if line.strip()]


class RuleInferenceService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = RuleSetRepository(session)

    async def check_sources(
        self, access: ProjectAccess, left_source_id: int, right_source_id: int
    ) -> None:
        """Both sources must be different, ready sources of the project."""
        if left_source_id == right_source_id:
            raise SourcesNotInferable("Choose two different data sources")
        sources = DataSourceRepository(self.session)
        for side, source_id in (("left", left_source_id), ("right", right_source_id)):
            source = await sources.get_in_project(access.project_id, source_id)
            if source is None or source.status != DataSourceStatus.READY:
                raise SourcesNotInferable(
                    f"The {side} data source {source_id} is not a ready source of this project"
                )

    async def too_large_inline(
        self, left_source_id: int, right_source_id: int, inline_max_records: int
    ) -> bool:
        """Whether inferring from the two sources belongs in the background."""
        records = await self.repository.record_count({left_source_id, right_source_id})
        return records > inline_max_records

    async def infer(
        self, access: ProjectAccess, left_source_id: int, right_source_id: int
    ) -> InferredRules:
        """Infer rules for two ready sources of the project (read only)."""
        await self.check_sources(access, left_source_id, right_source_id)
        left = await load_record_frame(self.session, left_source_id)
        right = await load_record_frame(self.session, right_source_id)
        return await asyncio.to_thread(infer_rules, left, right)

    async def propose(
        self,
        access: ProjectAccess,
        left_source_id: int,
        right_source_id: int,
        *,
        activate: bool = False,
    ) -> tuple[RuleSetVersion, InferredRules]:
        """Store inferred rules as a new version: active when asked or when the project has no
        active version (its first job then needs nothing), else a draft."""
        inferred = await self.infer(access, left_source_id, right_source_id)
        return await self.store(access.project_id, inferred, activate=activate), inferred

    async def store(
        self, project_id: int, inferred: InferredRules, *, activate: bool
    ) -> RuleSetVersion:
        """A new version of the project holding ``inferred``: active when asked or when the
        project has none active yet, else a draft."""
        if not await self.repository.lock_project(project_id):
            raise ProjectNotFound(f"Project {project_id} not found")
        first = await self.repository.active(project_id) is None
        status = RuleSetVersionStatus.ACTIVE if activate or first else RuleSetVersionStatus.DRAFT
        if status == RuleSetVersionStatus.ACTIVE:
            await self.repository.retire_active(project_id)
            await self.session.flush()
        version = await self.repository.add(
            RuleSetVersion(
                project_id=project_id,
                number=await self.repository.next_number(project_id),
                status=status,
                rules=inferred.rule_set.model_dump(mode="json"),
                note=inferred_note(inferred),
                author_id=None,
            )
        )
        if status == RuleSetVersionStatus.ACTIVE:
            version.activated_at = version.created_at
            await self.session.flush()
        return version

    # --- in the background ----------------------------------------------------------------------

    async def request(
        self,
        access: ProjectAccess,
        left_source_id: int,
        right_source_id: int,
        *,
        activate: bool = False,
        job_id: int | None = None,
    ) -> RuleInferenceRun:
        """Store a queued inference run (the caller enqueues it, or the job's task runs it)."""
        await self.check_sources(access, left_source_id, right_source_id)
        return await self.repository.add_inference(
            RuleInferenceRun(
                project_id=access.project_id,
                left_source_id=left_source_id,
                right_source_id=right_source_id,
                job_id=job_id,
                activate=activate,
                status=InferenceStatus.QUEUED,
                phase="queued",
                progress=0.0,
                cancel_requested=False,
                attempts=0,
                created_by_id=access.principal.user_id,
            )
        )

    async def propose_or_request(
        self,
        access: ProjectAccess,
        left_source_id: int,
        right_source_id: int,
        *,
        inline_max_records: int,
        activate: bool = False,
        background: bool | None = None,
    ) -> tuple[RuleSetVersion, InferredRules] | RuleInferenceRun:
        """Infer now and store the version when the sources hold at most ``inline_max_records``
        records together, else store a queued run for the background (the caller enqueues it);
        ``background`` decides instead when given."""
        await self.check_sources(access, left_source_id, right_source_id)
        if background is None:
            background = await self.too_large_inline(
                left_source_id, right_source_id, inline_max_records
            )
        if background:
            return await self.request(access, left_source_id, right_source_id, activate=activate)
        return await self.propose(access, left_source_id, right_source_id, activate=activate)

    async def get_run(self, access: ProjectAccess, run_id: int) -> InferenceRunRead:
        return inference_run_read(await self._run(access, run_id))

    async def latest_run(self, access: ProjectAccess) -> InferenceRunRead | None:
        run = await self.repository.latest_inference(access.project_id)
        return inference_run_read(run) if run is not None else None

    async def cancel_run(self, access: ProjectAccess, run_id: int) -> InferenceRunRead:
        """A queued run is cancelled at once; a running one stops at its next phase (a job's
        inference is cancelled with its job)."""
        run = await self._run(access, run_id)
        if run.job_id is not None:
            raise InferenceFinished(
                f"Inference {run_id} belongs to job {run.job_id}: cancel the job instead"
            )
        if run.status == InferenceStatus.QUEUED:
            run.status = InferenceStatus.CANCELLED
            run.phase = str(InferenceStatus.CANCELLED)
            run.finished_at = datetime.now(UTC)
        elif run.status == InferenceStatus.RUNNING:
            run.cancel_requested = True
        else:
            raise InferenceFinished(f"Inference {run_id} is already {run.status}")
        await self.session.flush()
        return inference_run_read(run)

    async def _run(self, access: ProjectAccess, run_id: int) -> RuleInferenceRun:
        run = await self.repository.get_inference(access.project_id, run_id)
        if run is None:
            raise InferenceNotFound(f"Rule inference {run_id} not found in this project")
        return run
