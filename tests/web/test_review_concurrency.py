"""The review page when another reviewer acted first, and its bulk confirmation."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import Match, MatchStatus, MatchTab
from tests.helpers.results import Reconciled, reconciled_job
from tests.web.conftest import sign_in


@pytest.fixture
async def reconciled(session: AsyncSession, db: Database) -> Reconciled:
    return await reconciled_job(session, db)


async def _suggestion(session: AsyncSession, world: Reconciled) -> int:
    found = await session.scalar(
        select(Match.id).where(
            Match.job_id == world.job.id,
            Match.tab == MatchTab.REVIEW,
            Match.status == MatchStatus.SUGGESTED,
        )
    )
    assert found is not None
    return int(found)


async def test_a_stale_decision_refreshes_the_row_instead(
    client: AsyncClient, reconciled: Reconciled, session: AsyncSession
) -> None:
    world = reconciled
    match_id = await _suggestion(session, world)
    # Someone else rejects it through the API first (version 0 -> 1).
    first = await client.post(
        world.url(f"/matches/{match_id}/reject"), json={"version": 0}, headers=world.owner.headers
    )
    assert first.status_code == 200
    token = await sign_in(client, world.editor)
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    base = f"/projects/{world.project.id}/jobs/{world.job.id}"
    page = await client.post(f"{base}/matches/{match_id}/confirm?version=0", headers=headers)
    assert page.status_code == 409  # the loser learns it lost, and gets the row as it is now
    assert 'data-status="rejected"' in page.text  # the row as it is now
    assert "Changed by someone else" in page.text
    assert f"/matches/{match_id}/confirm?version=1" in page.text  # the next try is current
    api = await client.get(world.url(f"/matches/{match_id}"), headers=world.owner.headers)
    assert api.json()["status"] == "rejected"


async def test_bulk_confirm_from_the_review_tab(
    client: AsyncClient, reconciled: Reconciled, session: AsyncSession
) -> None:
    world = reconciled
    match_id = await _suggestion(session, world)
    token = await sign_in(client, world.editor)
    base = f"/projects/{world.project.id}/jobs/{world.job.id}"
    review = await client.get(f"{base}/results?tab=review")
    assert 'id="bulk-confirm"' in review.text
    response = await client.post(
        f"{base}/bulk-confirm",
        data={"rule": "amount_date", "min_score": "0.5"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 204 and response.headers["HX-Refresh"] == "true"
    api = await client.get(world.url(f"/matches/{match_id}"), headers=world.owner.headers)
    assert api.json()["status"] == "confirmed"
