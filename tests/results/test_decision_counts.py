"""The quality report's decision counts, kept in the job's summary: set by the run, moved by
every review, and equal to a fresh count over the matches at every step."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import ReconciliationJob
from tally.results.stats_repository import StatsRepository
from tests.helpers.results import Reconciled


async def _match_id(client: AsyncClient, world: Reconciled, tab: str, left: str, right: str) -> int:
    response = await client.get(world.url(f"/matches?tab={tab}"), headers=world.owner.headers)
    for match in response.json()["items"]:
        ids = ([r["id"] for r in match["left"]], [r["id"] for r in match["right"]])
        if ids == ([world.left[left]], [world.right[right]]):
            return int(match["id"])
    raise AssertionError(f"no {tab} match {left}/{right}")


async def _stored_and_counted(db: Database, job_id: int) -> tuple[Any, list[list[Any]]]:
    async with db.sessionmaker() as check:
        job = await check.get(ReconciliationJob, job_id)
        assert job is not None and job.summary is not None
        counted = await StatsRepository(check).decision_counts(job_id)
        return job.summary.get("decisions"), sorted(list(row) for row in counted)


async def _assert_stored_equal_counted(db: Database, job_id: int, step: str) -> None:
    stored, counted = await _stored_and_counted(db, job_id)
    assert stored is not None, step
    assert sorted(stored) == counted, step


async def test_stored_decisions_equal_a_fresh_count_after_every_review(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    world = reconciled
    await _assert_stored_equal_counted(db, world.job.id, "completed")
    auto = await _match_id(client, world, "matched", "inv1", "inv1")
    suggestion = await _match_id(client, world, "review", "transfer", "transfer")
    chosen = await _match_id(client, world, "review", "card_a", "card_a")
    discrepancy = await _match_id(client, world, "discrepancies", "inv2", "inv2")
    left, right = world.left, world.right

    def manual(left_name: str, right_name: str) -> tuple[str, dict[str, Any]]:
        return "/matches", {
            "left_record_ids": [left[left_name]],
            "right_record_ids": [right[right_name]],
        }

    steps: list[tuple[str, tuple[str, dict[str, Any] | None], int]] = [
        ("reject auto", (f"/matches/{auto}/reject", None), 200),
        ("confirm suggestion", (f"/matches/{suggestion}/confirm", None), 200),
        ("confirm ambiguous, rejecting rivals", (f"/matches/{chosen}/confirm", None), 200),
        ("confirm discrepancy", (f"/matches/{discrepancy}/confirm", None), 200),
        ("manual on released records", manual("inv1", "inv1"), 201),
        ("manual on unmatched records", manual("fee", "inv9"), 201),
        ("manual rejecting an ambiguous alternative", manual("card_b", "card_b"), 201),
        ("reject a confirmed match", (f"/matches/{suggestion}/reject", None), 200),
        ("confirm a rejected match", (f"/matches/{suggestion}/confirm", None), 200),
    ]
    manual_ids: list[int] = []
    for step, (path, body), status in steps:
        response = await client.post(world.url(path), json=body, headers=world.editor.headers)
        assert response.status_code == status, (step, response.text)
        if status == 201:
            manual_ids.append(int(response.json()["id"]))
        await _assert_stored_equal_counted(db, world.job.id, step)
    for manual_id in manual_ids:
        undo = await client.post(
            world.url(f"/matches/{manual_id}/reject"), headers=world.editor.headers
        )
        assert undo.status_code == 200, undo.text
        await _assert_stored_equal_counted(db, world.job.id, f"undo manual {manual_id}")
    again = await client.post(world.url(f"/matches/{auto}/confirm"), headers=world.editor.headers)
    assert again.status_code == 200, again.text
    await _assert_stored_equal_counted(db, world.job.id, "confirm the rejected auto match")


async def test_a_job_without_stored_decisions_gets_them_on_first_read(
    client: AsyncClient, db: Database, session: AsyncSession, reconciled: Reconciled
) -> None:
    world = reconciled
    auto = await _match_id(client, world, "matched", "inv1", "inv1")
    rejected = await client.post(world.url(f"/matches/{auto}/reject"), headers=world.editor.headers)
    assert rejected.status_code == 200
    before = await client.get(world.url("/quality"), headers=world.viewer.headers)
    job = await session.get(ReconciliationJob, world.job.id)
    assert job is not None and job.summary is not None
    job.summary = {k: v for k, v in job.summary.items() if k != "decisions"}
    await session.commit()
    assert (await _stored_and_counted(db, world.job.id))[0] is None

    after = await client.get(world.url("/quality"), headers=world.viewer.headers)

    assert after.status_code == 200
    assert after.json() == before.json()
    await _assert_stored_equal_counted(db, world.job.id, "first read")
