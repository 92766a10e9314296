"""The incremental bench's scripted reviewer: decides a job's review items as a person would.

Every proposal waiting for a decision (suggestions, ambiguous alternatives, discrepancy
candidates) is checked against the generator's truth: the true pairs are confirmed, the false
ones rejected, each set in one bulk request of the product (BulkReviewService, as
POST .../matches/bulk runs it). After it the first job's records are *settled* except the ones
with no true partner, which is what the issue's "1M settled records" describes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import polars as pl
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import (
    Match,
    MatchRecord,
    MatchTab,
    ProjectRole,
    ReconciliationJob,
    Record,
    User,
)
from tally.projects.auth import ProjectAccess
from tally.results.bulk import BulkReviewService
from tally.results.schemas import BulkAction, BulkReview
from tally.users.auth import Principal

REVIEWER_EMAIL = "bench@example.test"  # the user bench.ingest.bench_ingest._seed creates


@dataclass(frozen=True)
class Decided:
    confirmed: int
    rejected: int
    alternatives_rejected: int  # ambiguous rivals rejected by a confirmation


async def decide_review_items(
    session: AsyncSession,
    project_id: int,
    job_id: int,
    frames: tuple[pl.DataFrame, pl.DataFrame],
    truth: pl.DataFrame,
) -> Decided:
    """Confirm the job's true proposals and reject the false ones. ``frames`` are the generated
    left/right frames as loaded (row i is row number i + 1), ``truth`` their (left_id, right_id)."""
    job = await session.get(ReconciliationJob, job_id)
    assert job is not None
    pairs = await _proposals(session, job, frames)
    true_pairs = set(truth.select("left_id", "right_id").iter_rows())
    confirm: list[int] = []
    reject: list[int] = []
    for match_id, (lefts, rights) in pairs.items():
        wanted = bool(lefts) and bool(rights)
        wanted = wanted and all((left, right) in true_pairs for left in lefts for right in rights)
        (confirm if wanted else reject).append(match_id)
    reviewer = await session.scalar(select(User).where(User.email == REVIEWER_EMAIL))
    assert reviewer is not None
    principal = Principal(reviewer.id, reviewer.email, reviewer.role, "")
    access = ProjectAccess(project_id, ProjectRole.OWNER, principal)
    service = BulkReviewService(session)
    rejected = confirmed = rivals = 0
    # False ones first: a true ambiguous alternative is then free of its false rivals.
    if reject:
        outcome = await service.bulk_review(
            access, job_id, BulkReview(action=BulkAction.REJECT, match_ids=reject)
        )
        rejected = len(outcome.changed)
    if confirm:
        outcome = await service.bulk_review(
            access, job_id, BulkReview(action=BulkAction.CONFIRM, match_ids=confirm)
        )
        confirmed, rivals = len(outcome.changed), len(outcome.rejected_match_ids)
    return Decided(confirmed, rejected, rivals)


async def _proposals(
    session: AsyncSession, job: ReconciliationJob, frames: tuple[pl.DataFrame, pl.DataFrame]
) -> dict[int, tuple[list[int], list[int]]]:
    """Each waiting proposal's records as the generator's ids: (left ids, right ids)."""
    generated = {
        job.left_source_id: ("left", frames[0]["id"].to_list()),
        job.right_source_id: ("right", frames[1]["id"].to_list()),
    }
    statement = (
        select(MatchRecord.match_id, Record.data_source_id, Record.row_number)
        .join(Match, and_(Match.job_id == job.id, Match.id == MatchRecord.match_id))
        .join(Record, Record.id == MatchRecord.record_id)
        .where(
            MatchRecord.job_id == job.id,
            Match.tab.in_([MatchTab.REVIEW, MatchTab.DISCREPANCIES]),
        )
    )
    found: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for match_id, source_id, row_number in await session.execute(statement):
        side, ids = generated[source_id]
        found[match_id][0 if side == "left" else 1].append(ids[row_number - 1])
    return dict(found)
