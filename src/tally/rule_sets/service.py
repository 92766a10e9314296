"""The rules about rule sets: a project's rules live in numbered versions; drafts may change and be
backtested, a version is frozen once activated, and exactly one version is active at a time.

Backtests run in the background (``tally.rule_sets.tasks``) and change nothing but their own row.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import get_settings
from tally.jobs.repository import JobRepository
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.kit.errors import Conflict, NotFound, TallyError
from tally.kit.pagination import Cursor, read_all
from tally.matching.rules import RuleSet
from tally.matching.suggest import JobReview, RuleFigures, RuleProposal, propose_rules
from tally.models import (
    BacktestStatus,
    JobStatus,
    MatchOrigin,
    MatchStatus,
    ReconciliationJob,
    RuleSetBacktest,
    RuleSetVersion,
    RuleSetVersionStatus,
    RuleSuggestion,
    SuggestionStatus,
)
from tally.projects.auth import ProjectAccess, ProjectNotFound
from tally.rule_sets.backtest import ACCEPTED, REJECTED, decision_pairs
from tally.rule_sets.inference import RuleInferenceService
from tally.rule_sets.repository import RuleSetRepository
from tally.rule_sets.schemas import (
    BacktestRead,
    DraftCreate,
    DraftUpdate,
    RuleSetVersionRead,
    SuggestionRead,
)
from tally.sources.frames import load_record_frame

BACKTEST_TASK = "backtest_rule_set"
RECENT_BACKTESTS_LIMIT = 20  # the rule sets page lists the most recent
DEFAULT_RULES_NOTE = "Set as the project's default rules (activated without a backtest)."
# The records of all the jobs suggestions learn from at once (each source counted once); see
# SuggestionService.suggest.
SUGGEST_MAX_RECORDS = 200_000
BUILT_IN_NOTE = "Tally's built-in rules: the project had no rule-set version yet."
# The note of the draft the run page keeps its edits in (saved as they are made).
RUN_PAGE_NOTE = "Edited on the run page."


class RuleSetVersionNotFound(NotFound):
    """No such rule-set version in this project."""


class VersionNotEditable(Conflict):
    """Only a draft may change or be deleted; a version is frozen from its first activation."""


class VersionIsDraft(TallyError):
    """A job runs with a released version only; a draft can be backtested, then activated."""

    status_code = 422


class BacktestNotFound(NotFound):
    """No such backtest in this project."""


class BacktestJobNotFound(NotFound):
    """The job to backtest against (or learn from) is not in this project."""


class JobNotBacktestable(Conflict):
    """The job has no stored results to compare with or learn from (not completed, or its
    results expired)."""


@dataclass(frozen=True)
class JobRules:
    """What a new job runs with: a version (None: its own rules) and the rules; ``infer``: the
    rules are inferred from its sources by its own task first (``rules`` is a placeholder)."""

    version: int | None
    rules: RuleSet
    infer: bool = False


@dataclass(frozen=True)
class EditorRules:
    """What the run page's editor shows: the rules a job started there runs with."""

    version: RuleSetVersionRead | None  # None: no version yet (proposed from the sources)
    newer_draft: int | None = None  # a run-page draft newer than the active version


def version_read(version: RuleSetVersion, author_email: str | None) -> RuleSetVersionRead:
    return RuleSetVersionRead(
        number=version.number,
        status=RuleSetVersionStatus(version.status),
        rules=version.rules,
        note=version.note,
        author_id=version.author_id,
        author_email=author_email,
        created_at=version.created_at,
        updated_at=version.updated_at,
        activated_at=version.activated_at,
    )


