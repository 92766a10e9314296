"""Amounts of different currencies are never added: a job's summary and the project's stats give
each currency's totals when the records are in several, and stay one simple amount when in one;
a review moves each currency's figures exactly as a recount would."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import ReconciliationJob
from tally.results.stats_repository import StatsRepository
from tests.helpers.records import Row
from tests.helpers.results import reconciled_job
from tests.web.conftest import sign_in

_BANK = {
    "yen": Row("JP-1", "2026-02-02", "1200", "Yen", "Kobe", currency="JPY"),
    "euro": Row("EU-1", "2026-02-02", "12.5", "Euro", "Lyon", currency="EUR"),
    "euro_open": Row("EU-9", "2026-02-09", "7.25", "Open", "Nice", currency="EUR"),
}
_LEDGER = {
    "yen": Row("JP-1", "2026-02-02", "1200", "Yen", "Kobe", currency="JPY"),
    "euro": Row("EU-1", "2026-02-02", "12.5", "Euro", "Lyon", currency="EUR"),
    "yen_open": Row("JP-9", "2026-02-12", "300", "Open", "Nara", currency="JPY"),
}


async def test_a_project_in_two_currencies_shows_each_and_no_sum(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=_BANK, ledger=_LEDGER)
    headers = world.owner.headers
    job = (await client.get(world.url(), headers=headers)).json()
    left = job["summary"]["left"]
    assert left["currency"] is None and left["matched_amount"] is None
    assert left["by_currency"] == [
        {
            "currency": "EUR",
            "records": 2,
            "matched": 1,
            "unmatched": 1,
            "matched_amount": "12.50",
            "unmatched_amount": "7.25",
        },
        {
            "currency": "JPY",
            "records": 1,
            "matched": 1,
            "unmatched": 0,
            "matched_amount": "1200",
            "unmatched_amount": "0",
        },
    ]
    stats_url = f"/api/v1/projects/{world.project.id}/stats"
    stats = (await client.get(stats_url, headers=headers)).json()
    assert stats["currency"] is None and stats["matched_amount"] is None
    assert stats["unmatched_amount"] is None
    assert stats["by_currency"] == [
        {"currency": "EUR", "matched_amount": "12.50", "unmatched_amount": "7.25"},
        {"currency": "JPY", "matched_amount": "1200", "unmatched_amount": "300"},
    ]

    # A review moves each currency's figures as a recount of the stored results gives them.
    matched = await client.get(world.url("/matches?tab=matched"), headers=headers)
    euro = next(m for m in matched.json()["items"] if m["currency"] == "EUR")
    rejected = await client.post(
        world.url(f"/matches/{euro['id']}/reject"), json={}, headers=headers
    )
    assert rejected.status_code == 200, rejected.text
    async with db.sessionmaker() as check:
        stored = await check.get(ReconciliationJob, world.job.id)
        assert stored is not None and stored.summary is not None
        recount = await StatsRepository(check).job_totals(
            world.job.id, world.job.left_source_id, world.job.right_source_id
        )
    for side in ("left", "right"):
        assert stored.summary[side]["by_currency"] == recount[side]["by_currency"], side
    stats = (await client.get(stats_url, headers=headers)).json()
    assert stats["by_currency"][0] == {
        "currency": "EUR",
        "matched_amount": "0.00",
        "unmatched_amount": "32.25",
    }

    # The web overview shows each currency, never a sum of them.
    await sign_in(client, world.owner)
    page = (await client.get(f"/projects/{world.project.id}")).text
    assert 'id="stat-amounts-by-currency"' in page
    assert "1,200 JPY" in page and "32.25 EUR" in page
    assert "1,212.50" not in page and "1,232.25" not in page


async def test_a_project_in_one_currency_stays_simple(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)  # every record in EUR
    stats = (
        await client.get(f"/api/v1/projects/{world.project.id}/stats", headers=world.owner.headers)
    ).json()
    assert stats["currency"] == "EUR" and stats["by_currency"] is None
    assert stats["matched_amount"] is not None and stats["unmatched_amount"] is not None
    job = (await client.get(world.url(), headers=world.owner.headers)).json()
    assert job["summary"]["left"]["by_currency"] is None
    assert job["summary"]["left"]["currency"] == "EUR"
