"""The nearest candidates of a record: which records of the other source came closest under the
job's rules, and what each one failed. Only a bounded window of the other source is read (same
currency, booking date or amount near the record's, through indexes); the engine ranks it."""

from __future__ import annotations

import asyncio
from datetime import date

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.service import JobService
from tally.kit.errors import Conflict
from tally.matching.explain import nearest_candidates
from tally.matching.rules import PPM, AmountCondition, DateCondition, RuleSet
from tally.models import ReconciliationJob, Record
from tally.money import format_amount
from tally.projects.auth import ProjectAccess
from tally.results.review_repository import ReviewRepository
from tally.results.schemas import CandidatesRead, CandidateWindow, NearCandidateRead
from tally.results.service import RecordNotFound
from tally.results.shaping import Side, record_frame, record_read

# Nearest candidates: how much of the other source is compared, at most.
NEAR_MIN_DAYS, NEAR_MAX_DAYS = 7, 90
NEAR_MIN_RADIUS = 10_000  # 1.00 in units
NEAR_LIMIT = 500  # records per window query
MAX_CANDIDATES = 50


class JobRulesInvalid(Conflict):
    """The job's stored rule set cannot be read, so nothing can be compared under it."""


class CandidateService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.reviews = ReviewRepository(session)

    async def nearest_candidates(
        self, access: ProjectAccess, job_id: int, record_id: int, limit: int
    ) -> CandidatesRead:
        """The records of the other side closest to ``record_id`` and what each one failed.

        Only a bounded window of the other source is read (same currency, booking date or amount
        near the record's, through indexes); the engine ranks it under the job's rules.
        """
        job = await JobService(self.session).get_job(access, job_id)
        sources = (job.left_source_id, job.right_source_id)
        record = await self.reviews.record_in_sources(record_id, sources)
        if record is None:
            raise RecordNotFound(f"Record {record_id} is not in a source of job {job.id}")
        side: Side = "left" if record.data_source_id == job.left_source_id else "right"
        other_source = job.right_source_id if side == "left" else job.left_source_id
        rules = _rule_set(job)
        days = _near_days(rules)
        ranges = _near_amounts(record.amount, rules)
        nearby: dict[int, Record] = {}
        date_from = date_to = None
        if record.booking_date is not None:
            date_from = date.fromordinal(record.booking_date.toordinal() - days)
            date_to = date.fromordinal(record.booking_date.toordinal() + days)
            for r in await self.reviews.records_near_date(
                other_source,
                start=date_from,
                end=date_to,
                currency=record.currency,
                limit=NEAR_LIMIT,
                exclude_id=record.id,
            ):
                nearby[r.id] = r
        # Records of exactly the amount first: in a dense source the windows below hold more
        # than NEAR_LIMIT records and would otherwise miss a same-amount, same-date twin.
        exact = [(record.amount * f, record.amount * f) for f in _sign_factors(rules)]
        for near_ranges in (exact, ranges):
            for r in await self.reviews.records_near_amounts(
                other_source,
                ranges=near_ranges,
                currency=record.currency,
                limit=NEAR_LIMIT,
                exclude_id=record.id,
            ):
                nearby[r.id] = r
        found = await asyncio.to_thread(
            nearest_candidates,
            record_frame([record]),
            record_frame(nearby.values()),
            rules,
            limit,
            side=side,
        )
        claimed = {
            c.record_id: c.match_id
            for c in await self.reviews.claims_on(job.id, [c.record_id for c in found])
        }
        other: Side = "right" if side == "left" else "left"
        return CandidatesRead(
            record=record_read(record, side),
            window=CandidateWindow(
                source_id=other_source,
                date_from=date_from,
                date_to=date_to,
                amount_ranges=[
                    (format_amount(low, record.currency), format_amount(high, record.currency))
                    for low, high in ranges
                ],
                currency=record.currency,
                records_compared=len(nearby),
            ),
            candidates=[
                NearCandidateRead(
                    record=record_read(nearby[c.record_id], other),
                    rule=c.rule,
                    closeness=round(c.closeness, 6),
                    matches_rule=c.matches_rule,
                    failed=c.failed,
                    passed=c.passed,
                    match_id=claimed.get(c.record_id),
                )
                for c in found
            ],
        )


def _rule_set(job: ReconciliationJob) -> RuleSet:
    try:
        return RuleSet.model_validate(job.rules)
    except ValidationError as error:
        raise JobRulesInvalid(
            f"Job {job.id} has no valid rule set: {error.error_count()} errors"
        ) from error


def _near_days(rules: RuleSet) -> int:
    windows = [
        c.window_days for r in rules.rules for c in r.conditions if isinstance(c, DateCondition)
    ]
    return min(NEAR_MAX_DAYS, max(NEAR_MIN_DAYS, 3 * max(windows, default=3)))


def _near_amounts(amount: int, rules: RuleSet) -> list[tuple[int, int]]:
    """Amount ranges of the other side worth comparing: around the amount (or its negation under
    an opposite-sign rule), ten times the widest tolerance or 10 %, at least 1.00, and at least
    what the widest percentage or fee rate of the rules reaches (a 15 % commission)."""
    conditions = [c for r in rules.rules for c in r.conditions if isinstance(c, AmountCondition)]
    widest = max((c.abs_units for c in conditions), default=0)
    ppm = max((c.widest_ppm for c in conditions), default=0)
    share = abs(amount) * ppm // (PPM - ppm) + widest
    radius = max(10 * widest, abs(amount) // 10, share, NEAR_MIN_RADIUS)
    return sorted((amount * f - radius, amount * f + radius) for f in _sign_factors(rules))


def _sign_factors(rules: RuleSet) -> list[int]:
    """1 and/or -1: how the rules' amount conditions compare signs (same when none says)."""
    factors = {
        c.sign_factor for r in rules.rules for c in r.conditions if isinstance(c, AmountCondition)
    }
    return sorted(factors or {1})
