"""The rules about a job's results: what each tab lists, who may change a match and how.

Review changes (confirm, reject, manual match) lock the job row, keep "a record is used at most
once per job" (checked first for a clear error; the partial unique index is the last line of
defence), write an audit event, and adjust the job's and the project's stored totals in the same
transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache.invalidation import invalidate_jobs
from tally.jobs.service import JobNotFound, JobService
from tally.kit.errors import Conflict, NotFound, TallyError
from tally.kit.pagination import NO_SINCE, Cursor, InvalidCursor, Page, PageParams, Paging, Since
from tally.matching.rules import PPM, AmountCondition, RuleSet
from tally.models import (
    AuditEvent,
    JobStatus,
    Match,
    MatchCategory,
    MatchOrigin,
    MatchRecord,
    MatchStatus,
    MatchTab,
    ReconciliationJob,
    Record,
    match_tab,
)
from tally.money import format_units
from tally.periods.locks import PeriodLocks
from tally.projects.auth import ProjectAccess
from tally.reconciliations.service import SETTLING_STATUSES, ReconciliationService
from tally.results.repository import LinkedRecord, ResultRepository
from tally.results.review_repository import ReviewRepository
from tally.results.schemas import (
    AuditEventRead,
    ManualMatchCreate,
    MatchQuery,
    MatchRead,
    MatchSort,
    RecordItem,
    RecordQuery,
    RecordTab,
    ResultTab,
    ReviewOutcome,
)
from tally.results.search_index import SearchIndexRepository
from tally.results.shaping import (
    as_side,
    match_read,
    record_read,
)
from tally.results.stats_repository import SIDE_TOTALS, Decision, StatsRepository
from tally.results.summary import (
    MANUAL_RULE_INDEX,
    decision_rows,
    moved_decisions,
    stored_decisions,
    stored_totals,
)

log = structlog.get_logger("tally.results")

MANUAL_RULE = "manual"

_STATUSES = frozenset(s.value for s in MatchStatus)


class MatchNotFound(NotFound):
    """No such match in this job."""


class RecordNotFound(NotFound):
    """No such record in either source of this job."""


class JobNotReviewable(Conflict):
    """Only a completed job's results can be reviewed."""


class ReviewConflict(Conflict):
    """The match is not in a state that allows this action."""


class MatchChanged(Conflict):
    """The match changed since the version the decision was made on (another reviewer acted)."""


class RecordsAlreadyClaimed(Conflict):
    """A record is already used by another match of this job."""


class RecordsNotInJob(TallyError):
    """A record is not in this job's source for the side it was given on."""

    status_code = 422


class MixedCurrencies(TallyError):
    """The records of a manual match are in different currencies."""

    status_code = 422


class DifferenceNeedsReason(TallyError):
    """On the review page, a manual match whose amounts differ by more than the rules'
    tolerance needs a note saying why (the difference is then explained in the audit trail)."""

    status_code = 422


