"""Rules inferred from a project's data: proposed as a rule-set version with their evidence.

The pure work is :func:`tally.matching.infer.infer_rules`; this module loads the two sources'
records, runs it off the event loop, and stores the result as a version whose note carries the
evidence (author: "inferred from data", no user). A project with no active version gets it as
its first, active version; otherwise it is a draft to backtest and activate as any other.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import TallyError
from tally.matching.infer import INFERRED_AUTHOR, InferredRules, infer_rules
from tally.models import DataSourceStatus, RuleSetVersion, RuleSetVersionStatus
from tally.projects.auth import ProjectAccess, ProjectNotFound
from tally.rule_sets.repository import RuleSetRepository
from tally.rule_sets.schemas import NOTE_LENGTH, RuleSetVersionRead
from tally.sources.frames import load_record_frame
from tally.sources.repository import DataSourceRepository

PROPOSED_TITLE = "Proposed from your data"
# A job's first rules are inferred while the job is created when its sources hold at most this
# many records together (inference reads a date window of larger ones, but loading them is
# the caller's wait); larger first jobs start with the built-in rules.
INFER_INLINE_MAX_RECORDS = 400_000


class SourcesNotInferable(TallyError):
    """The two sources must be different, ready sources of this project."""

    status_code = 422


class InferenceCreate(BaseModel):
    left_source_id: int = Field(ge=1)
    right_source_id: int = Field(ge=1)
    activate: bool = Field(
        False,
        description="Activate the inferred version at once (it is activated anyway when the "
        "project has no active version yet)",
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

    async def infer(
        self, access: ProjectAccess, left_source_id: int, right_source_id: int
    ) -> InferredRules:
        """Infer rules for two ready sources of the project (read only)."""
        if left_source_id == right_source_id:
            raise SourcesNotInferable("Choose two different data sources")
        sources = DataSourceRepository(self.session)
        for side, source_id in (("left", left_source_id), ("right", right_source_id)):
            source = await sources.get_in_project(access.project_id, source_id)
            if source is None or source.status != DataSourceStatus.READY:
                raise SourcesNotInferable(
                    f"The {side} data source {source_id} is not a ready source of this project"
                )
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
        if not await self.repository.lock_project(access.project_id):
            raise ProjectNotFound(f"Project {access.project_id} not found")
        first = await self.repository.active(access.project_id) is None
        status = RuleSetVersionStatus.ACTIVE if activate or first else RuleSetVersionStatus.DRAFT
        if status == RuleSetVersionStatus.ACTIVE:
            await self.repository.retire_active(access.project_id)
            await self.session.flush()
        version = await self.repository.add(
            RuleSetVersion(
                project_id=access.project_id,
                number=await self.repository.next_number(access.project_id),
                status=status,
                rules=inferred.rule_set.model_dump(mode="json"),
                note=inferred_note(inferred),
                author_id=None,
            )
        )
        if status == RuleSetVersionStatus.ACTIVE:
            version.activated_at = version.created_at
            await self.session.flush()
        return version, inferred
