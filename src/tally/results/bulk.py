"""Bulk review: many confirmations or rejections in one request (API and web alike)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import Conflict
from tally.models import MatchStatus, MatchTab, ReconciliationJob
from tally.money import to_units
from tally.projects.auth import ProjectAccess
from tally.results.schemas import (
    MAX_BULK_MATCHES,
    BulkAction,
    BulkOutcome,
    BulkReview,
    BulkSelection,
    MatchQuery,
)
from tally.results.service import ResultService

log = structlog.get_logger("tally.results")


class BulkRefused(Conflict):
    """One match of a bulk review cannot take the decision, so none was taken."""


class BulkReviewService:
    def __init__(self, session: AsyncSession) -> None:
        self.results = ResultService(session)

    async def bulk_review(
        self, access: ProjectAccess, job_id: int, data: BulkReview
    ) -> BulkOutcome:
        """Confirm or reject many matches in one transaction, each decided (and audited) as a
        single confirmation or rejection would be. All or nothing: one match that cannot take
        the decision (its records are used elsewhere, it changed meanwhile) refuses the whole
        request, naming it. Matches already in the requested state are left as they are."""
        job = await self.results._job_for_review(access, job_id)
        if data.match_ids is not None:
            match_ids = list(dict.fromkeys(data.match_ids))
        else:
            match_ids = await self._selected(job, data.selection or BulkSelection())
        target = (
            MatchStatus.CONFIRMED if data.action is BulkAction.CONFIRM else MatchStatus.REJECTED
        )
        done = (
            {MatchStatus.CONFIRMED, MatchStatus.MANUAL}
            if target == MatchStatus.CONFIRMED
            else {MatchStatus.REJECTED}
        )
        outcome = BulkOutcome(action=data.action, changed=[], unchanged=[])
        for match_id in match_ids:
            match = await self.results._match(job, match_id)
            if match.status in done:
                outcome.unchanged.append(match_id)
                continue
            try:
                if target == MatchStatus.CONFIRMED:
                    result = await self.results.confirm_match(access, job_id, match_id, data.note)
                else:
                    result = await self.results.reject_match(access, job_id, match_id, data.note)
            except Conflict as error:
                raise BulkRefused(
                    f"Match {match_id} cannot be {target}: {error.detail}; nothing was changed",
                    match_id=match_id,
                    reason=type(error).__name__,
                ) from error
            outcome.changed.append(match_id)
            outcome.rejected_match_ids += result.rejected_match_ids
        log.info(
            "results.bulk_reviewed",
            job_id=job.id,
            action=str(data.action),
            changed=len(outcome.changed),
            unchanged=len(outcome.unchanged),
        )
        return outcome

    async def _selected(self, job: ReconciliationJob, selection: BulkSelection) -> list[int]:
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
            limit=MAX_BULK_MATCHES,
        )