class RuleSetService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = RuleSetRepository(session)

    # --- reading --------------------------------------------------------------------------------

    async def page_versions(
        self, access: ProjectAccess, cursor: Cursor
    ) -> tuple[list[RuleSetVersionRead], bool]:
        """A page of the project's rule-set versions, newest first (``cursor`` on numbers)."""
        rows, has_more = await self.repository.page_with_authors(access.project_id, cursor)
        return [version_read(version, email) for version, email in rows], has_more

    async def list_versions(self, access: ProjectAccess) -> list[RuleSetVersionRead]:
        """Every version of the project's rule set, newest first."""
        return await read_all(lambda cursor: self.page_versions(access, cursor), _number)

    async def get_version(self, access: ProjectAccess, number: int) -> RuleSetVersionRead:
        version = await self._version(access, number)
        return version_read(version, await self.repository.author_email(version))

    async def active_rules(self, access: ProjectAccess) -> RuleSet:
        """What a new job uses when it names no rules: the active version, else the built-in."""
        active = await self.repository.active(access.project_id)
        return RuleSet.model_validate(active.rules) if active else DEFAULT_RULE_SET

    async def editor_rules(self, access: ProjectAccess, draft: int | None = None) -> EditorRules:
        """The version the run page edits: draft ``draft`` when it is still a draft (edits made
        there are kept in it), else the active version, offering the newest run-page draft if
        it is newer; no version when the project has none (its rules are then proposed from the
        sources, as its first job would infer them)."""
        if draft is not None:
            version = await self.repository.get(access.project_id, draft)
            if version is not None and version.status == RuleSetVersionStatus.DRAFT:
                return EditorRules(version_read(version, None))
        active = await self.repository.active(access.project_id)
        if active is None:
            return EditorRules(None)
        newest = await self.repository.get(
            access.project_id, await self.repository.next_number(access.project_id) - 1
        )
        newer = (
            newest.number
            if newest is not None
            and newest.status == RuleSetVersionStatus.DRAFT
            and newest.note == RUN_PAGE_NOTE
            and newest.number > active.number
            else None
        )
        return EditorRules(version_read(active, None), newer)

    async def _version(self, access: ProjectAccess, number: int) -> RuleSetVersion:
        version = await self.repository.get(access.project_id, number)
        if version is None:
            raise RuleSetVersionNotFound(f"Rule-set version {number} not found in this project")
        return version

    # --- for jobs -------------------------------------------------------------------------------

    async def version_for_job(
        self,
        access: ProjectAccess,
        number: int | None,
        rules: RuleSet | None,
        sources: tuple[int, int] | None = None,
        *,
        inline_max_records: int | None = None,
    ) -> JobRules:
        """The (version number, rules) a new job runs with.

        A named version must be released (active or retired). Rules given with the job that are
        not the active version's (or, without one, what the job would run) run as no version.
        Otherwise: the active version, created the first time a project needs one from rules
        inferred from the job's ``sources``: here when they hold at most ``inline_max_records``
        records together (default: the setting), else by the job's own task first
        (``JobRules.infer``: the job is created with the built-in rules as a placeholder and
        the task records the inferred version on it before matching).
        """
        if number is not None:
            version = await self._version(access, number)
            if version.status == RuleSetVersionStatus.DRAFT:
                raise VersionIsDraft(
                    f"Version {number} is a draft: backtest it, then activate it to run jobs"
                )
            return JobRules(version.number, RuleSet.model_validate(version.rules))
        active = await self.repository.active(access.project_id)
        current = RuleSet.model_validate(active.rules) if active else DEFAULT_RULE_SET
        if rules is not None and rules != current:
            return JobRules(None, rules)
        if active is None and sources is not None:
            limit = inline_max_records
            if limit is None:
                limit = get_settings().infer_inline_max_records
            inference = RuleInferenceService(self.session)
            if await inference.too_large_inline(*sources, limit):
                return JobRules(None, DEFAULT_RULE_SET, infer=True)
            active, _ = await inference.propose(access, *sources, activate=True)
        if active is None:
            await self._lock(access)
            active = await self._release(access, DEFAULT_RULE_SET, BUILT_IN_NOTE)
        return JobRules(active.number, RuleSet.model_validate(active.rules))

    # --- writing --------------------------------------------------------------------------------

    async def create_draft(self, access: ProjectAccess, data: DraftCreate) -> RuleSetVersionRead:
        """A new draft version: the given rules, or a copy of a version to edit."""
        await self._lock(access)
        rules = data.rules
        if rules is None and data.from_version is not None:
            rules = RuleSet.model_validate((await self._version(access, data.from_version)).rules)
        if rules is None:
            rules = await self.active_rules(access)
        version = await self._add(access, rules, data.note, RuleSetVersionStatus.DRAFT)
        return version_read(version, access.principal.email)

    async def update_draft(
        self, access: ProjectAccess, number: int, data: DraftUpdate
    ) -> RuleSetVersionRead:
        version = await self._draft(access, number, "changed")
        version.rules = data.rules.model_dump(mode="json")
        if data.note is not None:
            version.note = data.note
        version.updated_at = datetime.now(UTC)
        await self.session.flush()
        return version_read(version, await self.repository.author_email(version))

    async def delete_draft(self, access: ProjectAccess, number: int) -> None:
        await self.repository.delete(await self._draft(access, number, "deleted"))

    async def activate(self, access: ProjectAccess, number: int) -> RuleSetVersionRead:
        """Make ``number`` the version new jobs use (a draft is frozen by this; a retired version
        may come back). The previously active version is retired."""
        await self._lock(access)
        version = await self._version(access, number)
        if version.status != RuleSetVersionStatus.ACTIVE:
            await self.repository.retire_active(access.project_id)
            await self.session.flush()  # the one-active index sees the retirement first
            version.status = RuleSetVersionStatus.ACTIVE
            version.activated_at = datetime.now(UTC)
            await self.session.flush()
        return version_read(version, await self.repository.author_email(version))

    async def release_rules(self, access: ProjectAccess, rules: RuleSet, note: str) -> int:
        """Store ``rules`` as a new version and activate it at once (no backtest): the path of
        ``PUT /projects/{id}/default-rules`` and of scripts. Returns the version number."""
        await self._lock(access)
        return (await self._release(access, rules, note)).number

    async def _release(self, access: ProjectAccess, rules: RuleSet, note: str) -> RuleSetVersion:
        await self.repository.retire_active(access.project_id)
        await self.session.flush()
        version = await self._add(access, rules, note, RuleSetVersionStatus.ACTIVE)
        version.activated_at = version.created_at
        await self.session.flush()
        return version

    async def _add(
        self, access: ProjectAccess, rules: RuleSet, note: str, status: RuleSetVersionStatus
    ) -> RuleSetVersion:
        return await self.repository.add(
            RuleSetVersion(
                project_id=access.project_id,
                number=await self.repository.next_number(access.project_id),
                status=status,
                rules=rules.model_dump(mode="json"),
                note=note,
                author_id=access.principal.user_id,
            )
        )

    async def _draft(self, access: ProjectAccess, number: int, verb: str) -> RuleSetVersion:
        version = await self._version(access, number)
        if version.status != RuleSetVersionStatus.DRAFT:
            raise VersionNotEditable(
                f"Version {number} is {version.status} and can no longer be {verb}; "
                "create a draft from it instead"
            )
        return version

    async def _lock(self, access: ProjectAccess) -> None:
        if not await self.repository.lock_project(access.project_id):
            raise ProjectNotFound(f"Project {access.project_id} not found")

    # --- backtests ------------------------------------------------------------------------------

    async def request_backtest(
        self, access: ProjectAccess, number: int, job_id: int
    ) -> BacktestRead:
        """Store a queued backtest of version ``number`` against job ``job_id`` (the caller
        enqueues it). The version's rules are copied, so a later edit of the draft does not
        change what this backtest measures."""
        version = await self._version(access, number)
        job = await _completed_job(self.session, access, job_id)
        backtest = await self.repository.add_backtest(
            RuleSetBacktest(
                project_id=access.project_id,
                version_id=version.id,
                job_id=job.id,
                rules=version.rules,
                status=BacktestStatus.QUEUED,
                created_by_id=access.principal.user_id,
            )
        )
        return _backtest_read(backtest, version)

    async def get_backtest(self, access: ProjectAccess, backtest_id: int) -> BacktestRead:
        backtest = await self.repository.get_backtest(access.project_id, backtest_id)
        if backtest is None:
            raise BacktestNotFound(f"Backtest {backtest_id} not found in this project")
        version = await self.repository.get_by_id(backtest.version_id)
        assert version is not None  # the backtest cascades with its version
        return _backtest_read(backtest, version)

    async def page_backtests(
        self, access: ProjectAccess, number: int, cursor: Cursor
    ) -> tuple[list[BacktestRead], bool]:
        """A page of the version's backtests, newest first, and whether more follow."""
        version = await self._version(access, number)
        backtests, has_more = await self.repository.page_backtests(version.id, cursor)
        return [_backtest_read(b, version) for b in backtests], has_more

    async def list_backtests(self, access: ProjectAccess, number: int) -> list[BacktestRead]:
        """The version's most recent backtests, newest first."""
        backtests, _ = await self.page_backtests(access, number, Cursor(RECENT_BACKTESTS_LIMIT))
        return backtests


