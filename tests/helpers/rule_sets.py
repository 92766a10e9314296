"""Rule-set versions, a finished backtest and an open suggestion, written directly, for
authorization tests."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.rules import DEFAULT_RULE_SET
from tally.models import (
    BacktestStatus,
    Project,
    ReconciliationJob,
    RuleSetBacktest,
    RuleSetVersion,
    RuleSetVersionStatus,
    RuleSuggestion,
    SuggestionStatus,
)


async def seed_rule_set(
    session: AsyncSession, *, project: Project, job: ReconciliationJob
) -> dict[str, int]:
    """Version 1 active, version 2 a draft with a finished backtest against ``job``, and an open
    suggestion learned from ``job``."""
    rules = DEFAULT_RULE_SET.model_dump(mode="json")
    active = RuleSetVersion(
        project_id=project.id, number=1, status=RuleSetVersionStatus.ACTIVE, rules=rules
    )
    draft = RuleSetVersion(
        project_id=project.id, number=2, status=RuleSetVersionStatus.DRAFT, rules=rules
    )
    session.add_all([active, draft])
    await session.flush()
    backtest = RuleSetBacktest(
        project_id=project.id,
        version_id=draft.id,
        job_id=job.id,
        rules=rules,
        status=BacktestStatus.FAILED,
        error="seeded",
    )
    suggestion = RuleSuggestion(
        project_id=project.id,
        job_id=job.id,
        status=SuggestionStatus.OPEN,
        rule={**rules["rules"][0], "name": "suggested_reference"},
        derived_fields=[],
        description="reference equal",
        pairs=3,
        support=3,
        found=3,
        predicted=3,
        confirmed=3,
        rejected=0,
        conflicting=0,
        precision=1.0,
    )
    session.add_all([backtest, suggestion])
    await session.commit()
    return {"number": draft.number, "backtest_id": backtest.id, "suggestion_id": suggestion.id}
