"""Jobs and matches are numbered 1, 2, 3 within their project, beside their ids: shown by the
API, the web pages and the CLI, never given twice (a deleted job's number stays used), and
distinct when jobs are created at the same moment."""

from __future__ import annotations

import asyncio
import re

from httpx import AsyncClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.rules import DEFAULT_RULE_SET
from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database
from tally.models import DataSource, JobStatus, ReconciliationJob
from tests.helpers.jobs import create_job
from tests.helpers.results import RULES, reconciled_job
from tests.web.conftest import sign_in


async def _numbers(client: AsyncClient, url: str, headers: dict[str, str]) -> list[int]:
    numbers = []
    for tab in ("matched", "review", "discrepancies"):
        page = await client.get(f"{url}/matches?tab={tab}&limit=200", headers=headers)
        assert page.status_code == 200, page.text
        numbers += [match["number"] for match in page.json()["items"]]
    return sorted(numbers)


async def test_jobs_and_matches_are_numbered_within_their_project(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    other = await reconciled_job(session, db)  # another project counts on its own
    headers = world.owner.headers
    first = await _numbers(client, world.url(), headers)
    assert first == list(range(1, len(first) + 1)) and len(first) >= 4
    assert await _numbers(client, other.url(), other.owner.headers) == first

    left, right = await _sources(session, world.job)
    second = await create_job(
        session, project=world.project, left=left, right=right, status=JobStatus.QUEUED
    )
    second.rules = RULES
    await session.commit()
    assert await run_reconciliation(db, second.id) == JobStatus.COMPLETED
    base = f"/api/v1/projects/{world.project.id}/jobs"
    listed = (await client.get(base, headers=headers)).json()["items"]
    assert [(j["id"], j["number"]) for j in listed] == [(second.id, 2), (world.job.id, 1)]
    shown = (await client.get(f"{base}/{second.id}", headers=headers)).json()
    assert shown["number"] == 2 and shown["id"] == second.id
    # The second job's matches take the next range, in one piece.
    assert await _numbers(client, f"{base}/{second.id}", headers) == [n + len(first) for n in first]
    others = f"/api/v1/projects/{other.project.id}/jobs"
    assert (await client.get(others, headers=other.owner.headers)).json()["items"][0]["number"] == 1

    # A manual match takes the project's next number.
    rejected = await client.post(
        f"{base}/{second.id}/matches/{await _match_id(client, base, second.id, headers)}/reject",
        json={},
        headers=headers,
    )
    assert rejected.status_code == 200, rejected.text
    pair = rejected.json()["match"]
    manual = await client.post(
        f"{base}/{second.id}/matches",
        json={
            "left_record_ids": [r["id"] for r in pair["left"]],
            "right_record_ids": [r["id"] for r in pair["right"]],
        },
        headers=headers,
    )
    assert manual.status_code == 201, manual.text
    assert manual.json()["number"] == 2 * len(first) + 1

    # The web pages show the numbers, the URLs keep the ids.
    await sign_in(client, world.owner)
    page = await client.get(f"/projects/{world.project.id}/jobs/{second.id}")
    assert "Reconciliation #2</h1>" in page.text
    overview = await client.get(f"/projects/{world.project.id}")
    assert f'/jobs/{second.id}">#2</a>' in overview.text
    review = await client.get(f"/projects/{world.project.id}/jobs/{second.id}/results?tab=matched")
    shown_numbers = re.findall(r'<td data-label="Match">#(\d+) ', review.text)
    assert shown_numbers and {int(n) for n in shown_numbers} <= set(
        range(len(first) + 1, 2 * len(first) + 2)
    ), shown_numbers


async def _sources(session: AsyncSession, job: ReconciliationJob) -> tuple[DataSource, DataSource]:
    left = await session.get(DataSource, job.left_source_id)
    right = await session.get(DataSource, job.right_source_id)
    assert left is not None and right is not None
    return left, right


async def _match_id(client: AsyncClient, base: str, job_id: int, headers: dict[str, str]) -> int:
    page = await client.get(f"{base}/{job_id}/matches?tab=matched&limit=1", headers=headers)
    return int(page.json()["items"][0]["id"])


async def test_a_deleted_jobs_number_is_never_given_again(
    session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    left, right = await _sources(session, world.job)
    second = await create_job(
        session, project=world.project, left=left, right=right, status=JobStatus.QUEUED
    )
    assert second.number == 2
    await session.execute(delete(ReconciliationJob).where(ReconciliationJob.id == second.id))
    await session.commit()
    third = await create_job(
        session, project=world.project, left=left, right=right, status=JobStatus.QUEUED
    )
    assert third.number == 3


async def test_jobs_created_at_once_get_distinct_numbers(
    session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    rules = DEFAULT_RULE_SET.model_dump(mode="json")

    async def create() -> int:
        async with db.sessionmaker() as own:
            job = ReconciliationJob(
                project_id=world.project.id,
                left_source_id=world.job.left_source_id,
                right_source_id=world.job.right_source_id,
                rules=rules,
                status=JobStatus.CANCELLED,
            )
            own.add(job)
            await own.commit()
            return job.number

    numbers = await asyncio.gather(*(create() for _ in range(8)))
    assert sorted(numbers) == list(range(2, 10))
