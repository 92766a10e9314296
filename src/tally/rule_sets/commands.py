"""The work behind `tally rules infer`: infer within the command for small sources; for sources
above the inline limit, store an inference run and run it here as the worker would, with a
progress bar (the run stays readable through the API like one the server queued)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import open_writing_database
from tally.config import get_settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.errors import TallyError
from tally.models import InferenceStatus, RuleInferenceRun
from tally.projects.auth import owner_access
from tally.rule_sets.inference import RuleInferenceService, proposed_evidence
from tally.rule_sets.inference_runs import run_inference
from tally.rule_sets.repository import RuleSetRepository

console = Console(stderr=True)


class InferenceFailed(TallyError):
    """The background inference ended without a version (its error says why)."""

    status_code = 500


@dataclass(frozen=True)
class Proposed:
    number: int
    status: str
    inferred: dict[str, Any]  # InferredRules.to_dict()
    evidence: list[str]  # the evidence lines of the version's note


async def propose(project_id: int, left: int, right: int, activate: bool) -> Proposed:
    """Infer and store a version, as the project's owner; in the background above the limit."""
    settings = get_settings()
    database = await open_writing_database(settings)
    try:

        async def start(session: AsyncSession) -> Proposed | int:
            access = await owner_access(session, project_id)
            started = await RuleInferenceService(session).propose_or_request(
                access,
                left,
                right,
                inline_max_records=settings.infer_inline_max_records,
                activate=activate,
            )
            if isinstance(started, RuleInferenceRun):
                return started.id
            version, inferred = started
            return Proposed(
                version.number,
                str(version.status),
                inferred.to_dict(),
                proposed_evidence(version.note) or [],
            )

        started = await run_in_transaction(database, start)
        if isinstance(started, Proposed):
            return started
        return await _run_with_progress(database, project_id, started)
    finally:
        await database.dispose()


async def _run_with_progress(database: Database, project_id: int, run_id: int) -> Proposed:
    task = asyncio.create_task(run_inference(database, run_id))
    columns = (
        TextColumn("Inferring rules ({task.fields[phase]})"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("infer", total=1.0, phase="queued")
        while not task.done():
            await asyncio.sleep(0.5)
            run = await _read(database, run_id)
            progress.update(bar, completed=run.progress, phase=run.phase)
        await task
        progress.update(bar, completed=1.0, phase="done")
    run = await _read(database, run_id)
    if run.status != InferenceStatus.COMPLETED or run.version_number is None:
        raise InferenceFailed(f"Rule inference {run_id} {run.status}: {run.error or 'no version'}")
    number = run.version_number

    async def version(session: AsyncSession) -> Proposed:
        stored = await RuleSetRepository(session).get(project_id, number)
        assert stored is not None  # stored by the run just now
        return Proposed(
            stored.number,
            str(stored.status),
            run.evidence or {},
            proposed_evidence(stored.note) or [],
        )

    return await run_in_transaction(database, version)


async def _read(database: Database, run_id: int) -> RuleInferenceRun:
    async def read(session: AsyncSession) -> RuleInferenceRun:
        run = await session.get(RuleInferenceRun, run_id)
        assert run is not None  # the command created it
        return run

    return await run_in_transaction(database, read)
