"""A bulk review of tens of thousands of suggestions: one request, set-based, each decision
audited on the hash chain, and its state carried into the next incremental job."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest
from httpx import AsyncClient
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from tally.audit.service import AuditService
from tally.models import AuditEvent, Match, MatchRecord, ProjectRole, UserRole
from tally.projects.auth import ProjectAccess
from tally.results.bulk import BulkReviewService, BulkTooLarge
from tally.results.schemas import BulkAction, BulkReview, BulkSelection
from tally.users.auth import Principal
from tests.helpers.reconciliations import (
    BANK,
    LEDGER,
    append_rows,
    ids_by_reference,
    run_job,
    two_sources,
)
from tests.helpers.records import Row

pytestmark = pytest.mark.slow


class Proposal(NamedTuple):
    id: int
    status: str
    score: float
    left: int
    right: int


# Beyond the 10,000 one request could decide before set-based review, kept small enough for
# every CI run (50,000 took 7 min on PostgreSQL on a loaded machine and proves nothing more).
CONFIRMED = 12_000
REJECTED = 500
START = dt.date(2026, 1, 1)
JOB_TIMEOUT = 600  # seconds: a hang guard for the job on a busy 2-core machine


def _pairs(count: int, first: int) -> tuple[list[Row], list[Row]]:
    """Bank and ledger lines paid 3 days after booking, no shared reference, unique amounts:
    each pair a suggestion of the amount/date rule (tests.helpers.results.RULES)."""
    bank, ledger = [], []
    for n in range(first, first + count):
        booked = START + dt.timedelta(days=n % 300)
        amount = f"{10 + n // 100}.{n % 100:02d}"
        paid = (booked + dt.timedelta(days=3)).isoformat()
        bank.append(Row(f"B{n}", paid, amount, "Transfer", "Initech"))
        ledger.append(Row(f"L{n}", booked.isoformat(), amount, "Transfer", "Initech Ltd"))
    return bank, ledger


async def _proposals(session: AsyncSession, job_id: int, tabs: tuple[str, ...]) -> list[Proposal]:
    """(match id, status, score, left record, right record) of a job's one-to-one matches in
    these tabs, read in one statement (the API pages 200 at a time)."""
    left = aliased(MatchRecord)
    right = aliased(MatchRecord)
    rows = await session.execute(
        select(Match.id, Match.status, Match.score, left.record_id, right.record_id)
        .join(left, and_(left.job_id == job_id, left.match_id == Match.id, left.side == "left"))
        .join(
            right, and_(right.job_id == job_id, right.match_id == Match.id, right.side == "right")
        )
        .where(Match.job_id == job_id, Match.tab.in_(tabs))
        .order_by(Match.id)
    )
    return [Proposal(int(i), str(s), float(c), int(lr), int(rr)) for i, s, c, lr, rr in rows]


async def test_fifty_thousand_suggestions_confirmed_in_one_call(
    client: AsyncClient, session: AsyncSession
) -> None:
    bank, ledger = _pairs(CONFIRMED + REJECTED, 0)
    world = await two_sources(session, bank, ledger)
    first = await run_job(client, world, "full", timeout=JOB_TIMEOUT)
    assert first["status"] == "completed", first["error"]
    job_url = f"{world.url}/jobs/{first['id']}"
    review = await _proposals(session, first["id"], ("review",))
    assert len(review) == CONFIRMED + REJECTED
    assert {m.status for m in review} == {"suggested"}
    # The reviewer rejects some by id, then confirms every other suggestion of the rule at or
    # above its score in one call: far beyond the 10,000 a request once took.
    wrong = review[-REJECTED:]
    wrong_pairs = {(m.left, m.right) for m in wrong}
    response = await client.post(
        f"{job_url}/matches/bulk",
        json={"action": "reject", "match_ids": [m.id for m in wrong]},
        headers=world.editor.headers,
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["changed"]) == REJECTED
    score = min(m.score for m in review)
    response = await client.post(
        f"{job_url}/matches/bulk",
        json={
            "action": "confirm",
            "selection": {"rule": "amount_date", "min_score": score},
            "note": "month-end sweep",
        },
        headers=world.editor.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (len(body["changed"]), body["unchanged"]) == (CONFIRMED, [])

    # Every decision is its own audit event, on a chain that still verifies.
    actions = await session.execute(
        select(AuditEvent.action, func.count())
        .where(AuditEvent.job_id == first["id"])
        .group_by(AuditEvent.action)
    )
    assert dict(actions.all()) == {"match.confirmed": CONFIRMED, "match.rejected": REJECTED}
    [chain] = await AuditService(session).verify(world.project.id)
    assert chain.valid, chain.first_broken
    assert chain.events == CONFIRMED + REJECTED

    # The job's counts follow: the review tab is empty, the matched tab holds the confirmed.
    job = (await client.get(job_url, headers=world.editor.headers)).json()
    matches = job["summary"]["matches"]
    assert matches.get("matched:confirmed") == CONFIRMED
    assert matches.get("matched:rejected") == REJECTED
    assert "matched:suggested" not in matches

    # The next incremental job carries the state: the confirmed records stay settled (out of its
    # scope), the rejected ones are open items whose pairs are never proposed again.
    new_bank, new_ledger = _pairs(3, CONFIRMED + REJECTED)
    await append_rows(session, world.bank, new_bank)
    await append_rows(session, world.ledger, new_ledger)
    second = await run_job(client, world, "incremental", timeout=JOB_TIMEOUT)
    assert second["status"] == "completed", second["error"]
    assert second["summary"]["scope"] == {"left": REJECTED + 3, "right": REJECTED + 3}
    proposed = [
        (m.left, m.right)
        for m in await _proposals(session, second["id"], ("matched", "review", "discrepancies"))
    ]
    assert len(proposed) == 3  # only the appended pairs
    assert not wrong_pairs & set(proposed)


async def test_bulk_beyond_the_limit_is_refused_naming_it(
    client: AsyncClient, session: AsyncSession
) -> None:
    bank, ledger = _pairs(5, 0)
    world = await two_sources(session, bank, ledger)
    first = await run_job(client, world, "full")
    editor = Principal(world.editor.id, world.editor.email, UserRole.MEMBER, world.editor.token)
    access = ProjectAccess(world.project.id, ProjectRole.EDITOR, editor)
    data = BulkReview(action=BulkAction.CONFIRM, selection=BulkSelection(rule="amount_date"))
    with pytest.raises(BulkTooLarge) as refused:
        await BulkReviewService(session).bulk_review(access, first["id"], data, limit=4)
    assert refused.value.status_code == 422
    assert refused.value.fields["limit"] == 4 and "at most 4 " in refused.value.detail
    await session.rollback()
    done = await BulkReviewService(session).bulk_review(access, first["id"], data, limit=5)
    assert len(done.changed) == 5


async def test_bulk_rejects_release_settled_records_and_undo_manual_matches(
    client: AsyncClient, session: AsyncSession
) -> None:
    """A bulk reject of an auto match, a suggestion and a manual match moves the state as the
    single decisions do: released records are open items again, the two rejected proposals are
    never made again, the undone manual match is no rejection; a bulk confirm settles again."""
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    job_url = f"{world.url}/jobs/{first['id']}"
    reconciliation_url = f"{world.url}/reconciliations/{first['reconciliation_id']}"
    bank = await ids_by_reference(session, world.bank)
    ledger = await ids_by_reference(session, world.ledger)
    manual = await client.post(
        f"{job_url}/matches",
        json={"left_record_ids": [bank["FEE"]], "right_record_ids": [ledger["INV-4"]]},
        headers=world.editor.headers,
    )
    assert manual.status_code == 201, manual.text
    proposals = {
        (m.left, m.right): m.id
        for m in await _proposals(session, first["id"], ("matched", "review"))
    }
    inv1 = proposals[(bank["INV-1"], ledger["INV-1"])]
    transfer = proposals[(bank["TRF"], ledger["XFER"])]
    ids = [inv1, transfer, manual.json()["id"]]
    seen = (await client.get(f"{job_url}/matches/{transfer}", headers=world.editor.headers)).json()
    response = await client.post(
        f"{job_url}/matches/bulk",
        json={"action": "reject", "match_ids": ids},
        headers=world.editor.headers,
    )
    assert response.status_code == 200, response.text
    # A reviewer who decided on the version before the bulk one is refused, as after any decision.
    late = await client.post(
        f"{job_url}/matches/{transfer}/confirm",
        json={"version": seen["version"]},
        headers=world.owner.headers,
    )
    assert (late.status_code, late.json()["error"]) == (409, "MatchChanged")
    assert late.json()["match"]["status"] == "rejected"
    state = (await client.get(reconciliation_url, headers=world.editor.headers)).json()
    assert state["rejected_pairs"] == 2  # the undone manual match is no rejection
    assert (state["open_left"], state["open_right"]) == (3, 3)  # INV-1 released, FEE/INV-4 too
    actions = await session.execute(
        select(AuditEvent.action).where(AuditEvent.job_id == first["id"]).order_by(AuditEvent.seq)
    )
    assert list(actions.scalars())[-3:] == [
        "match.rejected",
        "match.rejected",
        "manual_match.undone",
    ]

    second = await run_job(client, world, "incremental")
    assert second["summary"]["scope"] == {"left": 3, "right": 3}
    pairs = {
        (m.left, m.right)
        for m in await _proposals(session, second["id"], ("matched", "review", "discrepancies"))
    }
    assert (bank["INV-1"], ledger["INV-1"]) not in pairs
    assert (bank["TRF"], ledger["XFER"]) not in pairs

    # Confirmed again after all: settled, and its proposal no longer refused.
    again = await client.post(
        f"{job_url}/matches/bulk",
        json={"action": "confirm", "match_ids": [inv1]},
        headers=world.editor.headers,
    )
    assert again.status_code == 200, again.text
    state = (await client.get(reconciliation_url, headers=world.editor.headers)).json()
    assert (state["open_left"], state["open_right"], state["rejected_pairs"]) == (2, 2, 1)
    [chain] = await AuditService(session).verify(world.project.id)
    assert chain.valid, chain.first_broken