def _backtest_read(backtest: RuleSetBacktest, version: RuleSetVersion) -> BacktestRead:
    return BacktestRead.model_validate(
        {
            "id": backtest.id,
            "version": version.number,
            "outdated": backtest.rules != version.rules,
            "job_id": backtest.job_id,
            "status": backtest.status,
            "report": backtest.report,
            "error": backtest.error,
            "created_at": backtest.created_at,
            "finished_at": backtest.finished_at,
        }
    )


class SuggestionNotFound(NotFound):
    """No such rule suggestion in this project."""


class SuggestionDecided(Conflict):
    """The suggestion was already accepted or dismissed."""


class TooManyRecordsForSuggestions(TallyError):
    """Suggestions are learned within the request; the chosen jobs hold too many records."""

    status_code = 422


class SuggestionService:
    """Rules proposed from the review decisions of a project's past jobs (tally.matching.suggest),
    kept until a user accepts one (its rule goes into a new draft version, to backtest and
    activate) or dismisses it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = RuleSetRepository(session)

    async def page_suggestions(
        self, access: ProjectAccess, status: SuggestionStatus, cursor: Cursor
    ) -> tuple[list[SuggestionRead], bool]:
        """A page of the project's suggestions in ``status``, newest first."""
        rows, has_more = await self.repository.page_suggestions(access.project_id, status, cursor)
        return [SuggestionRead.model_validate(s) for s in rows], has_more

    async def list_suggestions(
        self, access: ProjectAccess, status: SuggestionStatus = SuggestionStatus.OPEN
    ) -> list[SuggestionRead]:
        """Every suggestion of the project in ``status``, newest first."""
        return await read_all(lambda cursor: self.page_suggestions(access, status, cursor), _id)

    async def suggest(
        self, access: ProjectAccess, job_ids: list[int] | None = None
    ) -> list[SuggestionRead]:
        """Learn from the manual matches and confirmed suggestions of ``job_ids`` (default: every
        completed job of the project whose results are stored), pooled, and measure each proposal
        on every one of those jobs; the project's open suggestions are replaced by what is found.

        The engine runs in a thread, inside the request: it holds the jobs' sources in memory and
        runs each proposal (at most three) over each job, so together the jobs may hold up to
        SUGGEST_MAX_RECORDS records; above that the request is refused and names the cap.
        """
        if job_ids is None:
            jobs = await self.repository.stored_jobs(access.project_id)
        else:
            chosen = sorted(set(job_ids), reverse=True)  # newest first, as the default
            jobs = [await _completed_job(self.session, access, i) for i in chosen]
        source_ids = {s for job in jobs for s in (job.left_source_id, job.right_source_id)}
        records = await self.repository.record_count(source_ids)
        if records > SUGGEST_MAX_RECORDS:
            raise TooManyRecordsForSuggestions(
                f"The {len(jobs)} jobs to learn from hold {records} records; suggestions learn "
                f"from up to {SUGGEST_MAX_RECORDS} in one request: choose fewer jobs (job_ids)"
            )
        frames = {s: await load_record_frame(self.session, s) for s in sorted(source_ids)}
        reviews = []
        for job in jobs:
            matches, links = await self.repository.job_results(job.id)
            reviews.append(
                JobReview(
                    job_id=job.id,
                    left=frames[job.left_source_id],
                    right=frames[job.right_source_id],
                    learned=decision_pairs(matches, links, _LEARNED),
                    positives=decision_pairs(matches, links, ACCEPTED),
                    negatives=decision_pairs(matches, links, REJECTED),
                )
            )
        proposals = await asyncio.to_thread(propose_rules, reviews)
        stored = await self.repository.replace_open_suggestions(
            access.project_id, [_suggestion(access.project_id, p) for p in proposals]
        )
        return [SuggestionRead.model_validate(s) for s in stored]

    async def accept(self, access: ProjectAccess, suggestion_id: int) -> SuggestionRead:
        """Add the suggested rule (last, so existing rules keep priority) and its derived fields
        to a new draft copied from the active version."""
        suggestion = await self._open(access, suggestion_id)
        base = (await RuleSetService(self.session).active_rules(access)).model_dump(mode="json")
        derived = {d["name"]: d for d in base["derived_fields"]}
        rule = dict(suggestion.rule)
        for field in suggestion.derived_fields:
            name = field["name"]
            if name in derived and derived[name] != field:
                # A different field of that name exists: keep both, and point the rule at this one.
                renamed = f"{name}_{suggestion.id}"
                rule["conditions"] = [_renamed(c, name, renamed) for c in rule["conditions"]]
                field = {**field, "name": renamed}
            derived.setdefault(field["name"], field)
        names = {r["name"] for r in base["rules"]}
        rule["name"] = _unique(rule["name"], names)
        try:
            rules = RuleSet.model_validate(
                {**base, "rules": [*base["rules"], rule], "derived_fields": list(derived.values())}
            )
        except ValidationError as error:
            raise SuggestionDecided(
                f"Suggestion {suggestion_id} cannot join the active rules: "
                f"{error.errors()[0]['msg']}"
            ) from error
        draft = await RuleSetService(self.session).create_draft(
            access, DraftCreate(rules=rules, note=f"Adds {rule['name']}: {suggestion.description}")
        )
        self._decide(access, suggestion, SuggestionStatus.ACCEPTED)
        suggestion.draft_version = draft.number
        await self.session.flush()
        return SuggestionRead.model_validate(suggestion)

    async def dismiss(self, access: ProjectAccess, suggestion_id: int) -> SuggestionRead:
        suggestion = await self._open(access, suggestion_id)
        self._decide(access, suggestion, SuggestionStatus.DISMISSED)
        await self.session.flush()
        return SuggestionRead.model_validate(suggestion)

    async def _open(self, access: ProjectAccess, suggestion_id: int) -> RuleSuggestion:
        suggestion = await self.repository.get_suggestion(access.project_id, suggestion_id)
        if suggestion is None:
            raise SuggestionNotFound(f"Suggestion {suggestion_id} not found in this project")
        if suggestion.status != SuggestionStatus.OPEN:
            raise SuggestionDecided(f"Suggestion {suggestion_id} is already {suggestion.status}")
        return suggestion

    @staticmethod
    def _decide(
        access: ProjectAccess, suggestion: RuleSuggestion, status: SuggestionStatus
    ) -> None:
        suggestion.status = status
        suggestion.decided_by_id = access.principal.user_id
        suggestion.decided_at = datetime.now(UTC)