class ResultService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ResultRepository(session)
        self.reviews = ReviewRepository(session)
        self.stats = StatsRepository(session)
        self.search_index = SearchIndexRepository(session)
        self.state = ReconciliationService(session)
        self.locks = PeriodLocks(session)

    async def get_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        return await JobService(self.session).get_job(access, job_id)

    async def completed_job(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        return await JobService(self.session).completed_job(access, job_id)

    # --- result pages ---------------------------------------------------------------------------

    async def list_matches(
        self,
        access: ProjectAccess,
        job_id: int,
        query: MatchQuery,
        params: Paging,
        since: Since = NO_SINCE,
    ) -> Page[MatchRead]:
        """One tab of matches, each with its records, and all the page's records in one
        statement. By page: with the tab's size (stored for an unfiltered tab, counted
        otherwise). By cursor: in id order (sort id or -id), so that reviewing while paging
        skips nothing."""
        job = await self.completed_job(access, job_id)
        if isinstance(params, Cursor):
            if query.sort not in (MatchSort.ID, MatchSort.ID_DESC):
                raise InvalidCursor("A cursor pages in id order: sort=id or sort=-id")
            found, has_more = await self.repository.match_page_by_cursor(job, query, params, since)
            return Page.by_cursor(await self._read_matches(job, found), has_more)
        total = _stored_match_total(job, query) if since == NO_SINCE else None
        if total is None:
            total = await self.repository.count_matches(job, query, since)
        matches = await self.repository.match_page(
            job, query, offset=params.offset, limit=params.per_page, since=since
        )
        return Page.of(await self._read_matches(job, matches), params, total)

    async def get_match(self, access: ProjectAccess, job_id: int, match_id: int) -> MatchRead:
        job = await self.completed_job(access, job_id)
        match = await self._match(job, match_id)
        return (await self._read_matches(job, [match]))[0]

    async def list_records(
        self, access: ProjectAccess, job_id: int, query: RecordQuery, params: PageParams
    ) -> Page[RecordItem]:
        """Unmatched records of one side, or the duplicates, with their duplicate group."""
        job = await self.completed_job(access, job_id)
        total = _stored_record_total(job, query)
        if total is None:
            total = await self.repository.count_records(job, query)
        rows = await self.repository.record_page(
            job, query, offset=params.offset, limit=params.per_page
        )
        items = [
            RecordItem(
                **record_read(row.record, as_side(row.side), row.duplicate_group).model_dump(),
                match_id=row.match_id,
            )
            for row in rows
        ]
        return Page.of(items, params, total)

    async def _match(self, job: ReconciliationJob, match_id: int) -> Match:
        match = await self.repository.get_match(job.id, match_id)
        if match is None:
            raise MatchNotFound(f"Match {match_id} not found in job {job.id}")
        return match

    async def _read_matches(
        self, job: ReconciliationJob, matches: Sequence[Match]
    ) -> list[MatchRead]:
        linked: dict[int, list[LinkedRecord]] = defaultdict(list)
        for link in await self.repository.linked_records(job.id, [m.id for m in matches]):
            assert link.match_id is not None
            linked[link.match_id].append(link)
        return [
            match_read(match, linked[match.id], rule_set_version=job.rule_set_version)
            for match in matches
        ]

    # --- review ---------------------------------------------------------------------------------

    async def confirm_match(
        self,
        access: ProjectAccess,
        job_id: int,
        match_id: int,
        note: str | None = None,
        version: int | None = None,
    ) -> ReviewOutcome:
        """Confirm a match; its ambiguous alternatives (sharing a record) are rejected.

        A confirmed discrepancy moves to the matched results (the reviewer accepted its
        difference); a rejected match can be confirmed again while its records are free.
        """
        job = await self._job_for_review(access, job_id)
        match = await self._match(job, match_id)
        seen = await self._check_version(job, match, version)
        if match.status in (MatchStatus.CONFIRMED, MatchStatus.MANUAL):
            raise await self._conflict(
                ReviewConflict, job, match, f"Match {match.id} is already {match.status}"
            )
        own_links = await self.reviews.links_of(job.id, [match.id])
        record_ids = [link.record_id for link in own_links]
        await self.locks.ensure_unlocked(job.reconciliation_id, record_ids=record_ids)
        await self._ensure_unclaimed(job, record_ids, except_match_ids=[match.id])
        await self.state.ensure_open(
            job,
            record_ids,
            settled_by_this=match.status == MatchStatus.AUTO
            and match.category == MatchCategory.MATCHED,
        )
        rivals = await self.reviews.open_alternatives(job.id, record_ids, except_match_id=match.id)
        alternatives = [i for i, _category in rivals]
        before = await self._side_totals(job, record_ids)
        decided = [match.id, *alternatives]
        decisions_before = await self.stats.decision_counts(job.id, decided)
        previous = match.status
        category = MatchCategory.MATCHED if match.category == MatchCategory.DISCREPANCY else None
        async with _claiming(record_ids):
            changed = await self.reviews.set_status(
                job.id, [match.id], MatchStatus.CONFIRMED, category=category, expected_version=seen
            )
            if not changed:
                raise await self._changed(job, match)
            await self.reviews.set_status(job.id, alternatives, MatchStatus.REJECTED)
        await self.state.settle(job, _sides(own_links), match_id=match.id)
        if previous == MatchStatus.REJECTED:
            await self.state.forget_rejection(job, _sides(own_links))
        await self._remember_rejected(job, alternatives)
        shifts = [
            (f"{match.category}:{previous}", f"{category or match.category}:confirmed"),
            *_rejections(rivals),
        ]
        events = [
            self._event(
                access,
                job,
                "match.confirmed",
                match.id,
                previous_status=previous,
                rule=match.rule,
                records=record_ids,
                rejected_alternatives=alternatives,
                note=note,
            ),
            *(
                self._event(
                    access,
                    job,
                    "match.rejected",
                    alternative,
                    previous_status=MatchStatus.AMBIGUOUS,
                    reason="alternative_confirmed",
                    confirmed_match_id=match.id,
                )
                for alternative in alternatives
            ),
        ]
        await self._record_change(
            job, events, record_ids, before, shifts, decided, decisions_before
        )
        match = await self.reviews.refresh(match)
        read = (await self._read_matches(job, [match]))[0]
        return ReviewOutcome(match=read, rejected_match_ids=alternatives)

    async def reject_match(
        self,
        access: ProjectAccess,
        job_id: int,
        match_id: int,
        note: str | None = None,
        version: int | None = None,
    ) -> ReviewOutcome:
        """Reject a match (or undo a manual one): its records are released for other matches."""
        job = await self._job_for_review(access, job_id)
        match = await self._match(job, match_id)
        seen = await self._check_version(job, match, version)
        if match.status == MatchStatus.REJECTED:
            raise await self._conflict(
                ReviewConflict, job, match, f"Match {match.id} is already rejected"
            )
        own_links = await self.reviews.links_of(job.id, [match.id])
        record_ids = [link.record_id for link in own_links]
        await self.locks.ensure_unlocked(job.reconciliation_id, record_ids=record_ids)
        before = await self._side_totals(job, record_ids)
        decisions_before = await self.stats.decision_counts(job.id, [match.id])
        previous, settled = match.status, match.category == MatchCategory.MATCHED
        if not await self.reviews.set_status(
            job.id, [match.id], MatchStatus.REJECTED, expected_version=seen
        ):
            raise await self._changed(job, match)
        if settled and previous in SETTLING_STATUSES:
            # Its records are open items again; an undone manual match is no rejection.
            rejected = None if previous == MatchStatus.MANUAL else match.id
            await self.state.release(job, _sides(own_links), reject_match_id=rejected)
        else:
            await self.state.reject(job, {match.id: _sides(own_links)})
        action = "manual_match.undone" if previous == MatchStatus.MANUAL else "match.rejected"
        event = self._event(
            access,
            job,
            action,
            match.id,
            previous_status=previous,
            rule=match.rule,
            records=record_ids,
            note=note,
        )
        shifts = [(f"{match.category}:{previous}", f"{match.category}:rejected")]
        await self._record_change(
            job, [event], record_ids, before, shifts, [match.id], decisions_before
        )
        match = await self.reviews.refresh(match)
        return ReviewOutcome(match=(await self._read_matches(job, [match]))[0])

    async def create_manual_match(
        self,
        access: ProjectAccess,
        job_id: int,
        data: ManualMatchCreate,
        *,
        reason_beyond_tolerance: bool = False,
    ) -> MatchRead:
        """Match records a reviewer selected (one or more per side) that no match holds yet.

        Ambiguous alternatives that used any of them are rejected: each record is used once.
        With ``reason_beyond_tolerance`` (the review page), amounts that differ by more than the
        rules' tolerance need a note saying why (DifferenceNeedsReason).
        """
        job = await self._job_for_review(access, job_id)
        record_ids = [*data.left_record_ids, *data.right_record_ids]
        found = {r.id: r for r in await self.reviews.records_by_ids(record_ids)}
        wrong = [
            *(i for i in data.left_record_ids if _source_of(found, i) != job.left_source_id),
            *(i for i in data.right_record_ids if _source_of(found, i) != job.right_source_id),
        ]
        if wrong:
            raise RecordsNotInJob(
                f"Records {wrong} are not in this job's source for the side they were given on",
                record_ids=wrong,
            )
        left = [found[i] for i in data.left_record_ids]
        right = [found[i] for i in data.right_record_ids]
        currencies = sorted({r.currency for r in (*left, *right) if r.currency})
        if len(currencies) > 1:
            raise MixedCurrencies(f"The records are in different currencies: {currencies}")
        await self.locks.ensure_unlocked(job.reconciliation_id, record_ids=record_ids)
        await self._ensure_unclaimed(job, record_ids)
        await self.state.ensure_open(job, record_ids)
        rivals = await self.reviews.open_alternatives(job.id, record_ids)
        alternatives = [i for i, _category in rivals]
        before = await self._side_totals(job, record_ids)
        decisions_before = await self.stats.decision_counts(job.id, alternatives)
        await self.reviews.set_status(job.id, alternatives, MatchStatus.REJECTED)
        await self._remember_rejected(job, alternatives)
        match = _manual_match(job, left, right)
        tolerance = _amount_tolerance(job, left, right) if reason_beyond_tolerance else 0
        beyond = abs(match.amount_difference) > tolerance
        if reason_beyond_tolerance and beyond and not (data.note or "").strip():
            raise DifferenceNeedsReason(
                f"The amounts differ by {format_units(abs(match.amount_difference))}, more than "
                f"the rules allow ({format_units(tolerance)}): say why in a note",
                difference=format_units(abs(match.amount_difference)),
                tolerance=format_units(tolerance),
            )
        async with _claiming(record_ids):
            await self.reviews.add_match(
                match,
                [
                    *(MatchRecord(job_id=job.id, record_id=r.id, side="left") for r in left),
                    *(MatchRecord(job_id=job.id, record_id=r.id, side="right") for r in right),
                ],
            )
        await self.state.settle(
            job,
            {**{r.id: "left" for r in left}, **{r.id: "right" for r in right}},
            match_id=match.id,
        )
        events = [
            self._event(
                access,
                job,
                "manual_match.created",
                match.id,
                left=data.left_record_ids,
                right=data.right_record_ids,
                amount_difference=format_units(match.amount_difference),
                rejected_alternatives=alternatives,
                note=data.note,
            ),
            *(
                self._event(
                    access,
                    job,
                    "match.rejected",
                    alternative,
                    previous_status=MatchStatus.AMBIGUOUS,
                    reason="records_matched_manually",
                    manual_match_id=match.id,
                )
                for alternative in alternatives
            ),
        ]
        shifts = [(None, f"{MatchCategory.MATCHED}:{MatchStatus.MANUAL}"), *_rejections(rivals)]
        await self._record_change(
            job, events, record_ids, before, shifts, [match.id, *alternatives], decisions_before
        )
        return (await self._read_matches(job, [match]))[0]

    async def _check_version(
        self, job: ReconciliationJob, match: Match, version: int | None
    ) -> int:
        """The version the decision is made on: the caller's, which must still be current."""
        if version is not None and version != match.version:
            raise await self._changed(job, match)
        return match.version if version is None else version

    async def _changed(self, job: ReconciliationJob, match: Match) -> Conflict:
        return await self._conflict(
            MatchChanged,
            job,
            match,
            f"Match {match.id} was changed by someone else meanwhile; its current state is"
            " attached",
        )

    async def _conflict(
        self, error: type[Conflict], job: ReconciliationJob, match: Match, detail: str
    ) -> Conflict:
        """A 409 carrying the match as it is now, so the caller can show it (the page refreshes
        the row)."""
        current = await self.repository.get_match(job.id, match.id)
        assert current is not None  # matches are deleted only with their job's results
        read = (await self._read_matches(job, [await self.reviews.refresh(current)]))[0]
        return error(detail, match=read.model_dump(mode="json"))

    async def _remember_rejected(self, job: ReconciliationJob, match_ids: Sequence[int]) -> None:
        """Alternatives rejected for another decision: never proposed again either."""
        if not match_ids or job.reconciliation_id is None:
            return
        by_match: dict[int, list[MatchRecord]] = defaultdict(list)
        for link in await self.reviews.links_of(job.id, match_ids):
            by_match[link.match_id].append(link)
        await self.state.reject(job, {m: _sides(links) for m, links in by_match.items()})

    async def _job_for_review(self, access: ProjectAccess, job_id: int) -> ReconciliationJob:
        job = await self.reviews.lock_job(access.project_id, job_id)
        if job is None:
            raise JobNotFound(f"Job {job_id} not found in this project")
        if job.status != JobStatus.COMPLETED:
            raise JobNotReviewable(
                f"Job {job_id} is {job.status}; only completed jobs are reviewed"
            )
        if job.results_expired:  # nothing to review, and no partition to write to (PostgreSQL)
            raise JobNotReviewable(f"Job {job_id}'s results have expired")
        if job.archived_at is not None:
            raise JobNotReviewable(f"Job {job_id} is archived; its decisions are final")
        return job

    async def _ensure_unclaimed(
        self,
        job: ReconciliationJob,
        record_ids: Collection[int],
        *,
        except_match_ids: Collection[int] = (),
    ) -> None:
        claims = await self.reviews.claims_on(job.id, record_ids, except_match_ids=except_match_ids)
        if claims:
            taken = ", ".join(f"record {c.record_id} (match {c.match_id})" for c in claims)
            raise RecordsAlreadyClaimed(
                f"Already used by another match: {taken}",
                claims=[{"record_id": c.record_id, "match_id": c.match_id} for c in claims],
            )

    async def _side_totals(
        self, job: ReconciliationJob, record_ids: Collection[int]
    ) -> dict[str, dict[str, Any]]:
        return await self.stats.side_totals(
            job.id, job.left_source_id, job.right_source_id, record_ids
        )

    async def _record_change(
        self,
        job: ReconciliationJob,
        events: Sequence[AuditEvent],
        record_ids: Collection[int],
        before: dict[str, dict[str, Any]],
        shifts: Sequence[tuple[str | None, str]],
        match_ids: Collection[int],
        decisions_before: Sequence[Decision],
    ) -> None:
        """Audit events, then the stored totals: the job's summary and, when they describe this
        job, the project's stats.

        The touched records' rows of the unmatched tabs follow their claims. Only they are
        counted again (``before`` and after the change), and the
        per-status match counts move by ``shifts`` (``category:status`` from, to), and the
        quality report's decision counts by the touched matches (``match_ids``) counted before
        and after, so a review costs the same on a job of any size. A summary written before
        these totals existed is recounted once instead.
        """
        after = await self._side_totals(job, record_ids)
        await self.search_index.refresh_unmatched(job, record_ids)
        summary = job.summary or {}
        stored = [summary.get(side) for side in ("left", "right")]
        counts = summary.get("matches")
        if all(isinstance(s, dict) and set(SIDE_TOTALS) <= set(s) for s in stored) and isinstance(
            counts, dict
        ):
            sides: dict[str, Any] = {
                side: _moved(summary[side], before[side], after[side])
                # a review moves no record from one currency to another
                | {"currency": summary[side].get("currency")}
                for side in ("left", "right")
            }
            matches = _shifted(counts, shifts)
        else:
            recount = await self.stats.job_totals(job.id, job.left_source_id, job.right_source_id)
            sides = {side: recount[side] for side in ("left", "right")}
            matches = recount["matches"]
        kept = stored_decisions(summary)
        if kept is None:
            decisions = await self.stats.decision_counts(job.id)
        else:
            after_decisions = await self.stats.decision_counts(job.id, match_ids)
            decisions = moved_decisions(kept, decisions_before, after_decisions)
        # Ages of open items are recomputed by the next run; a review keeps the last ones.
        totals = {**sides, "matches": matches, "unmatched_by_age": summary.get("unmatched_by_age")}
        await self.reviews.update_job_summary(
            job,
            {
                **totals,
                "decisions": decision_rows(decisions),
                "reviewed_at": datetime.now(UTC).isoformat(),
            },
        )
        if await self.stats.stats_job_id(job.project_id) in (None, job.id):
            await self.stats.save_project_stats(job.project_id, job.id, totals)
        await self.reviews.add_audit_events(events)
        # The job's summary and the project's stats changed: cached job lists and stats go.
        invalidate_jobs(self.session, job.project_id)
        log.info(
            "results.reviewed",
            job_id=job.id,
            actions=[e.action for e in events],
            targets=[e.target for e in events],
        )

    def _event(
        self,
        access: ProjectAccess,
        job: ReconciliationJob,
        action: str,
        match_id: int,
        **detail: Any,
    ) -> AuditEvent:
        return AuditEvent(
            project_id=job.project_id,
            job_id=job.id,
            actor_id=access.principal.user_id,
            action=action,
            target=f"match:{match_id}",
            detail={k: v for k, v in detail.items() if v is not None},
        )

    # --- audit trail and quality ----------------------------------------------------------------

    async def list_audit_events(
        self, access: ProjectAccess, job_id: int, params: Paging
    ) -> Page[AuditEventRead]:
        """The job's review changes, newest first, by page or by cursor."""
        job = await self.get_job(access, job_id)
        rows, has_more = await self.reviews.audit_page(job.id, params)
        items = [
            AuditEventRead(
                id=event.id,
                job_id=event.job_id,
                actor_id=event.actor_id,
                actor_email=email,
                action=event.action,
                target=event.target,
                detail=event.detail,
                created_at=event.created_at,
            )
            for event, email in rows
        ]
        if isinstance(params, Cursor):
            return Page.by_cursor(items, has_more)
        return Page.of(items, params, await self.reviews.count_audit_events(job.id))


@asynccontextmanager
async def _claiming(record_ids: Collection[int]) -> AsyncIterator[None]:
    """Turns the partial unique index's refusal (a concurrent claim slipped in) into a 409."""
    try:
        yield
    except IntegrityError as error:
        raise RecordsAlreadyClaimed(
            f"One of records {sorted(record_ids)} was claimed by another match meanwhile"
        ) from error


def _stored_match_total(job: ReconciliationJob, query: MatchQuery) -> int | None:
    """An unfiltered tab's size from the stored per-status counts: no count over the tab."""
    summary = stored_totals(job)
    counts = summary.get("matches") if summary else None
    if not isinstance(counts, dict) or any(
        v is not None for v in (query.rule, query.min_amount, query.max_amount, query.q)
    ):
        return None
    total = 0
    for key, n in counts.items():
        category, _, status = str(key).partition(":")
        if status in _STATUSES and match_tab(category, status) == query.tab:
            total += int(n)
    return total


def _stored_record_total(job: ReconciliationJob, query: RecordQuery) -> int | None:
    """An unfiltered unmatched tab's size: the side's records less those claimed."""
    summary = stored_totals(job)
    if query.tab is RecordTab.DUPLICATES or summary is None:
        return None
    if any(v is not None for v in (query.min_amount, query.max_amount, query.q)):
        return None
    side = summary.get("left" if query.tab is RecordTab.UNMATCHED_LEFT else "right")
    if not isinstance(side, dict) or "claimed" not in side or "records" not in side:
        return None
    return int(side["records"]) - int(side["claimed"])


def tab_counts(job: ReconciliationJob) -> dict[str, int | None]:
    """Every tab's size from the job's stored totals (None where they do not tell), so a page
    shows and refreshes them all after each review at no query's cost."""
    counts: dict[str, int | None] = {ResultTab.DUPLICATES.value: None}  # counted when listed
    for tab in ResultTab:
        if tab is ResultTab.DUPLICATES:
            continue
        if tab.value in {t.value for t in RecordTab}:
            counts[tab.value] = _stored_record_total(job, RecordQuery(tab=RecordTab(tab.value)))
        else:
            counts[tab.value] = _stored_match_total(job, MatchQuery(tab=MatchTab(tab.value)))
    return counts


def _rejections(rivals: Iterable[tuple[int, str]]) -> list[tuple[str | None, str]]:
    return [(f"{c}:{MatchStatus.AMBIGUOUS}", f"{c}:{MatchStatus.REJECTED}") for _i, c in rivals]


def _shifted(counts: dict[str, Any], shifts: Iterable[tuple[str | None, str]]) -> dict[str, int]:
    moved = {key: int(n) for key, n in counts.items()}
    for old, new in shifts:
        if old is not None:
            moved[old] = moved.get(old, 0) - 1
        moved[new] = moved.get(new, 0) + 1
    return {key: n for key, n in sorted(moved.items()) if n}


# --- shaping ------------------------------------------------------------------------------------


def _sides(links: Iterable[MatchRecord]) -> dict[int, str]:
    return {link.record_id: link.side for link in links}


def _source_of(found: dict[int, Record], record_id: int) -> int | None:
    record = found.get(record_id)
    return record.data_source_id if record is not None else None


def _amount_sign(job: ReconciliationJob) -> int:
    """-1 when the job's rules compare amounts with opposite signs (bank debit vs ledger credit)."""
    try:
        rules = RuleSet.model_validate(job.rules)
    except ValidationError:
        return 1
    signs = {
        c.sign_factor for r in rules.rules for c in r.conditions if isinstance(c, AmountCondition)
    }
    return -1 if signs == {-1} else 1


def _amount_tolerance(
    job: ReconciliationJob, left: Sequence[Record], right: Sequence[Record]
) -> int:
    """The largest amount difference any of the job's rules accepts for these records, in units
    (0 when no rule compares amounts, or the stored rules cannot be read)."""
    try:
        rules = RuleSet.model_validate(job.rules)
    except ValidationError:
        return 0
    larger = max(abs(sum(r.amount for r in left)), abs(sum(r.amount for r in right)))
    widest = 0
    for condition in (c for r in rules.rules for c in r.conditions):
        if isinstance(condition, AmountCondition):
            share = larger * condition.widest_ppm // PPM
            if condition.cap_units is not None:
                share = min(share, condition.cap_units)
            widest = max(widest, condition.abs_units, share)
    return widest


def _moved(stored: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """A side's stored totals, with the touched records counted ``before`` a review replaced by
    their count ``after`` it: overall and per currency (when the stored totals have that split)."""
    moved: dict[str, Any] = {
        key: int(stored[key]) - before[key] + after[key] for key in SIDE_TOTALS
    }
    split = stored.get("by_currency")
    if isinstance(split, dict):
        by_currency: dict[str, dict[str, int]] = {}
        for code in {*split, *before["by_currency"], *after["by_currency"]}:
            empty = dict.fromkeys(SIDE_TOTALS, 0)
            was, then, now = (
                source.get(code, empty)
                for source in (split, before["by_currency"], after["by_currency"])
            )
            by_currency[code] = {key: int(was[key]) - then[key] + now[key] for key in SIDE_TOTALS}
        moved["by_currency"] = by_currency
    else:
        moved["by_currency"] = split  # none stored (an older summary) or not splittable
    return moved


def _manual_match(job: ReconciliationJob, left: Sequence[Record], right: Sequence[Record]) -> Match:
    sign = _amount_sign(job)
    left_total = sum(r.amount for r in left)
    right_total = sum(r.amount for r in right)
    left_dates = [r.booking_date for r in left if r.booking_date is not None]
    right_dates = [r.booking_date for r in right if r.booking_date is not None]
    gaps = [(b - a).days for a in left_dates for b in right_dates]
    evidence: dict[str, Any] = {
        "kind": "manual",
        "left": [r.amount for r in left],
        "right": [r.amount * sign for r in right],
        "difference": right_total * sign - left_total,
    }
    if sign == -1:
        evidence["sign"] = "opposite"
    return Match(
        job_id=job.id,
        rule=MANUAL_RULE,
        rule_index=MANUAL_RULE_INDEX,
        score=1.0,
        status=MatchStatus.MANUAL,
        category=MatchCategory.MATCHED,
        tab=MatchTab.MATCHED,
        origin=MatchOrigin.MANUAL,
        amount=left_total,
        booking_date=min(left_dates, default=None),
        amount_difference=right_total * sign - left_total,
        date_difference_days=max(gaps, key=abs) if gaps else None,
        evidence=json.dumps(evidence, separators=(",", ":")),
    )
