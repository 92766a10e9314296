"""Rule suggestions through the API: learned from the manual matches of a project's past jobs,
shown with coverage and precision per job and overall, accepted into a new draft version or
dismissed."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import DataSource
from tally.rule_sets.service import SUGGEST_MAX_RECORDS
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.rule_sets import another_job
from tests.rule_sets.scenario import FEE_BANK, FEE_LEDGER, match_id

_FIGURES = ("pairs", "found", "coverage", "predicted", "confirmed", "rejected", "conflicting")


async def _manually_matched(client: AsyncClient, world: Reconciled, count: int = 4) -> None:
    for n in range(1, count + 1):
        label = f"inv{n}"
        body = {"left_record_ids": [world.left[label]], "right_record_ids": [world.right[label]]}
        response = await client.post(world.url("/matches"), json=body, headers=world.editor.headers)
        assert response.status_code == 201, response.text


def _figures(figures: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(figures[k] for k in (*_FIGURES, "precision"))


async def test_manual_matches_become_a_suggested_rule_that_goes_into_a_draft(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=FEE_BANK, ledger=FEE_LEDGER)
    await _manually_matched(client, world)
    url = f"/api/v1/projects/{world.project.id}/rule-set/suggestions"
    body = {"job_ids": [world.job.id]}
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
    assert suggestion["support"] == 4
    assert _figures(suggestion) == (4, 4, 1.0, 5, 4, 0, 0, 1.0)
    [on_job] = suggestion["jobs"]
    assert (on_job["job_id"], _figures(on_job)) == (world.job.id, _figures(suggestion))
    listed = await client.get(url, headers=world.viewer.headers)
    assert [s["id"] for s in listed.json()["items"]] == [suggestion["id"]]

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

    # Asking again (from every stored job: this one) proposes it afresh (the accepted one stays
    # as it was); dismissing hides it.
    [fresh] = (await client.post(url, headers=world.editor.headers)).json()
    dismissed = await client.post(f"{url}/{fresh['id']}/dismiss", headers=world.editor.headers)
    assert dismissed.json()["status"] == "dismissed"
    assert (await client.get(url, headers=world.viewer.headers)).json()["items"] == []
    by_status = await client.get(f"{url}?status=dismissed", headers=world.viewer.headers)
    assert [s["id"] for s in by_status.json()["items"]] == [fresh["id"]]


async def test_too_few_manual_matches_suggest_nothing(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=FEE_BANK, ledger=FEE_LEDGER)
    body = {"left_record_ids": [world.left["inv1"]], "right_record_ids": [world.right["inv1"]]}
    await client.post(world.url("/matches"), json=body, headers=world.editor.headers)
    response = await client.post(
        f"/api/v1/projects/{world.project.id}/rule-set/suggestions",
        json={"job_ids": [world.job.id]},
        headers=world.editor.headers,
    )
    assert (response.status_code, response.json()) == (201, [])


# Matches the one fee-shaped pair of FEE_BANK / FEE_LEDGER's first line, as a suggestion to review.
_NEAR_AMOUNT = {
    "rules": [
        {
            "name": "near_amount",
            "conditions": [
                {"type": "amount", "abs_tolerance": "1.20"},
                {"type": "date", "window_days": 2},
            ],
            "auto": 1.0,
            "suggest": 0.1,
        }
    ]
}


async def test_a_pattern_once_in_each_of_three_jobs_is_suggested_and_judged_on_each_job(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    first = await reconciled_job(session, db, bank=FEE_BANK, ledger=FEE_LEDGER)
    jobs = [first]
    for _ in range(2):
        jobs.append(await another_job(session, db, first, bank=FEE_BANK, ledger=FEE_LEDGER))
    for world in jobs:
        await _manually_matched(client, world, count=1)
    # A fourth job's rules suggested a pair of the same shape, and its reviewer rejected it.
    line = {"inv1": FEE_BANK["inv1"]}, {"inv1": FEE_LEDGER["inv1"]}
    fourth = await another_job(session, db, first, bank=line[0], ledger=line[1], rules=_NEAR_AMOUNT)
    rejected = await client.post(
        fourth.url(f"/matches/{await match_id(client, fourth, 'review', 'inv1')}/reject"),
        headers=first.editor.headers,
    )
    assert rejected.status_code == 200, rejected.text
    url = f"/api/v1/projects/{first.project.id}/rule-set/suggestions"
    headers = first.editor.headers

    for world in jobs:  # one manual match: too rare in any one job
        alone = await client.post(url, json={"job_ids": [world.job.id]}, headers=headers)
        assert (alone.status_code, alone.json()) == (201, [])
    created = await client.post(url, headers=headers)  # every stored job
    assert created.status_code == 201, created.text
    [suggestion] = created.json()
    assert suggestion["rule"]["name"] == "suggested_reference_in_left_description"
    assert suggestion["support"] == 3
    # Overall: the three manual pairs found; of the 3 x 5 + 1 pairs it matches, 3 accepted and
    # the fourth job's pair rejected; the other 12 nobody decided on.
    assert _figures(suggestion) == (3, 3, 1.0, 16, 3, 1, 0, 0.75)
    by_job = {j["job_id"]: _figures(j) for j in suggestion["jobs"]}
    assert by_job == {
        **{world.job.id: (1, 1, 1.0, 5, 1, 0, 0, 1.0) for world in jobs},
        fourth.job.id: (0, 0, 0.0, 1, 0, 1, 0, 0.0),
    }
    assert [j["job_id"] for j in suggestion["jobs"]] == sorted(by_job, reverse=True)

    # Learning again replaces the open suggestion; accepting and dismissing still decide one.
    [again] = (await client.post(url, headers=headers)).json()
    listed = (await client.get(url, headers=headers)).json()["items"]
    assert [s["id"] for s in listed] == [again["id"]]
    accepted = await client.post(f"{url}/{again['id']}/accept", headers=headers)
    assert (accepted.status_code, accepted.json()["draft_version"]) == (200, 1)
    [last] = (
        await client.post(url, json={"job_ids": [j.job.id for j in jobs]}, headers=headers)
    ).json()
    assert _figures(last) == (3, 3, 1.0, 15, 3, 0, 0, 1.0)  # without the fourth job
    dismissed = await client.post(f"{url}/{last['id']}/dismiss", headers=headers)
    assert dismissed.json()["status"] == "dismissed"


async def test_jobs_holding_too_many_records_are_refused_with_the_cap(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=FEE_BANK, ledger=FEE_LEDGER)
    second = await another_job(session, db, world, bank=FEE_BANK, ledger=FEE_LEDGER)
    # The second job's bank source as if it held the cap's worth of records by itself.
    await session.execute(
        update(DataSource)
        .where(DataSource.id == second.job.left_source_id)
        .values(row_count=SUGGEST_MAX_RECORDS)
    )
    await session.commit()
    url = f"/api/v1/projects/{world.project.id}/rule-set/suggestions"
    refused = await client.post(url, headers=world.editor.headers)
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "TooManyRecordsForSuggestions",
        "detail": f"The 2 jobs to learn from hold {SUGGEST_MAX_RECORDS + 15} records; "
        f"suggestions learn from up to {SUGGEST_MAX_RECORDS} in one request: choose fewer "
        "jobs (job_ids)",
        "request_id": refused.headers["X-Request-ID"],
    }
    fits = await client.post(url, json={"job_ids": [world.job.id]}, headers=world.editor.headers)
    assert fits.status_code == 201
    missing = await client.post(url, json={"job_ids": [10**9]}, headers=world.editor.headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "BacktestJobNotFound")
