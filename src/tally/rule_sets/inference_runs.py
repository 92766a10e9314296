"""Running rule inference in the background: a run of its own (queued by the infer endpoint for
large sources), or the first step of a job started with no active version over large sources.

Inference itself reads a bounded sample (``tally.matching.infer``); what grows with the sources is
loading their records, which a job does anyway: so a job's inference works on the frames the job
has just loaded, and costs the job only the bounded inference (its ``infer`` phase).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import polars as pl
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database, run_in_transaction
from tally.matching.infer import InferredRules, infer_rules
from tally.matching.rules import RuleSet
from tally.models import InferenceStatus, ReconciliationJob
from tally.rule_sets.inference import RuleInferenceService
from tally.rule_sets.repository import RuleSetRepository
from tally.sources.frames import load_record_frame

log = structlog.get_logger("tally.rule_sets")

RunInThread = Callable[..., Awaitable[Any]]
# The share of the progress bar reached when each phase starts: loading the records is what
# grows with the sources; inference reads a bounded sample of them.
PHASE_PROGRESS = {"loading": 0.02, "inferring": 0.6, "storing": 0.95}


class InferenceCancelled(Exception):
    """A cancellation was asked for while the run was working."""


async def run_inference(
    database: Database, run_id: int, *, run_in_thread: RunInThread = asyncio.to_thread
) -> InferenceStatus | None:
    """Run inference ``run_id`` to completed, failed or cancelled; None if it was finished."""
    run = await run_in_transaction(
        database, lambda s: RuleSetRepository(s).claim_inference(run_id, datetime.now(UTC))
    )
    if run is None:
        return None
    values: dict[str, Any] = {}
    try:
        await _phase(database, run_id, "loading")
        left, right = await asyncio.gather(
            _load(database, run.left_source_id), _load(database, run.right_source_id)
        )
        await _phase(database, run_id, "inferring")
        inferred: InferredRules = await run_in_thread(infer_rules, left, right)
        await _phase(database, run_id, "storing")

        async def store(session: AsyncSession) -> None:
            version = await RuleInferenceService(session).store(
                run.project_id, inferred, activate=run.activate
            )
            await RuleSetRepository(session).finish_inference(
                run_id,
                InferenceStatus.COMPLETED,
                datetime.now(UTC),
                progress=1.0,
                version_number=version.number,
                evidence=inferred.to_dict(),
            )

        await run_in_transaction(database, store)
        status = InferenceStatus.COMPLETED
    except InferenceCancelled:
        status = InferenceStatus.CANCELLED
    except Exception as error:
        log.exception("rule_sets.inference_failed", run_id=run_id)
        status, values = InferenceStatus.FAILED, {"error": f"{type(error).__name__}: {error}"}
    if status != InferenceStatus.COMPLETED:
        await _finish(database, run_id, status, **values)
    log.info("rule_sets.inference_finished", run_id=run_id, status=status)
    return status


async def infer_job_rules(
    database: Database,
    job: ReconciliationJob,
    left: pl.DataFrame,
    right: pl.DataFrame,
    run_in_thread: RunInThread,
) -> RuleSet | None:
    """The rules of a job created with no active version over large sources: inferred here from
    the frames the job loaded, stored as the project's first (active) version and recorded on
    the job. None when the job has no inference to run (or it ran on an earlier attempt, whose
    rules the job already holds).

    If another version became active meanwhile, the job runs that one and the inferred rules
    are kept as a draft. A failed inference fails the job; retrying the job runs it again.
    """
    run = await run_in_transaction(
        database, lambda s: RuleSetRepository(s).inference_of_job(job.id)
    )
    if run is None or run.status == InferenceStatus.COMPLETED:
        return None
    again = (InferenceStatus.FAILED, InferenceStatus.CANCELLED)
    claimed = await run_in_transaction(
        database,
        lambda s: RuleSetRepository(s).claim_inference(run.id, datetime.now(UTC), again=again),
    )
    if claimed is None:
        return None
    await _phase(database, run.id, "inferring")
    try:
        inferred: InferredRules = await run_in_thread(infer_rules, left, right)
    except Exception as error:
        await _finish(
            database, run.id, InferenceStatus.FAILED, error=f"{type(error).__name__}: {error}"
        )
        raise

    async def store(session: AsyncSession) -> RuleSet:
        repository = RuleSetRepository(session)
        version = await RuleInferenceService(session).store(
            job.project_id, inferred, activate=False
        )
        active = await repository.active(job.project_id)
        assert active is not None  # store() activated the inferred version if none was
        await repository.record_job_rules(job.id, active.rules, active.number)
        await repository.finish_inference(
            run.id,
            InferenceStatus.COMPLETED,
            datetime.now(UTC),
            progress=1.0,
            version_number=version.number,
            evidence=inferred.to_dict(),
        )
        return RuleSet.model_validate(active.rules)

    rules = await run_in_transaction(database, store)
    log.info("rule_sets.job_rules_inferred", job_id=job.id, run_id=run.id)
    return rules


async def _load(database: Database, source_id: int) -> pl.DataFrame:
    async with database.sessionmaker() as session:
        return await load_record_frame(session, source_id)


async def _phase(database: Database, run_id: int, phase: str) -> None:
    cancel = await run_in_transaction(
        database,
        lambda s: RuleSetRepository(s).set_inference_progress(run_id, phase, PHASE_PROGRESS[phase]),
    )
    if cancel:
        raise InferenceCancelled


async def _finish(database: Database, run_id: int, status: InferenceStatus, **values: Any) -> None:
    await run_in_transaction(
        database,
        lambda s: RuleSetRepository(s).finish_inference(
            run_id, status, datetime.now(UTC), **values
        ),
    )
