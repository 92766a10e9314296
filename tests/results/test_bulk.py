"""Bulk review: many confirmations or rejections in one request, each audited, all or nothing."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient, Response

from tests.helpers.results import Reconciled


async def _bulk(client: AsyncClient, world: Reconciled, body: dict[str, Any]) -> Response:
    return await client.post(world.url("/matches/bulk"), json=body, headers=world.editor.headers)


async def _tab(client: AsyncClient, world: Reconciled, tab: str) -> list[dict[str, Any]]:
    response = await client.get(world.url(f"/matches?tab={tab}"), headers=world.owner.headers)
    return list(response.json()["items"])


async def _audited(client: AsyncClient, world: Reconciled) -> list[tuple[str, str]]:
    response = await client.get(world.url("/audit?per_page=200"), headers=world.owner.headers)
    return [(e["action"], e["target"]) for e in response.json()["items"]]


async def test_confirm_every_suggestion_of_a_rule_at_or_above_a_score(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    review = await _tab(client, world, "review")
    suggestions = [m for m in review if m["status"] == "suggested"]
    assert [m["rule"] for m in suggestions] == ["amount_date"]  # the transfer
    too_high = await _bulk(
        client,
        world,
        {"action": "confirm", "selection": {"rule": "amount_date", "min_score": 0.999}},
    )
    assert too_high.status_code == 200 and too_high.json()["changed"] == []

    response = await _bulk(
        client,
        world,
        {
            "action": "confirm",
            "selection": {"rule": "amount_date", "min_score": suggestions[0]["score"]},
            "note": "weekly sweep",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["changed"] == [suggestions[0]["id"]]
    # Ambiguous alternatives are left for a person: confirming one rejects its rivals.
    assert [m["status"] for m in await _tab(client, world, "review")] == ["ambiguous"] * 4
    assert ("match.confirmed", f"match:{suggestions[0]['id']}") in await _audited(client, world)


async def test_reject_a_list_each_audited_and_again_is_unchanged(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    matched = await _tab(client, world, "matched")
    review = [m for m in await _tab(client, world, "review") if m["status"] == "suggested"]
    ids = [matched[0]["id"], review[0]["id"]]
    response = await _bulk(client, world, {"action": "reject", "match_ids": ids})
    assert response.status_code == 200, response.text
    assert (response.json()["changed"], response.json()["unchanged"]) == (ids, [])
    audited = await _audited(client, world)
    assert all(("match.rejected", f"match:{i}") in audited for i in ids)
    assert sorted(m["id"] for m in await _tab(client, world, "rejected")) == sorted(ids)

    again = await _bulk(client, world, {"action": "reject", "match_ids": ids})
    assert (again.json()["changed"], again.json()["unchanged"]) == ([], ids)


async def test_one_refusal_changes_nothing(client: AsyncClient, reconciled: Reconciled) -> None:
    world = reconciled
    review = await _tab(client, world, "review")
    suggestion = next(m for m in review if m["status"] == "suggested")
    card_a = world.left["card_a"]
    rivals = [m["id"] for m in review if [r["id"] for r in m["left"]] == [card_a]]
    assert len(rivals) == 2  # card a against either ledger card: confirming one rejects the other
    response = await _bulk(
        client, world, {"action": "confirm", "match_ids": [suggestion["id"], *rivals]}
    )
    assert response.status_code == 409, response.text
    body = response.json()
    assert (body["error"], body["match_id"]) == ("BulkRefused", rivals[1])
    # All or nothing: the suggestion and the first rival are not confirmed either.
    assert [m for m in await _tab(client, world, "matched") if m["status"] == "confirmed"] == []
    assert ("match.confirmed", f"match:{suggestion['id']}") not in await _audited(client, world)


async def test_bulk_needs_exactly_one_choice_and_an_editor(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    both = await _bulk(
        client, world, {"action": "confirm", "match_ids": [1], "selection": {"tab": "review"}}
    )
    assert both.status_code == 422
    viewer = await client.post(
        world.url("/matches/bulk"),
        json={"action": "confirm", "selection": {}},
        headers=world.viewer.headers,
    )
    assert viewer.status_code == 403
