"""Bulk review: many confirmations or rejections in one request (API and web alike).

A bulk decision is the single decisions it stands for, taken as sets: the checks read the chosen
matches, their links and whatever claims their records in statements of ID_CHUNK ids; the
writes are UPDATE ... WHERE id IN (chunk) and INSERT ... SELECT from the matches' links (status,
claims, settlements, open items); the audit events, one per match, are appended to the project's
hash chain in multi-row INSERTs (AuditRepository.append_events). All of it in the request's one
transaction, under the job's row lock, so a concurrent single decision waits and then finds the
match at its next version (409 MatchChanged), as after any single decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.audit.repository import AuditRepository
from tally.config import get_settings
from tally.kit.errors import Conflict, TallyError
from tally.models import AuditEvent, MatchCategory, MatchStatus, MatchTab, ReconciliationJob
from tally.money import to_units
from tally.projects.auth import ProjectAccess
from tally.reconciliations.service import SETTLING_STATUSES
from tally.results.schemas import (
    BulkAction,
    BulkOutcome,
    BulkReview,
    BulkSelection,
    MatchQuery,
)
from tally.results.service import MatchNotFound, ResultService
from tally.results.stats_repository import ID_CHUNK

log = structlog.get_logger("tally.results")

_CONFIRMED_ALREADY = (MatchStatus.CONFIRMED, MatchStatus.MANUAL)


class BulkRefused(Conflict):
    """One match of a bulk review cannot take the decision, so none was taken."""


class BulkTooLarge(TallyError):
    """A bulk review chose more matches than one request may decide (TALLY_BULK_REVIEW_MAX)."""

    status_code = 422


@dataclass
class _Chosen:
    """The matches a bulk review changes: their state before, their records (id -> side)."""

    ids: list[int]
    states: dict[int, tuple[str, str, str]]  # id -> (status, category, rule)
    sides: dict[int, dict[int, str]] = field(default_factory=dict)

    @property
    def record_ids(self) -> list[int]:
        return [record for i in self.ids for record in self.sides.get(i, {})]


class BulkReviewService:
    def __init__(self, session: AsyncSession) -> None:
        self.results = ResultService(session)
        self.reviews = self.results.reviews
        self.state = self.results.state
        self.audit = AuditRepository(session)

    async def bulk_review(
        self, access: ProjectAccess, job_id: int, data: BulkReview, *, limit: int | None = None
    ) -> BulkOutcome:
        """Confirm or reject many matches in one transaction, each decided (and audited) as a
        single confirmation or rejection would be. All or nothing: one match that cannot take
        the decision (its records are used elsewhere, it changed meanwhile) refuses the whole
        request, naming it. Matches already in the requested state are left as they are. At
        most ``limit`` matches (TALLY_BULK_REVIEW_MAX): more is a 422 naming the limit."""
        limit = limit or get_settings().bulk_review_max
        job = await self.results._job_for_review(access, job_id)
        if data.match_ids is not None:
            match_ids = list(dict.fromkeys(data.match_ids))
        else:
            match_ids = await self._selected(job, data.selection or BulkSelection(), limit + 1)
        if len(match_ids) > limit:
            raise BulkTooLarge(
                f"A bulk review decides at most {limit:,} matches per request "
                f"(TALLY_BULK_REVIEW_MAX); this one chose {'more' if data.selection else 'the'}"
                f" {len(match_ids):,}: narrow the selection or split the list",
                limit=limit,
            )
        states: dict[int, tuple[str, str, str]] = {}
        for chunk in _chunks(match_ids):
            states |= await self.reviews.match_states(job.id, chunk)
        missing = next((i for i in match_ids if i not in states), None)
        if missing is not None:
            raise MatchNotFound(f"Match {missing} not found in job {job.id}")
        confirm = data.action is BulkAction.CONFIRM
        done = _CONFIRMED_ALREADY if confirm else (MatchStatus.REJECTED,)
        outcome = BulkOutcome(action=data.action, changed=[], unchanged=[])
        chosen = _Chosen([], states)
        for match_id in match_ids:
            (outcome.unchanged if states[match_id][0] in done else chosen.ids).append(match_id)
        if chosen.ids:
            for chunk in _chunks(chosen.ids):
                for match_id, record_id, side in await self.reviews.link_sides(job.id, chunk):
                    chosen.sides.setdefault(match_id, {})[record_id] = side
            await self._ensure_unlocked(job, chosen)
            if confirm:
                outcome.rejected_match_ids = await self._confirm(access, job, chosen, data.note)
            else:
                await self._reject(access, job, chosen, data.note)
            outcome.changed = chosen.ids
        log.info(
            "results.bulk_reviewed",
            job_id=job.id,
            action=str(data.action),
            changed=len(outcome.changed),
            unchanged=len(outcome.unchanged),
            alternatives_rejected=len(outcome.rejected_match_ids),
        )
        return outcome

    async def _selected(
        self, job: ReconciliationJob, selection: BulkSelection, limit: int
    ) -> list[int]:
        query = MatchQuery(
            tab=selection.tab,
            rule=selection.rule,
            min_amount=None if selection.min_amount is None else to_units(selection.min_amount),
            max_amount=None if selection.max_amount is None else to_units(selection.max_amount),
        )
        suggestions = selection.tab == MatchTab.REVIEW and selection.suggestions_only
        return await self.results.repository.bulk_match_ids(
            job,
            query,
            min_score=selection.min_score,
            statuses=[MatchStatus.SUGGESTED] if suggestions else None,
            limit=limit,
        )

    # --- checks -------------------------------------------------------------------------------

    async def _ensure_unlocked(self, job: ReconciliationJob, chosen: _Chosen) -> None:
        for chunk in _chunks(chosen.record_ids):
            try:
                await self.results.locks.ensure_unlocked(job.reconciliation_id, record_ids=chunk)
            except Conflict as error:
                raise _refused(error, None) from error

    async def _ensure_claimable(self, job: ReconciliationJob, chosen: _Chosen) -> None:
        """What confirming each match one after another would refuse: a record of two chosen
        matches (the later one is refused), a record another match holds, a record that is not
        an open item of the reconciliation (settled meanwhile, or never seen by a job)."""
        holder: dict[int, int] = {}
        for match_id in chosen.ids:
            for record_id in chosen.sides.get(match_id, {}):
                if record_id in holder:
                    raise BulkRefused(
                        f"Match {match_id} cannot be confirmed: record {record_id} is also in "
                        f"match {holder[record_id]} of this request; nothing was changed",
                        match_id=match_id,
                        reason="RecordsAlreadyClaimed",
                    )
                holder[record_id] = match_id
        for chunk in _chunks(list(holder)):
            for claim in await self.reviews.claims_on(job.id, chunk):
                if claim.match_id != holder[claim.record_id]:
                    match_id = holder[claim.record_id]
                    raise BulkRefused(
                        f"Match {match_id} cannot be confirmed: record {claim.record_id} is "
                        f"already used by match {claim.match_id}; nothing was changed",
                        match_id=match_id,
                        reason="RecordsAlreadyClaimed",
                    )
        if job.reconciliation_id is None:
            return
        # Confirming an auto match settles nothing new: its records are settled by it already.
        to_open = [
            record_id
            for record_id, match_id in holder.items()
            if chosen.states[match_id][:2] != (MatchStatus.AUTO, MatchCategory.MATCHED)
        ]
        for chunk in _chunks(to_open):
            found = await self.state.repository.open_record_ids(job.reconciliation_id, chunk)
            closed = next((r for r in chunk if r not in found), None)
            if closed is not None:
                match_id = holder[closed]
                raise BulkRefused(
                    f"Match {match_id} cannot be confirmed: record {closed} is not an open item "
                    "of this reconciliation (settled by another match, or not yet included in a "
                    "job); nothing was changed",
                    match_id=match_id,
                    reason="RecordsSettled",
                )

    async def _rivals(self, job: ReconciliationJob, chosen: _Chosen) -> dict[int, int]:
        """The ambiguous matches outside the request that use a chosen match's record: each
        rival -> the (first) chosen match whose confirmation rules it out."""
        holder = {r: m for m in chosen.ids for r in chosen.sides.get(m, {})}
        own = set(chosen.ids)
        rivals: dict[int, int] = {}
        for chunk in _chunks(list(holder)):
            for rival, _category in await self.reviews.open_alternatives(job.id, chunk):
                if rival not in own and rival not in rivals:
                    rivals[rival] = -1
        if not rivals:
            return {}
        for chunk in _chunks(list(rivals)):
            for rival, record_id, _side in await self.reviews.link_sides(job.id, chunk):
                if record_id in holder and rivals[rival] == -1:
                    rivals[rival] = holder[record_id]
        return rivals

    # --- decisions ----------------------------------------------------------------------------

    async def _confirm(
        self, access: ProjectAccess, job: ReconciliationJob, chosen: _Chosen, note: str | None
    ) -> list[int]:
        await self._ensure_claimable(job, chosen)
        rivals = await self._rivals(job, chosen)
        rival_states: dict[int, tuple[str, str, str]] = {}
        for chunk in _chunks(list(rivals)):
            rival_states |= await self.reviews.match_states(job.id, chunk)
        rival_sides: dict[int, dict[int, str]] = defaultdict(dict)
        for chunk in _chunks(list(rivals)):
            for match_id, record_id, side in await self.reviews.link_sides(job.id, chunk):
                rival_sides[match_id][record_id] = side
        record_ids = chosen.record_ids
        decided = [*chosen.ids, *rivals]
        before = await self.results._side_totals(job, record_ids)
        decisions_before = await self.results.stats.decision_counts(job.id, decided)
        allowed = [str(s) for s in MatchStatus if s not in _CONFIRMED_ALREADY]
        for chunk in _chunks(chosen.ids):
            changed = await self.reviews.set_status(
                job.id,
                chunk,
                MatchStatus.CONFIRMED,
                category=MatchCategory.MATCHED,
                expected_statuses=allowed,
            )
            if changed != len(chunk):
                raise _changed_meanwhile("confirmed")
        for chunk in _chunks(list(rivals)):
            await self.reviews.set_status(job.id, chunk, MatchStatus.REJECTED)
        await self.state.settle_matches(job, chosen.ids, record_ids)
        was_rejected = {
            i: chosen.sides.get(i, {})
            for i in chosen.ids
            if chosen.states[i][0] == MatchStatus.REJECTED
        }
        await self.state.forget_rejections(job, was_rejected)
        await self.state.reject(job, rival_sides)
        by_confirmed: dict[int, list[int]] = defaultdict(list)
        for rival, match_id in rivals.items():
            by_confirmed[match_id].append(rival)
        events: list[AuditEvent] = []
        for match_id in chosen.ids:
            status, _category, rule = chosen.states[match_id]
            events.append(
                self.results._event(
                    access,
                    job,
                    "match.confirmed",
                    match_id,
                    previous_status=status,
                    rule=rule,
                    records=list(chosen.sides.get(match_id, {})),
                    rejected_alternatives=by_confirmed.get(match_id, []),
                    note=note,
                )
            )
            events += (
                self.results._event(
                    access,
                    job,
                    "match.rejected",
                    rival,
                    previous_status=MatchStatus.AMBIGUOUS,
                    reason="alternative_confirmed",
                    confirmed_match_id=match_id,
                )
                for rival in by_confirmed.get(match_id, [])
            )
        shifts = [
            (f"{chosen.states[i][1]}:{chosen.states[i][0]}", f"{MatchCategory.MATCHED}:confirmed")
            for i in chosen.ids
        ] + [
            (f"{rival_states[r][1]}:{MatchStatus.AMBIGUOUS}", f"{rival_states[r][1]}:rejected")
            for r in rivals
        ]
        await self.results._record_change(
            job, [], record_ids, before, shifts, decided, decisions_before
        )
        await self.audit.append_events(job.project_id, events)
        return list(rivals)

    async def _reject(
        self, access: ProjectAccess, job: ReconciliationJob, chosen: _Chosen, note: str | None
    ) -> None:
        record_ids = chosen.record_ids
        before = await self.results._side_totals(job, record_ids)
        decisions_before = await self.results.stats.decision_counts(job.id, chosen.ids)
        allowed = [str(s) for s in MatchStatus if s != MatchStatus.REJECTED]
        for chunk in _chunks(chosen.ids):
            changed = await self.reviews.set_status(
                job.id, chunk, MatchStatus.REJECTED, expected_statuses=allowed
            )
            if changed != len(chunk):
                raise _changed_meanwhile("rejected")
        # A settled match lets go of its records (open items again); an undone manual match is
        # no rejection, every other match's proposal is never made again.
        released = [
            i
            for i in chosen.ids
            if chosen.states[i][1] == MatchCategory.MATCHED
            and chosen.states[i][0] in SETTLING_STATUSES
        ]
        released_set = set(released)
        await self.state.release_matches(
            job, released, [r for i in released for r in chosen.sides.get(i, {})]
        )
        await self.state.reject(
            job,
            {
                i: chosen.sides.get(i, {})
                for i in chosen.ids
                if i not in released_set or chosen.states[i][0] != MatchStatus.MANUAL
            },
        )
        events = [
            self.results._event(
                access,
                job,
                "manual_match.undone"
                if chosen.states[i][0] == MatchStatus.MANUAL
                else "match.rejected",
                i,
                previous_status=chosen.states[i][0],
                rule=chosen.states[i][2],
                records=list(chosen.sides.get(i, {})),
                note=note,
            )
            for i in chosen.ids
        ]
        shifts = [
            (f"{chosen.states[i][1]}:{chosen.states[i][0]}", f"{chosen.states[i][1]}:rejected")
            for i in chosen.ids
        ]
        await self.results._record_change(
            job, [], record_ids, before, shifts, chosen.ids, decisions_before
        )
        await self.audit.append_events(job.project_id, events)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for offset in range(0, len(ids), ID_CHUNK):
        yield list(ids[offset : offset + ID_CHUNK])


def _refused(error: TallyError, match_id: int | None) -> BulkRefused:
    return BulkRefused(
        f"{error.detail}; nothing was changed",
        match_id=match_id,
        reason=type(error).__name__,
        **error.fields,
    )


def _changed_meanwhile(decision: str) -> BulkRefused:
    return BulkRefused(
        f"A match could not be {decision}: it was changed by someone else meanwhile; nothing "
        "was changed",
        match_id=None,
        reason="MatchChanged",
    )
