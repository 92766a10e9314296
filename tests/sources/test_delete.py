"""Deleting a data source never loses a review decision, and no id ever comes back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.jobs.runner import run_reconciliation
from tally.jobs.tasks import expire_old_results
from tally.kit.db import Database
from tally.models import JobStatus, Match, ReconciliationJob
from tests.helpers.jobs import create_job
from tests.helpers.records import create_source_with_rows
from tests.helpers.results import BANK, LEDGER, Reconciled, reconciled_job


def _sources(world: Reconciled, path: str = "") -> str:
    return f"/api/v1/projects/{world.project.id}/data-sources{path}"


async def _review_match(client: AsyncClient, world: Reconciled) -> int:
    """Confirm the job's one suggestion (the transfer); returns the match id."""
    review = await client.get(world.url("/matches?tab=review"), headers=world.owner.headers)
    suggestion = next(m for m in review.json()["items"] if m["status"] == "suggested")
    confirmed = await client.post(
        world.url(f"/matches/{suggestion['id']}/confirm"), json={}, headers=world.editor.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    return int(suggestion["id"])


async def test_a_source_under_decisions_is_deleted_only_after_its_jobs_are_archived(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    left = world.job.left_source_id
    confirmed_id = await _review_match(client, world)

    refused = await client.delete(_sources(world, f"/{left}"), headers=world.editor.headers)
    assert refused.status_code == 409
    assert refused.json()["error"] == "SourceInUse"
    assert refused.json()["jobs"] == [world.job.id]
    assert str(world.job.id) in refused.json()["detail"]
    assert (await client.get(world.url(), headers=world.owner.headers)).status_code == 200

    archived = await client.post(world.url("/archive"), headers=world.editor.headers)
    assert archived.status_code == 200 and archived.json()["archived_at"] is not None
    # Final once archived: no review change goes through.
    again = await client.post(
        world.url(f"/matches/{confirmed_id}/reject"), json={}, headers=world.editor.headers
    )
    assert again.status_code == 409

    deleted = await client.delete(_sources(world, f"/{left}"), headers=world.editor.headers)
    assert deleted.status_code == 204
    listed = await client.get(_sources(world), headers=world.owner.headers)
    assert [s["id"] for s in listed.json()["items"]] == [world.job.right_source_id]
    gone = await client.get(_sources(world, f"/{left}"), headers=world.owner.headers)
    assert gone.status_code == 404

    # The archived job reads as before: the decision with its records, and who made it.
    job = await client.get(world.url(), headers=world.owner.headers)
    assert job.status_code == 200 and job.json()["status"] == "completed"
    match = await client.get(world.url(f"/matches/{confirmed_id}"), headers=world.owner.headers)
    assert match.json()["status"] == "confirmed"
    assert [r["id"] for r in match.json()["left"]] == [world.left["transfer"]]
    audit = await client.get(world.url("/audit"), headers=world.owner.headers)
    assert [e["action"] for e in audit.json()["items"]] == ["match.confirmed"]
    assert audit.json()["items"][0]["actor_id"] == world.editor.id

    # The deleted source is no longer a choice, and the stats no longer count it.
    stats = await client.get(
        f"/api/v1/projects/{world.project.id}/stats", headers=world.owner.headers
    )
    assert [s["id"] for s in stats.json()["sources"]] == [world.job.right_source_id]
    assert stats.json()["record_count"] == len(LEDGER)
    new_job = await client.post(
        f"/api/v1/projects/{world.project.id}/jobs",
        json={"left_source_id": left, "right_source_id": world.job.right_source_id},
        headers=world.editor.headers,
    )
    assert new_job.status_code == 422


async def test_jobs_without_decisions_go_with_the_source_and_no_id_comes_back(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    old_job, old_left = world.job.id, world.job.left_source_id
    old_matches = list(await session.scalars(select(Match.id).where(Match.job_id == old_job)))
    assert old_matches
    highest_record = max(world.left.values())
    await session.commit()  # end the read: dropping the job's partitions waits for its readers

    deleted = await client.delete(_sources(world, f"/{old_left}"), headers=world.editor.headers)
    assert deleted.status_code == 204
    assert (await client.get(world.url(), headers=world.owner.headers)).status_code == 404
    jobs = await client.get(
        f"/api/v1/projects/{world.project.id}/jobs", headers=world.owner.headers
    )
    assert jobs.json() == {"items": [], "has_more": False}
    stats = await client.get(
        f"/api/v1/projects/{world.project.id}/stats", headers=world.owner.headers
    )
    assert stats.json()["last_job"] is None
    assert (stats.json()["matched_count"], stats.json()["unmatched_count"]) == (0, 0)

    # Everything made next has an id never seen before, on both backends: the deleted job,
    # source, records and matches were the highest of their tables.
    left = await create_source_with_rows(
        session, project=world.project, name="bank again", rows=list(BANK.values())
    )
    assert left.id > old_left
    right = await session.get(type(left), world.job.right_source_id)
    assert right is not None
    job = await create_job(
        session, project=world.project, left=left, right=right, status=JobStatus.QUEUED
    )
    job.rules = world.job.rules
    await session.commit()
    assert job.id > old_job
    assert await run_reconciliation(db, job.id) == JobStatus.COMPLETED
    new_matches = list(await session.scalars(select(Match.id).where(Match.job_id == job.id)))
    assert new_matches and min(new_matches) > max(old_matches)
    response = await client.get(
        f"/api/v1/projects/{world.project.id}/jobs/{job.id}/records?tab=unmatched_left",
        headers=world.owner.headers,
    )
    assert min(item["id"] for item in response.json()["items"]) > highest_record


async def test_a_source_of_an_unfinished_job_is_kept(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    queued = await create_job(
        session,
        project=world.project,
        left=await _source(session, world.job.left_source_id),
        right=await _source(session, world.job.right_source_id),
        status=JobStatus.QUEUED,
    )
    refused = await client.delete(
        _sources(world, f"/{world.job.right_source_id}"), headers=world.editor.headers
    )
    assert refused.status_code == 409 and refused.json()["jobs"] == [queued.id]


async def test_retention_keeps_decided_and_archived_jobs(
    client: AsyncClient, session: AsyncSession, db: Database, test_settings: Settings
) -> None:
    decided = await reconciled_job(session, db)
    await _review_match(client, decided)
    archived = await reconciled_job(session, db)
    assert (await client.post(archived.url("/archive"), headers=archived.owner.headers)).is_success
    plain = await reconciled_job(session, db)
    long_ago = datetime.now(UTC) - timedelta(days=400)
    await session.execute(update(ReconciliationJob).values(finished_at=long_ago))
    await session.commit()

    settings = test_settings.model_copy(update={"result_retention_days": 30})
    async with db.sessionmaker() as cleanup:
        assert await expire_old_results(cleanup, settings) == 1
        await cleanup.commit()
    rows = await session.execute(select(ReconciliationJob.id, ReconciliationJob.results_expired))
    expired = {job_id: flag for job_id, flag in rows}
    assert expired == {decided.job.id: False, archived.job.id: False, plain.job.id: True}


async def test_only_finished_jobs_are_archived(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    running = await create_job(
        session,
        project=world.project,
        left=await _source(session, world.job.left_source_id),
        right=await _source(session, world.job.right_source_id),
        status=JobStatus.RUNNING,
    )
    url = f"/api/v1/projects/{world.project.id}/jobs/{running.id}/archive"
    assert (await client.post(url, headers=world.editor.headers)).status_code == 409
    viewer: Any = await client.post(world.url("/archive"), headers=world.viewer.headers)
    assert viewer.status_code == 403


async def _source(session: AsyncSession, source_id: int) -> Any:
    from tally.models import DataSource

    source = await session.get(DataSource, source_id)
    assert source is not None
    return source
