"""Rule suggestions through the API: learned from a job's manual matches, shown with coverage
and precision, accepted into a new draft version or dismissed."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tests.helpers.results import Reconciled, reconciled_job
from tests.rule_sets.scenario import FEE_BANK, FEE_LEDGER


async def _manually_matched(client: AsyncClient, world: Reconciled) -> None:
    for n in range(1, 5):
        label = f"inv{n}"
        body = {"left_record_ids": [world.left[label]], "right_record_ids": [world.right[label]]}
        response = await client.post(world.url("/matches"), json=body, headers=world.editor.headers)
        assert response.status_code == 201, response.text


async def test_manual_matches_become_a_suggested_rule_that_goes_into_a_draft(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=FEE_BANK, ledger=FEE_LEDGER)
    await _manually_matched(client, world)
    url = f"/api/v1/projects/{world.project.id}/rule-set/suggestions"
    body = {"job_id": world.job.id}
    assert (await client.post(url, json=body, headers=world.viewer.headers)).status_code == 403

    created = await client.post(url, json=body, headers=world.editor.headers)
    assert created.status_code == 201, created.text
    [suggestion] = created.json()
    assert suggestion["description"] == (
        "the right reference appears in the left description (pattern "
        r"(?i)\b(?P<value>INV[-_ /.]?\d{4,4})\b), equal after normalising case, spaces, "
        "punctuation and leading zeros; amounts differ by a constant 1.20 (a fee?); "
        "dates within 2 days"
    )
    figures = {k: suggestion[k] for k in ("pairs", "support", "found", "coverage", "predicted")}
    assert figures == {"pairs": 4, "support": 4, "found": 4, "coverage": 1.0, "predicted": 5}
    decided = {k: suggestion[k] for k in ("confirmed", "rejected", "conflicting", "precision")}
    assert decided == {"confirmed": 4, "rejected": 0, "conflicting": 0, "precision": 1.0}
    listed = await client.get(url, headers=world.viewer.headers)
    assert [s["id"] for s in listed.json()] == [suggestion["id"]]

    accepted = await client.post(f"{url}/{suggestion['id']}/accept", headers=world.editor.headers)
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["draft_version"]) == ("accepted", 1)
    draft = await client.get(
        f"/api/v1/projects/{world.project.id}/rule-set/versions/1", headers=world.viewer.headers
    )
    rules: dict[str, Any] = draft.json()["rules"]
    assert draft.json()["status"] == "draft"
    assert rules["rules"][-1]["name"] == "suggested_reference_in_left_description"
    assert [d["name"] for d in rules["derived_fields"]] == ["reference_in_left_description"]
    for action in ("accept", "dismiss"):
        again = await client.post(
            f"{url}/{suggestion['id']}/{action}", headers=world.editor.headers
        )
        assert (again.status_code, again.json()["error"]) == (409, "SuggestionDecided")

    # Asking again proposes it afresh (the accepted one stays as it was); dismissing hides it.
    [fresh] = (await client.post(url, json=body, headers=world.editor.headers)).json()
    dismissed = await client.post(f"{url}/{fresh['id']}/dismiss", headers=world.editor.headers)
    assert dismissed.json()["status"] == "dismissed"
    assert (await client.get(url, headers=world.viewer.headers)).json() == []
    by_status = await client.get(f"{url}?status=dismissed", headers=world.viewer.headers)
    assert [s["id"] for s in by_status.json()] == [fresh["id"]]


async def test_too_few_manual_matches_suggest_nothing(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=FEE_BANK, ledger=FEE_LEDGER)
    body = {"left_record_ids": [world.left["inv1"]], "right_record_ids": [world.right["inv1"]]}
    await client.post(world.url("/matches"), json=body, headers=world.editor.headers)
    response = await client.post(
        f"/api/v1/projects/{world.project.id}/rule-set/suggestions",
        json={"job_id": world.job.id},
        headers=world.editor.headers,
    )
    assert (response.status_code, response.json()) == (201, [])
