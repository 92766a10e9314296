"""Two reviewers acting on the same match at once: one wins, the other gets 409 with the match
as it is now. Real concurrent requests, on both backends."""

from __future__ import annotations

import asyncio
from typing import Any

from httpx import AsyncClient, Response

from tests.helpers.results import Reconciled
from tests.helpers.users import AuthedUser


async def _suggestion(client: AsyncClient, world: Reconciled) -> dict[str, Any]:
    """The transfer: a suggestion waiting for review."""
    response = await client.get(world.url("/matches?tab=review"), headers=world.owner.headers)
    for match in response.json()["items"]:
        if [r["id"] for r in match["left"]] == [world.left["transfer"]]:
            return dict(match)
    raise AssertionError("no transfer suggestion")


async def _decide(
    client: AsyncClient,
    world: Reconciled,
    user: AuthedUser,
    match_id: int,
    action: str,
    **body: Any,
) -> Response:
    return await client.post(
        world.url(f"/matches/{match_id}/{action}"), json=body or None, headers=user.headers
    )


async def test_confirm_and_reject_at_once_one_wins_the_other_sees_it(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    seen = await _suggestion(client, world)
    assert seen["version"] == 0
    confirm, reject = await asyncio.gather(
        _decide(client, world, world.editor, seen["id"], "confirm", version=seen["version"]),
        _decide(client, world, world.owner, seen["id"], "reject", version=seen["version"]),
    )
    assert sorted((confirm.status_code, reject.status_code)) == [200, 409], (
        confirm.text,
        reject.text,
    )
    won, lost = (confirm, reject) if confirm.status_code == 200 else (reject, confirm)
    winner = won.json()["match"]
    assert winner["version"] == 1
    body = lost.json()
    assert body["error"] == "MatchChanged"
    # The loser is told the match's current state: the winner's decision.
    assert (body["match"]["status"], body["match"]["version"]) == (winner["status"], 1)
    current = await client.get(world.url(f"/matches/{seen['id']}"), headers=world.owner.headers)
    assert current.json()["status"] == winner["status"]
    audit = await client.get(world.url("/audit"), headers=world.owner.headers)
    events = [e for e in audit.json()["items"] if e["target"] == f"match:{seen['id']}"]
    assert len(events) == 1  # only the winner's decision happened


async def test_two_confirmations_at_once_without_versions(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    seen = await _suggestion(client, world)
    first, second = await asyncio.gather(
        _decide(client, world, world.editor, seen["id"], "confirm"),
        _decide(client, world, world.owner, seen["id"], "confirm"),
    )
    assert sorted((first.status_code, second.status_code)) == [200, 409]
    lost = first if first.status_code == 409 else second
    assert lost.json()["error"] in ("MatchChanged", "ReviewConflict")
    assert lost.json()["match"]["status"] == "confirmed"


async def test_a_decision_on_a_stale_version_is_refused(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    seen = await _suggestion(client, world)
    first = await _decide(client, world, world.editor, seen["id"], "reject")
    assert first.status_code == 200 and first.json()["match"]["version"] == 1
    stale = await _decide(client, world, world.owner, seen["id"], "confirm", version=0)
    assert stale.status_code == 409
    assert (stale.json()["error"], stale.json()["match"]["status"]) == ("MatchChanged", "rejected")
    fresh = await _decide(client, world, world.owner, seen["id"], "confirm", version=1)
    assert fresh.status_code == 200 and fresh.json()["match"]["version"] == 2
