"""Reviewing while paging: a cursor page is a range of ids, so decided matches leaving the tab
shift nothing; page/offset paging skips what moved up. Polled pages answer 304 until a change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tests.helpers.records import Row
from tests.helpers.results import Reconciled, reconciled_job

REVIEW_ITEMS = 748  # the review tab of the report this reproduces
PER_PAGE = 10


async def _review_job(session: AsyncSession, db: Database) -> Reconciled:
    """A job whose review tab holds REVIEW_ITEMS suggestions: each bank row has one ledger row of
    the same (unique) amount three days later, which the amount_date rule only suggests."""
    bank, ledger = {}, {}
    start = datetime(2026, 1, 1, tzinfo=UTC).date()
    for n in range(REVIEW_ITEMS):
        amount = f"{100 + n}.{n % 100:02d}"
        booked = start + timedelta(days=n % 300)
        bank[f"b{n}"] = Row(None, booked.isoformat(), amount, "Transfer", f"Initech {n}")
        later = (booked + timedelta(days=3)).isoformat()
        ledger[f"l{n}"] = Row(None, later, amount, "Transfer", f"Initech {n} Ltd")
    return await reconciled_job(session, db, bank=bank, ledger=ledger)


async def _review_ids(client: AsyncClient, world: Reconciled) -> list[int]:
    listed = await client.get(
        world.url("/matches?tab=review&per_page=200&page=1"), headers=world.viewer.headers
    )
    first = listed.json()
    assert first["total"] == REVIEW_ITEMS, first["total"]
    ids: list[int] = []
    for page in range(1, first["pages"] + 1):
        url = world.url(f"/matches?tab=review&per_page=200&page={page}")
        ids += [
            m["id"] for m in (await client.get(url, headers=world.viewer.headers)).json()["items"]
        ]
    return ids


async def _confirm(client: AsyncClient, world: Reconciled, ids: list[int]) -> None:
    decided = await client.post(
        world.url("/matches/bulk"),
        json={"action": "confirm", "match_ids": ids},
        headers=world.editor.headers,
    )
    assert decided.status_code == 200, decided.text
    assert sorted(decided.json()["changed"]) == sorted(ids)


async def test_confirming_each_cursor_page_leaves_nothing_unseen(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await _review_job(session, db)
    review = await _review_ids(client, world)
    assert len(review) == REVIEW_ITEMS == len(set(review))

    # Page form, as the report did it: confirm page 1, then read page 2 - its first items moved
    # up into page 1 and were never shown.
    page_1 = await client.get(
        world.url(f"/matches?tab=review&per_page={PER_PAGE}&page=1"), headers=world.viewer.headers
    )
    first_ids = [m["id"] for m in page_1.json()["items"]]
    await _confirm(client, world, first_ids)
    page_2 = await client.get(
        world.url(f"/matches?tab=review&per_page={PER_PAGE}&page=2"), headers=world.viewer.headers
    )
    skipped_by_offset = review[PER_PAGE : 2 * PER_PAGE]
    assert not set(skipped_by_offset) & {m["id"] for m in page_2.json()["items"]}

    # Cursor form: after the last id seen, whatever was decided meanwhile.
    seen = list(first_ids)
    url = world.url(f"/matches?tab=review&limit={PER_PAGE}&starting_after={first_ids[-1]}")
    while True:
        page = (await client.get(url, headers=world.viewer.headers)).json()
        ids = [m["id"] for m in page["items"]]
        assert all(m["status"] == "suggested" for m in page["items"])
        assert page["total"] is None and page["page"] is None
        seen += ids
        if ids:
            await _confirm(client, world, ids)
        if not page["has_more"]:
            break
        url = world.url(f"/matches?tab=review&limit={PER_PAGE}&starting_after={ids[-1]}")
    unseen = set(review) - set(seen)
    assert len(unseen) == 0
    assert len(seen) == len(set(seen)) == REVIEW_ITEMS
    remaining = await client.get(world.url("/matches?tab=review"), headers=world.viewer.headers)
    assert remaining.json()["total"] == 0

    # The audit trail of those decisions, by cursor (newest first): every event once.
    counted = await client.get(world.url("/audit?per_page=1"), headers=world.viewer.headers)
    assert counted.json()["total"] >= REVIEW_ITEMS
    events: list[int] = []
    url = world.url("/audit?limit=200")
    while True:
        page = (await client.get(url, headers=world.viewer.headers)).json()
        events += [event["id"] for event in page["items"]]
        if not page["has_more"]:
            break
        url = world.url(f"/audit?limit=200&starting_after={events[-1]}")
    assert events == sorted(set(events), reverse=True)
    assert len(events) == counted.json()["total"]


async def test_a_cursor_page_reads_backwards_and_in_either_order(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world, headers = reconciled, reconciled.viewer.headers
    everything = await client.get(world.url("/matches?tab=review&per_page=200"), headers=headers)
    ids = [m["id"] for m in everything.json()["items"]]
    assert len(ids) >= 3, ids

    first = (await client.get(world.url("/matches?tab=review&limit=2"), headers=headers)).json()
    assert [m["id"] for m in first["items"]] == ids[:2] and first["has_more"] is True
    after = world.url(f"/matches?tab=review&limit=200&starting_after={ids[1]}")
    rest = (await client.get(after, headers=headers)).json()
    assert [m["id"] for m in rest["items"]] == ids[2:] and rest["has_more"] is False
    before = world.url(f"/matches?tab=review&limit=1&ending_before={ids[2]}")
    back = (await client.get(before, headers=headers)).json()
    assert [m["id"] for m in back["items"]] == [ids[1]] and back["has_more"] is True
    newest = world.url("/matches?tab=review&limit=2&sort=-id")
    assert [m["id"] for m in (await client.get(newest, headers=headers)).json()["items"]] == list(
        reversed(ids)
    )[:2]


async def test_cursor_garbage_is_refused_in_the_error_shape(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world, headers = reconciled, reconciled.viewer.headers
    for query, status, error in (
        ("starting_after=abc", 422, "ValidationError"),
        ("starting_after=0", 422, "ValidationError"),
        ("starting_after=99999999999999999999999", 422, "ValidationError"),
        ("limit=0", 422, "ValidationError"),
        ("limit=201", 422, "ValidationError"),
        ("starting_after=1&ending_before=5", 400, "InvalidCursor"),
        ("starting_after=1&page=2", 400, "InvalidCursor"),
        ("starting_after=1&sort=amount", 400, "InvalidCursor"),
    ):
        response = await client.get(world.url(f"/matches?tab=review&{query}"), headers=headers)
        assert response.status_code == status, (query, response.text)
        assert response.json()["error"] == error and response.json()["detail"], query


async def test_updated_since_lists_only_what_a_review_changed(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    review = await client.get(world.url("/matches?tab=review"), headers=world.viewer.headers)
    match_id = review.json()["items"][0]["id"]
    before = datetime.now(UTC)
    since = before.isoformat().replace("+00:00", "Z")
    url = world.url("/matches?tab=matched&limit=200")
    assert (
        await client.get(url, params={"updated_since": since}, headers=world.viewer.headers)
    ).json()["items"] == []
    confirmed = await client.post(
        world.url(f"/matches/{match_id}/confirm"), json={}, headers=world.editor.headers
    )
    assert confirmed.status_code == 200
    changed = await client.get(url, params={"updated_since": since}, headers=world.viewer.headers)
    assert [m["id"] for m in changed.json()["items"]] == [match_id]
    created = await client.get(url, params={"created_since": since}, headers=world.viewer.headers)
    assert created.json()["items"] == []
    naive = await client.get(
        url, params={"updated_since": "2026-01-01T00:00:00"}, headers=world.viewer.headers
    )
    assert naive.status_code == 422 and naive.json()["error"] == "ValidationError"
