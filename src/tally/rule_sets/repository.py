from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import (
    BacktestStatus,
    DataSource,
    InferenceStatus,
    JobStatus,
    Match,
    MatchRecord,
    Project,
    ReconciliationJob,
    RuleInferenceRun,
    RuleSetBacktest,
    RuleSetVersion,
    RuleSetVersionStatus,
    RuleSuggestion,
    SuggestionStatus,
    User,
)

RECENT_BACKTESTS_LIMIT = 20
UNFINISHED_INFERENCES = (InferenceStatus.QUEUED, InferenceStatus.RUNNING)


class RuleSetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- versions -------------------------------------------------------------------------------

    async def lock_project(self, project_id: int) -> bool:
        """Serialise version changes of one project (numbering, activation); False if it is gone.

        SQLite has a single writer and ignores FOR UPDATE.
        """
        statement = select(Project.id).where(Project.id == project_id).with_for_update()
        return await self.session.scalar(statement) is not None

    async def page_with_authors(
        self, project_id: int, cursor: Cursor
    ) -> tuple[list[tuple[RuleSetVersion, str | None]], bool]:
        """A cursor page of the project's versions, newest first (keyset on the version
        number, which names a version in its project), each with its author's email."""
        statement = (
            select(RuleSetVersion, User.email)
            .outerjoin(User, User.id == RuleSetVersion.author_id)
            .where(RuleSetVersion.project_id == project_id)
        )
        rows = await self.session.execute(
            keyset(statement, RuleSetVersion.number, cursor, descending=True)
        )
        return cut([(row[0], row[1]) for row in rows], cursor)

    async def get(self, project_id: int, number: int) -> RuleSetVersion | None:
        statement = select(RuleSetVersion).where(
            RuleSetVersion.project_id == project_id, RuleSetVersion.number == number
        )
        return await self.session.scalar(statement)

    async def author_email(self, version: RuleSetVersion) -> str | None:
        if version.author_id is None:
            return None
        return await self.session.scalar(select(User.email).where(User.id == version.author_id))

    async def active(self, project_id: int) -> RuleSetVersion | None:
        statement = select(RuleSetVersion).where(
            RuleSetVersion.project_id == project_id,
            RuleSetVersion.status == RuleSetVersionStatus.ACTIVE,
        )
        return await self.session.scalar(statement)

    async def next_number(self, project_id: int) -> int:
        statement = select(func.max(RuleSetVersion.number)).where(
            RuleSetVersion.project_id == project_id
        )
        return int(await self.session.scalar(statement) or 0) + 1

    async def add(self, version: RuleSetVersion) -> RuleSetVersion:
        self.session.add(version)
        await self.session.flush()
        return version

    async def retire_active(self, project_id: int) -> None:
        await self.session.execute(
            update(RuleSetVersion)
            .where(
                RuleSetVersion.project_id == project_id,
                RuleSetVersion.status == RuleSetVersionStatus.ACTIVE,
            )
            .values(status=RuleSetVersionStatus.RETIRED)
        )

    async def delete(self, version: RuleSetVersion) -> None:
        await self.session.delete(version)
        await self.session.flush()

    # --- backtests ------------------------------------------------------------------------------

    async def add_backtest(self, backtest: RuleSetBacktest) -> RuleSetBacktest:
        self.session.add(backtest)
        await self.session.flush()
        return backtest

    async def get_backtest(self, project_id: int, backtest_id: int) -> RuleSetBacktest | None:
        statement = select(RuleSetBacktest).where(
            RuleSetBacktest.id == backtest_id, RuleSetBacktest.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def page_backtests(
        self, version_id: int, cursor: Cursor
    ) -> tuple[list[RuleSetBacktest], bool]:
        """A cursor page of the version's backtests, newest first."""
        statement = select(RuleSetBacktest).where(RuleSetBacktest.version_id == version_id)
        rows = await self.session.scalars(
            keyset(statement, RuleSetBacktest.id, cursor, descending=True)
        )
        return cut(list(rows), cursor)

    async def get_by_id(self, version_id: int) -> RuleSetVersion | None:
        return await self.session.get(RuleSetVersion, version_id)

    async def claim_backtest(self, backtest_id: int) -> RuleSetBacktest | None:
        """Mark a queued (or crashed-while-running) backtest running; None if it is finished."""
        result = await self.session.execute(
            update(RuleSetBacktest)
            .where(
                RuleSetBacktest.id == backtest_id,
                RuleSetBacktest.status.in_((BacktestStatus.QUEUED, BacktestStatus.RUNNING)),
            )
            .values(status=BacktestStatus.RUNNING, error=None)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        return await self.session.get(RuleSetBacktest, backtest_id)

    async def finish_backtest(
        self, backtest_id: int, status: BacktestStatus, now: datetime, **values: Any
    ) -> None:
        await self.session.execute(
            update(RuleSetBacktest)
            .where(RuleSetBacktest.id == backtest_id)
            .values(status=status, finished_at=now, **values)
        )

    async def unfinished_backtest_ids(self) -> list[int]:
        statement = (
            select(RuleSetBacktest.id)
            .where(RuleSetBacktest.status.in_((BacktestStatus.QUEUED, BacktestStatus.RUNNING)))
            .order_by(RuleSetBacktest.id)
        )
        return list(await self.session.scalars(statement))

    # --- suggestions ----------------------------------------------------------------------------

    async def page_suggestions(
        self, project_id: int, status: SuggestionStatus, cursor: Cursor
    ) -> tuple[list[RuleSuggestion], bool]:
        """A cursor page of the project's suggestions in one status, newest first."""
        statement = select(RuleSuggestion).where(
            RuleSuggestion.project_id == project_id, RuleSuggestion.status == status
        )
        rows = await self.session.scalars(
            keyset(statement, RuleSuggestion.id, cursor, descending=True)
        )
        return cut(list(rows), cursor)

    async def get_suggestion(self, project_id: int, suggestion_id: int) -> RuleSuggestion | None:
        statement = select(RuleSuggestion).where(
            RuleSuggestion.id == suggestion_id, RuleSuggestion.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def replace_open_suggestions(
        self, project_id: int, suggestions: list[RuleSuggestion]
    ) -> list[RuleSuggestion]:
        """The project's open suggestions become ``suggestions`` (decided ones stay)."""
        await self.session.execute(
            delete(RuleSuggestion).where(
                RuleSuggestion.project_id == project_id,
                RuleSuggestion.status == SuggestionStatus.OPEN,
            )
        )
        self.session.add_all(suggestions)
        await self.session.flush()
        return suggestions

    # --- past jobs, read for comparison and learning ---------------------------------------------

    async def stored_jobs(self, project_id: int) -> list[ReconciliationJob]:
        """The project's completed jobs whose results are still stored, newest first."""
        statement = (
            select(ReconciliationJob)
            .where(
                ReconciliationJob.project_id == project_id,
                ReconciliationJob.status == JobStatus.COMPLETED,
                ReconciliationJob.results_expired.is_(False),
            )
            .order_by(ReconciliationJob.id.desc())
        )
        return list(await self.session.scalars(statement))

    async def record_count(self, source_ids: set[int]) -> int:
        """How many records the sources hold together."""
        statement = select(func.coalesce(func.sum(DataSource.row_count), 0)).where(
            DataSource.id.in_(source_ids)
        )
        return int(await self.session.scalar(statement) or 0)

    async def job_results(self, job_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The job's matches (``match_key`` = match id, rule, origin, status, category) and their
        links (``match_key``, ``record_id``, ``side``), as frames; two range reads on the
        (job_id, ...) indexes."""
        matches = await self.session.execute(
            select(Match.id, Match.rule, Match.origin, Match.status, Match.category).where(
                Match.job_id == job_id
            )
        )
        links = await self.session.execute(
            select(MatchRecord.match_id, MatchRecord.record_id, MatchRecord.side).where(
                MatchRecord.job_id == job_id
            )
        )
        return (
            pl.DataFrame(
                matches.all(),
                schema={
                    "match_key": pl.Int64,
                    "rule": pl.String,
                    "origin": pl.String,
                    "status": pl.String,
                    "category": pl.String,
                },
                orient="row",
            ),
            pl.DataFrame(
                links.all(),
                schema={"match_key": pl.Int64, "record_id": pl.Int64, "side": pl.String},
                orient="row",
            ),
        )

    # --- inference runs -------------------------------------------------------------------------

    async def add_inference(self, run: RuleInferenceRun) -> RuleInferenceRun:
        self.session.add(run)
        await self.session.flush()
        return run

    async def get_inference(self, project_id: int, run_id: int) -> RuleInferenceRun | None:
        statement = select(RuleInferenceRun).where(
            RuleInferenceRun.id == run_id, RuleInferenceRun.project_id == project_id
        )
        return await self.session.scalar(statement)

    async def inference_of_job(self, job_id: int) -> RuleInferenceRun | None:
        statement = select(RuleInferenceRun).where(RuleInferenceRun.job_id == job_id)
        return await self.session.scalar(statement)

    async def latest_inference(self, project_id: int) -> RuleInferenceRun | None:
        """The project's newest inference run (the rules page shows it while it runs)."""
        statement = (
            select(RuleInferenceRun)
            .where(RuleInferenceRun.project_id == project_id)
            .order_by(RuleInferenceRun.id.desc())
            .limit(1)
        )
        return await self.session.scalar(statement)

    async def claim_inference(
        self, run_id: int, now: datetime, *, again: tuple[InferenceStatus, ...] = ()
    ) -> RuleInferenceRun | None:
        """Mark a queued (or crashed-while-running) run running, or one in an ``again`` status
        (a retried job's failed inference); None otherwise."""
        statuses = (*UNFINISHED_INFERENCES, *again)
        result = await self.session.execute(
            update(RuleInferenceRun)
            .where(RuleInferenceRun.id == run_id, RuleInferenceRun.status.in_(statuses))
            .values(
                status=InferenceStatus.RUNNING,
                error=None,
                started_at=now,
                attempts=RuleInferenceRun.attempts + 1,
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        return await self.session.get(RuleInferenceRun, run_id)

    async def set_inference_progress(self, run_id: int, phase: str, progress: float) -> bool:
        """Record the phase reached; True if a cancellation was asked for meanwhile."""
        await self.session.execute(
            update(RuleInferenceRun)
            .where(RuleInferenceRun.id == run_id)
            .values(phase=phase, progress=progress)
        )
        statement = select(RuleInferenceRun.cancel_requested).where(RuleInferenceRun.id == run_id)
        return bool(await self.session.scalar(statement))

    async def finish_inference(
        self, run_id: int, status: InferenceStatus, now: datetime, **values: Any
    ) -> None:
        await self.session.execute(
            update(RuleInferenceRun)
            .where(RuleInferenceRun.id == run_id)
            .values(status=status, phase=str(status), finished_at=now, **values)
        )

    async def record_job_rules(self, job_id: int, rules: dict[str, Any], version: int) -> None:
        """The rules a job runs with once its first rules were inferred by its own task."""
        await self.session.execute(
            update(ReconciliationJob)
            .where(ReconciliationJob.id == job_id)
            .values(rules=rules, rule_set_version=version)
        )

    async def unfinished_inference_ids(self) -> list[int]:
        """Runs of their own (not a job's: the job's task runs those) still to do."""
        statement = (
            select(RuleInferenceRun.id)
            .where(
                RuleInferenceRun.status.in_(UNFINISHED_INFERENCES),
                RuleInferenceRun.job_id.is_(None),
            )
            .order_by(RuleInferenceRun.id)
        )
        return list(await self.session.scalars(statement))
