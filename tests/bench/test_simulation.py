"""The continuous-reconciliation simulation at a small size: five days of daily statements and
ledger entries worked by the scripted reviewer through the API, on SQLite and PostgreSQL; its
end-of-month checks hold, and they fail when a decision is undone behind the reviewer's back."""

from __future__ import annotations

from decimal import Decimal

from bench.continuous.books import generate
from bench.continuous.simulate import check_month, simulate
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.projects import create_project
from tests.helpers.users import create_user


async def test_a_small_month_passes_every_check_and_the_checks_can_fail(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    books = generate(days=5, lines_per_day=200, seed=15)

    reviewer = await simulate(client, owner.headers, project.id, books)

    outcome = reviewer.outcome
    assert outcome.failures == []
    assert outcome.open_items == outcome.true_unresolved == len(books.unresolved(4)) > 0
    assert Decimal(outcome.statement["difference"]) == 0
    # The month exercised every kind of decision.
    assert outcome.rejected_pairs > 0 and outcome.rejected_reproposed == 0
    assert outcome.confirmed_records > 0 and outcome.confirmations_lost == 0
    assert outcome.unsettled > 0 and outcome.resettled == outcome.unsettled
    totals = {
        name: sum(getattr(day, name) for day in outcome.days)
        for name in ("confirmed", "rejected", "manual", "written_off", "explained")
    }
    assert all(totals.values()), totals
    assert all(day.decision_ms > 0 for day in outcome.days)  # each day's decisions were timed

    # Someone unsettles a record a reviewer had matched: the checks see the lost decision and the
    # open items that should not be.
    record_id = min(reviewer.confirmed)
    response = await client.post(
        f"/api/v1/projects/{project.id}/reconciliations/{reviewer.reconciliation_id}"
        f"/records/{record_id}/unsettle",
        json={"reason": "Undone to prove the checks"},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    await check_month(reviewer)
    failures = " | ".join(outcome.failures)
    assert "confirmations lost" in failures
    assert "open items differ" in failures
