"""Rule-set versions, a finished backtest, an open suggestion and a queued inference, written
directly, for authorization tests; another job run in an existing project, for suggestions learned across jobs."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally import models
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database
from tests.helpers.jobs import create_job
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.results import RULES, Reconciled, record_ids_by_label


async def another_job(
    session: AsyncSession,
    db: Database,
    world: Reconciled,
    *,
    bank: dict[str, Row],
    ledger: dict[str, Row],
    rules: dict[str, Any] | None = None,
) -> Reconciled:
    """A job over new sources of ``bank`` and ``ledger`` in ``world``'s project, run to
    completion; the same users, this job and its records."""
    left, right = [
        await create_source_with_rows(
            session, project=world.project, name=f"{name} {world.job.id}", rows=list(rows.values())
        )
        for name, rows in (("bank", bank), ("ledger", ledger))
    ]
    job = await create_job(
        session, project=world.project, left=left, right=right, status=models.JobStatus.QUEUED
    )
    job.rules = rules or RULES
    await session.commit()
    assert await run_reconciliation(db, job.id) == models.JobStatus.COMPLETED
    await session.refresh(job)
    return dataclasses.replace(
        world,
        job=job,
        left=await record_ids_by_label(session, left.id, list(bank)),
        right=await record_ids_by_label(session, right.id, list(ledger)),
    )


async def seed_rule_set(
    session: AsyncSession, *, project: models.Project, job: models.ReconciliationJob
) -> dict[str, int]:
    """Version 1 active, version 2 a draft with a finished backtest against ``job``, an open
    suggestion learned from ``job``, and a queued inference from ``job``'s sources."""
    rules = DEFAULT_RULE_SET.model_dump(mode="json")
    active = models.RuleSetVersion(
        project_id=project.id, number=1, status=models.RuleSetVersionStatus.ACTIVE, rules=rules
    )
    draft = models.RuleSetVersion(
        project_id=project.id, number=2, status=models.RuleSetVersionStatus.DRAFT, rules=rules
    )
    session.add_all([active, draft])
    await session.flush()
    backtest = models.RuleSetBacktest(
        project_id=project.id,
        version_id=draft.id,
        job_id=job.id,
        rules=rules,
        status=models.BacktestStatus.FAILED,
        error="seeded",
    )
    figures: dict[str, Any] = {
        **dict.fromkeys(("pairs", "found", "predicted", "confirmed"), 3),
        **dict.fromkeys(("rejected", "conflicting"), 0),
        "precision": 1.0,
    }
    suggestion = models.RuleSuggestion(
        project_id=project.id,
        status=models.SuggestionStatus.OPEN,
        rule={**rules["rules"][0], "name": "suggested_reference"},
        derived_fields=[],
        description="reference equal",
        **figures,
        support=3,
        jobs=[{"job_id": job.id, **figures}],
    )
    inference = models.RuleInferenceRun(
        project_id=project.id,
        left_source_id=job.left_source_id,
        right_source_id=job.right_source_id,
        status=models.InferenceStatus.QUEUED,
    )
    session.add_all([backtest, suggestion, inference])
    await session.commit()
    return {
        "number": draft.number,
        "backtest_id": backtest.id,
        "suggestion_id": suggestion.id,
        "inference_id": inference.id,
    }
