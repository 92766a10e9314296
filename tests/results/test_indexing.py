"""The indexes a completed job's results pages read (tally.results.indexing): same answers as the
scans they replace, kept current by review changes, dropped with the results."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select, update

from tally.kit.db import Database
from tally.models import ReconciliationJob, RecordSearch, UnmatchedRecord
from tally.results.indexing import index_results
from tally.results.repository import ResultRepository
from tests.helpers.results import Reconciled

# "FEE", a line break, "=HYPERLINK": the fee's reference runs into its description only in the
# joined text the trigram index covers; a search never matches across the two.
SPANNING = "/records?tab=unmatched_left&q=FEE%0A%3DHYP"
# Every sort and filter of the record tabs, and text searches of both kinds of tab.
READS = [
    *(
        f"/records?tab={tab}&sort={sort}"
        for tab in ("unmatched_left", "unmatched_right")
        for sort in ("id", "-id", "amount", "-amount", "date", "-date")
    ),
    "/records?tab=unmatched_left&per_page=2&page=2",
    "/records?tab=unmatched_left&max_amount=0",
    "/records?tab=unmatched_left&min_amount=12&max_amount=40&sort=-amount",
    "/records?tab=unmatched_left&q=HYPERLINK",
    SPANNING,
    "/records?tab=unmatched_right&min_amount=12&q=inv",
    "/records?tab=duplicates&q=twice",
    "/matches?tab=matched&q=inv-1",
    "/matches?tab=discrepancies&q=invoice%202",
    "/matches?tab=review&q=card&sort=-amount",
    "/matches?tab=matched&q=%25",
    "/matches?tab=matched&q=nothing",
]


async def _answers(client: AsyncClient, world: Reconciled) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for path in READS:
        response = await client.get(world.url(path), headers=world.viewer.headers)
        assert response.status_code == 200, (path, response.text)
        answers[path] = response.json()
    export = await client.get(world.url("/export?format=csv"), headers=world.viewer.headers)
    answers["export"] = export.text
    return answers


async def _scanned_answers(client: AsyncClient, db: Database, world: Reconciled) -> dict[str, Any]:
    """What the pages answer from the scans, the indexes set aside for the moment."""
    indexed_at = await _indexed_at(db, world)
    await _set_indexed_at(db, world, None)
    try:
        return await _answers(client, world)
    finally:
        await _set_indexed_at(db, world, indexed_at)


async def _indexed_at(db: Database, world: Reconciled) -> Any:
    async with db.sessionmaker() as session:
        return await session.scalar(
            select(ReconciliationJob.results_indexed_at).where(ReconciliationJob.id == world.job.id)
        )


async def _set_indexed_at(db: Database, world: Reconciled, value: Any) -> None:
    async with db.sessionmaker() as session:
        await session.execute(
            update(ReconciliationJob)
            .where(ReconciliationJob.id == world.job.id)
            .values(results_indexed_at=value)
        )
        await session.commit()


async def _count(db: Database, model: Any, *where: Any) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_indexed_pages_answer_like_the_scans(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    scanned = await _answers(client, reconciled)
    job_url = f"/api/v1/projects/{reconciled.project.id}/jobs/{reconciled.job.id}"
    job = await client.get(job_url, headers=reconciled.viewer.headers)
    assert job.json()["results_indexed_at"] is None

    assert await index_results(db, reconciled.job.id) is True
    assert await index_results(db, reconciled.job.id) is False  # once is enough
    job = await client.get(job_url, headers=reconciled.viewer.headers)
    assert job.json()["results_indexed_at"] is not None
    # Both sources' records are searchable; the job's 5 + 3 unmatched records are listed.
    assert await _count(db, RecordSearch) == len(reconciled.left) + len(reconciled.right)
    assert await _count(db, UnmatchedRecord, UnmatchedRecord.job_id == reconciled.job.id) == 8

    assert await _answers(client, reconciled) == scanned
    assert scanned[SPANNING]["items"] == []


async def test_review_changes_keep_the_unmatched_rows_current(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    assert await index_results(db, reconciled.job.id)
    headers = reconciled.owner.headers
    matched = await client.get(reconciled.url("/matches?tab=matched&q=inv-1"), headers=headers)
    inv1 = matched.json()["items"][0]["id"]
    review = await client.get(reconciled.url("/matches?tab=review"), headers=headers)
    ambiguous = next(m["id"] for m in review.json()["items"] if m["status"] == "ambiguous")
    changes: list[tuple[str, dict[str, Any] | None]] = [
        (f"/matches/{inv1}/reject", None),  # releases both INV-1 records
        (f"/matches/{ambiguous}/confirm", None),  # claims a card pair, rejects its rivals
        (
            "/matches",
            {
                "left_record_ids": [reconciled.left["fee"]],
                "right_record_ids": [reconciled.right["inv9"]],
            },
        ),
        (f"/matches/{inv1}/confirm", None),  # claims INV-1 again
    ]
    for path, body in changes:
        response = await client.post(reconciled.url(path), json=body, headers=headers)
        assert response.status_code in (200, 201), (path, response.text)
        indexed = await _answers(client, reconciled)
        assert indexed == await _scanned_answers(client, db, reconciled), path
        if path.endswith("/reject"):
            left = indexed["/records?tab=unmatched_left&sort=id"]["items"]
            assert reconciled.left["inv1"] in [r["id"] for r in left]


async def test_deleting_the_results_drops_their_rows_and_the_mark(
    db: Database, reconciled: Reconciled
) -> None:
    assert await index_results(db, reconciled.job.id)
    async with db.sessionmaker() as session:
        await ResultRepository(session).delete_results(reconciled.job.id)
        await session.commit()
    assert await _indexed_at(db, reconciled) is None
    assert await _count(db, UnmatchedRecord, UnmatchedRecord.job_id == reconciled.job.id) == 0
