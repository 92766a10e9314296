"""A job's summary as the run stored it and every review keeps it current (totals per side,
decision counts per rule), and the quality report read from it: precision of automatic matches,
manual share and ambiguity, per rule and overall."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache.invalidation import invalidate_jobs
from tally.jobs.service import JobService
from tally.models import JobStatus, ReconciliationJob
from tally.projects.auth import ProjectAccess
from tally.results.review_repository import ReviewRepository
from tally.results.schemas import QualityReport, RuleQuality
from tally.results.shaping import quality_figures
from tally.results.stats_repository import Decision, StatsRepository

# Manual matches carry this rule index: the quality report lists them after the engine's rules.
MANUAL_RULE_INDEX = -1


class QualityService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.reviews = ReviewRepository(session)
        self.stats = StatsRepository(session)

    async def quality_report(self, access: ProjectAccess, job_id: int) -> QualityReport:
        """Precision of automatic matches, manual share and ambiguity, per rule and overall,
        from the reviewers' decisions so far."""
        job = await JobService(self.session).get_job(access, job_id)
        return await self.quality_of(job)

    async def quality_of(self, job: ReconciliationJob) -> QualityReport:
        rows = await self.decisions(job)
        by_rule: dict[tuple[int, str], list[tuple[str, str, int]]] = defaultdict(list)
        for rule, rule_index, origin, status, n in rows:
            by_rule[(rule_index, rule)].append((origin, status, n))
        # Engine rules in priority order, manual matches last.
        ordered = sorted(by_rule, key=lambda k: (k[0] == MANUAL_RULE_INDEX, k[0], k[1]))
        return QualityReport(
            job_id=job.id,
            overall=quality_figures((o, s, n) for _r, _i, o, s, n in rows),
            rules=[
                RuleQuality(
                    rule=rule, rule_index=index, figures=quality_figures(by_rule[(index, rule)])
                )
                for index, rule in ordered
            ],
        )

    async def decisions(self, job: ReconciliationJob) -> list[Decision]:
        """The job's decision counts as its summary keeps them (set by the run, moved by every
        review). A job completed before the summary kept them is counted once and they are
        stored, under the job's lock so that a review meanwhile is not overwritten."""
        stored = stored_decisions(job.summary)
        if stored is not None:
            return stored
        if stored_totals(job) is None:  # not completed or expired: nothing to keep current
            return await self.stats.decision_counts(job.id)
        locked = await self.reviews.lock_job(job.project_id, job.id)
        assert locked is not None  # the caller just read it; jobs are deleted with their project
        stored = stored_decisions(locked.summary)
        if stored is not None:
            return stored
        decisions = await self.stats.decision_counts(job.id)
        await self.reviews.update_job_summary(locked, {"decisions": decision_rows(decisions)})
        # The job's summary changed: cached job reads go.
        invalidate_jobs(self.session, job.project_id)
        return decisions


def stored_totals(job: ReconciliationJob) -> dict[str, Any] | None:
    """The job's summary when it describes stored results (kept current by every review)."""
    if job.status != JobStatus.COMPLETED or getattr(job, "results_expired", False):
        return None
    return job.summary


def stored_decisions(summary: dict[str, Any] | None) -> list[Decision] | None:
    """The summary's ``decisions`` rows, or None when it has none (a job run before they were
    kept)."""
    rows = (summary or {}).get("decisions")
    if not isinstance(rows, list):
        return None
    return [(str(r), int(i), str(o), str(s), int(n)) for r, i, o, s, n in rows]


def moved_decisions(
    stored: Iterable[Decision], before: Iterable[Decision], after: Iterable[Decision]
) -> list[Decision]:
    """The stored counts less the touched matches' ``before`` counts plus their ``after`` ones."""
    count: dict[tuple[str, int, str, str], int] = defaultdict(int)
    for sign, rows in ((1, stored), (-1, before), (1, after)):
        for rule, rule_index, origin, status, n in rows:
            count[(rule, rule_index, origin, status)] += sign * n
    return [(*key, n) for key, n in sorted(count.items()) if n]


def decision_rows(decisions: Iterable[Decision]) -> list[list[Any]]:
    return [list(row) for row in decisions]