async def _completed_job(
    session: AsyncSession, access: ProjectAccess, job_id: int
) -> ReconciliationJob:
    job = await JobRepository(session).get_in_project(access.project_id, job_id)
    if job is None:
        raise BacktestJobNotFound(f"Job {job_id} not found in this project")
    if job.status != JobStatus.COMPLETED or job.results_expired:
        state = "results have expired" if job.results_expired else f"is {job.status}"
        raise JobNotBacktestable(
            f"Job {job_id} {state}: choose a completed job with stored results"
        )
    return job


# What suggestions learn from: manual matches, and the confirmed matches the engine had not
# settled itself (suggested, ambiguous, discrepancies).
_LEARNED = (pl.col("status") == MatchStatus.MANUAL) | (
    (pl.col("status") == MatchStatus.CONFIRMED) & (pl.col("origin") != MatchOrigin.AUTO)
)


def _suggestion(project_id: int, proposal: RuleProposal) -> RuleSuggestion:
    return RuleSuggestion(
        project_id=project_id,
        status=SuggestionStatus.OPEN,
        rule=proposal.rule.model_dump(mode="json"),
        derived_fields=[d.model_dump(mode="json") for d in proposal.derived_fields],
        description=proposal.description,
        support=proposal.support,
        jobs=[{"job_id": job_id, **_figures(figures)} for job_id, figures in proposal.by_job],
        **_figures(proposal.overall),
    )


def _figures(figures: RuleFigures) -> dict[str, Any]:
    precision = figures.precision
    return {**asdict(figures), "precision": None if precision is None else round(precision, 4)}


def _renamed(condition: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {
        k: (new if k in ("field", "right_field") and v == old else v) for k, v in condition.items()
    }


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate


def _number(version: RuleSetVersionRead) -> int:
    return version.number


def _id(suggestion: SuggestionRead) -> int:
    return suggestion.id
