"""Review actions: confirm, reject, manual matches, and what they keep true (exclusivity, audit
trail, stored totals, cache)."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database
from tally.models import DataSource, JobStatus, ReconciliationJob
from tally.results.stats_repository import StatsRepository
from tests.helpers.jobs import create_job
from tests.helpers.records import Row
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.users import AuthedUser


async def _review(
    client: AsyncClient,
    world: Reconciled,
    path: str,
    body: dict[str, Any] | None = None,
    user: AuthedUser | None = None,
) -> Response:
    user = user or world.editor
    return await client.post(world.url(path), json=body, headers=user.headers)


async def _match_id(client: AsyncClient, world: Reconciled, tab: str, left: str, right: str) -> int:
    response = await client.get(world.url(f"/matches?tab={tab}"), headers=world.owner.headers)
    for match in response.json()["items"]:
        ids = ([r["id"] for r in match["left"]], [r["id"] for r in match["right"]])
        if ids == ([world.left[left]], [world.right[right]]):
            return int(match["id"])
    raise AssertionError(f"no {tab} match {left}/{right}")


async def _tab_ids(client: AsyncClient, world: Reconciled, path: str) -> list[int]:
    response = await client.get(world.url(path), headers=world.owner.headers)
    return [item["id"] for item in response.json()["items"]]


async def _stats(client: AsyncClient, world: Reconciled) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/projects/{world.project.id}/stats", headers=world.owner.headers
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def _assert_totals_match_a_full_recount(db: Database, world: Reconciled) -> None:
    """The review path adjusts stored totals by the records it touched; a recount agrees."""
    async with db.sessionmaker() as check:
        job = await check.get(ReconciliationJob, world.job.id)
        assert job is not None and job.summary is not None
        full = await StatsRepository(check).job_totals(
            job.id, job.left_source_id, job.right_source_id
        )
        assert {k: job.summary[k] for k in ("left", "right", "matches")} == full


async def _assert_page_totals_agree_with_counts(client: AsyncClient, world: Reconciled) -> None:
    """Unfiltered tabs take their size from the stored totals; a filter that keeps everything
    makes the service count instead: both must agree after any review."""
    everything = "min_amount=-100000000000000"
    for path in (
        *(f"/matches?tab={tab}" for tab in ("matched", "review", "discrepancies", "rejected")),
        "/records?tab=unmatched_left",
        "/records?tab=unmatched_right",
    ):
        stored = await client.get(world.url(path), headers=world.owner.headers)
        counted = await client.get(world.url(f"{path}&{everything}"), headers=world.owner.headers)
        assert stored.json()["total"] == counted.json()["total"], path


async def test_confirm_a_suggestion(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    before = await _stats(client, reconciled)  # now cached: the review must invalidate it
    assert (before["matched_count"], before["unmatched_count"]) == (2, 12)
    match_id = await _match_id(client, reconciled, "review", "transfer", "transfer")

    response = await _review(client, reconciled, f"/matches/{match_id}/confirm", {"note": "ok"})

    assert response.status_code == 200, response.text
    outcome = response.json()
    assert outcome["rejected_match_ids"] == []
    match = outcome["match"]
    assert (match["status"], match["tab"], match["origin"]) == ("confirmed", "matched", "suggested")
    assert match_id in await _tab_ids(client, reconciled, "/matches?tab=matched")
    assert match_id not in await _tab_ids(client, reconciled, "/matches?tab=review")
    after = await _stats(client, reconciled)
    assert (after["matched_count"], after["unmatched_count"]) == (4, 10)
    assert after["matched_amount"] == "175.00"
    await _assert_totals_match_a_full_recount(db, reconciled)


async def test_reject_releases_the_records(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    match_id = await _match_id(client, reconciled, "matched", "inv1", "inv1")

    response = await _review(client, reconciled, f"/matches/{match_id}/reject")

    assert response.status_code == 200, response.text
    assert response.json()["match"]["status"] == "rejected"
    assert await _tab_ids(client, reconciled, "/matches?tab=rejected") == [match_id]
    assert reconciled.left["inv1"] in await _tab_ids(
        client, reconciled, "/records?tab=unmatched_left"
    )
    assert reconciled.right["inv1"] in await _tab_ids(
        client, reconciled, "/records?tab=unmatched_right"
    )
    assert (await _stats(client, reconciled))["matched_count"] == 0
    await _assert_totals_match_a_full_recount(db, reconciled)

    # Rejecting twice is a conflict; confirming it again works while its records are free.
    again = await _review(client, reconciled, f"/matches/{match_id}/reject")
    assert again.status_code == 409 and again.json()["error"] == "ReviewConflict"
    back = await _review(client, reconciled, f"/matches/{match_id}/confirm")
    assert back.status_code == 200 and back.json()["match"]["status"] == "confirmed"
    assert (await _stats(client, reconciled))["matched_count"] == 2
    twice = await _review(client, reconciled, f"/matches/{match_id}/confirm")
    assert twice.status_code == 409 and twice.json()["error"] == "ReviewConflict"


async def test_confirming_an_ambiguous_alternative_rejects_its_rivals(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    chosen = await _match_id(client, reconciled, "review", "card_a", "card_a")
    rivals = {
        await _match_id(client, reconciled, "review", "card_a", "card_b"),
        await _match_id(client, reconciled, "review", "card_b", "card_a"),
    }
    untouched = await _match_id(client, reconciled, "review", "card_b", "card_b")

    response = await _review(client, reconciled, f"/matches/{chosen}/confirm")

    assert response.status_code == 200, response.text
    assert set(response.json()["rejected_match_ids"]) == rivals
    assert set(await _tab_ids(client, reconciled, "/matches?tab=rejected")) == rivals
    review = await _tab_ids(client, reconciled, "/matches?tab=review")
    assert untouched in review and chosen not in review
    # The card_b pair is now the only way left for both records: confirming it succeeds.
    assert (await _review(client, reconciled, f"/matches/{untouched}/confirm")).status_code == 200
    # A rejected rival cannot come back: its records are claimed.
    rival = min(rivals)
    refused = await _review(client, reconciled, f"/matches/{rival}/confirm")
    assert refused.status_code == 409 and refused.json()["error"] == "RecordsAlreadyClaimed"
    assert {c["match_id"] for c in refused.json()["claims"]} <= {chosen, untouched}
    await _assert_totals_match_a_full_recount(db, reconciled)
    await _assert_page_totals_agree_with_counts(client, reconciled)


async def test_confirming_a_discrepancy_accepts_its_difference(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    match_id = await _match_id(client, reconciled, "discrepancies", "inv2", "inv2")
    response = await _review(client, reconciled, f"/matches/{match_id}/confirm")
    assert response.status_code == 200
    match = response.json()["match"]
    assert (match["status"], match["category"], match["tab"], match["origin"]) == (
        "confirmed",
        "matched",
        "matched",
        "discrepancy",
    )
    assert "amount off by 5.00" in match["explanation"]
    assert (await _stats(client, reconciled))["matched_count"] == 4


async def test_manual_one_to_one_and_undo(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    left, right = reconciled.left, reconciled.right
    body = {"left_record_ids": [left["fee"]], "right_record_ids": [right["inv9"]], "note": "ok"}

    response = await _review(client, reconciled, "/matches", body)

    assert response.status_code == 201, response.text
    match = response.json()
    assert (match["status"], match["origin"], match["rule"], match["tab"]) == (
        "manual",
        "manual",
        "manual",
        "matched",
    )
    assert match["amount"] == "-9.99" and match["amount_difference"] == "21.99"
    assert match["date_difference_days"] == 4
    assert match["explanation"] == "matched manually: -9.99 ≈ 12.00 (difference +21.99)"
    assert left["fee"] not in await _tab_ids(client, reconciled, "/records?tab=unmatched_left")
    assert right["inv9"] not in await _tab_ids(client, reconciled, "/records?tab=unmatched_right")
    assert (await _stats(client, reconciled))["matched_count"] == 4

    # A second manual match with either record is refused.
    again = await _review(
        client,
        reconciled,
        "/matches",
        {"left_record_ids": [left["dup_a"]], "right_record_ids": [right["inv9"]]},
    )
    assert again.status_code == 409 and again.json()["error"] == "RecordsAlreadyClaimed"
    assert again.json()["claims"] == [{"record_id": right["inv9"], "match_id": match["id"]}]

    undo = await _review(client, reconciled, f"/matches/{match['id']}/reject")
    assert undo.status_code == 200 and undo.json()["match"]["status"] == "rejected"
    assert right["inv9"] in await _tab_ids(client, reconciled, "/records?tab=unmatched_right")
    assert (await _stats(client, reconciled))["matched_count"] == 2
    await _assert_totals_match_a_full_recount(db, reconciled)
    await _assert_page_totals_agree_with_counts(client, reconciled)


async def test_manual_grouped_match(client: AsyncClient, reconciled: Reconciled) -> None:
    left, right = reconciled.left, reconciled.right
    body = {"left_record_ids": [left["dup_b"], left["dup_a"]], "right_record_ids": [right["inv9"]]}
    response = await _review(client, reconciled, "/matches", body)
    assert response.status_code == 201, response.text
    match = response.json()
    assert [r["id"] for r in match["left"]] == sorted([left["dup_a"], left["dup_b"]])
    assert match["amount"] == "24.00" and match["amount_difference"] == "-12.00"
    assert match["explanation"] == "matched manually: 12.00 + 12.00 ≈ 12.00 (difference -12.00)"
    assert all(r["duplicate_group"] == left["dup_a"] for r in match["left"])


async def test_manual_match_rejects_ambiguous_alternatives_of_its_records(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    left, right = reconciled.left, reconciled.right
    survivor = await _match_id(client, reconciled, "review", "card_b", "card_a")
    body = {"left_record_ids": [left["card_a"]], "right_record_ids": [right["card_b"]]}
    response = await _review(client, reconciled, "/matches", body)
    assert response.status_code == 201
    assert len(await _tab_ids(client, reconciled, "/matches?tab=rejected")) == 3
    assert survivor in await _tab_ids(client, reconciled, "/matches?tab=review")
    await _assert_totals_match_a_full_recount(db, reconciled)
    await _assert_page_totals_agree_with_counts(client, reconciled)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"left_record_ids": ["inv1"], "right_record_ids": ["inv9"]}, 409, "RecordsAlreadyClaimed"),
        ({"left_record_ids": ["r:inv9"], "right_record_ids": ["r:card_a"]}, 422, "RecordsNotInJob"),
        ({"left_record_ids": ["fee"], "right_record_ids": ["l:fee"]}, 422, "RecordsNotInJob"),
        ({"left_record_ids": [999_999], "right_record_ids": ["inv9"]}, 422, "RecordsNotInJob"),
        ({"left_record_ids": ["fee", "fee"], "right_record_ids": ["inv9"]}, 422, "ValidationError"),
        ({"left_record_ids": [], "right_record_ids": ["inv9"]}, 422, "ValidationError"),
    ],
)
async def test_manual_match_refusals(
    client: AsyncClient, reconciled: Reconciled, body: dict[str, Any], status: int, error: str
) -> None:
    def resolve(side: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value.startswith("r:"):
            return reconciled.right[value[2:]]
        if value.startswith("l:"):
            return reconciled.left[value[2:]]
        return (reconciled.left if side == "left" else reconciled.right)[value]

    payload = {
        "left_record_ids": [resolve("left", v) for v in body["left_record_ids"]],
        "right_record_ids": [resolve("right", v) for v in body["right_record_ids"]],
    }
    response = await _review(client, reconciled, "/matches", payload)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error


async def test_manual_match_refuses_records_of_another_job_and_mixed_currencies(
    client: AsyncClient, session: AsyncSession, db: Database, reconciled: Reconciled
) -> None:
    other = await reconciled_job(
        session,
        db,
        bank={"usd": Row("U", "2026-01-01", "5.00", currency="USD")},
        ledger={"eur": Row("E", "2026-01-01", "5.00")},
    )
    foreign = {
        "left_record_ids": [other.left["usd"]],
        "right_record_ids": [reconciled.right["inv9"]],
    }
    response = await _review(client, reconciled, "/matches", foreign)
    assert response.status_code == 422 and response.json()["error"] == "RecordsNotInJob"

    mixed = {"left_record_ids": [other.left["usd"]], "right_record_ids": [other.right["eur"]]}
    response = await _review(client, other, "/matches", mixed, user=other.owner)
    assert response.status_code == 422 and response.json()["error"] == "MixedCurrencies"


async def test_viewers_may_not_review(client: AsyncClient, reconciled: Reconciled) -> None:
    match_id = await _match_id(client, reconciled, "matched", "inv1", "inv1")
    body = {
        "left_record_ids": [reconciled.left["fee"]],
        "right_record_ids": [reconciled.right["inv9"]],
    }
    for path, payload in (
        (f"/matches/{match_id}/confirm", None),
        (f"/matches/{match_id}/reject", None),
        ("/matches", body),
    ):
        response = await _review(client, reconciled, path, payload, user=reconciled.viewer)
        assert response.status_code == 403, path


async def test_only_completed_jobs_are_reviewed(
    client: AsyncClient, session: AsyncSession, reconciled: Reconciled
) -> None:
    match_id = await _match_id(client, reconciled, "matched", "inv1", "inv1")
    await session.execute(
        update(ReconciliationJob)
        .where(ReconciliationJob.id == reconciled.job.id)
        .values(status=JobStatus.RUNNING)
    )
    await session.commit()
    response = await _review(client, reconciled, f"/matches/{match_id}/reject")
    assert response.status_code == 409 and response.json()["error"] == "JobNotReviewable"


async def test_audit_trail(client: AsyncClient, reconciled: Reconciled) -> None:
    chosen = await _match_id(client, reconciled, "review", "card_a", "card_a")
    auto = await _match_id(client, reconciled, "matched", "inv1", "inv1")
    await _review(client, reconciled, f"/matches/{chosen}/confirm", {"note": "same receipt"})
    await _review(client, reconciled, f"/matches/{auto}/reject", user=reconciled.owner)
    manual = await _review(
        client,
        reconciled,
        "/matches",
        {
            "left_record_ids": [reconciled.left["fee"]],
            "right_record_ids": [reconciled.right["inv9"]],
        },
    )
    await _review(client, reconciled, f"/matches/{manual.json()['id']}/reject")

    response = await client.get(
        reconciled.url("/audit?per_page=3"), headers=reconciled.viewer.headers
    )
    assert response.status_code == 200
    page = response.json()
    assert (page["total"], page["pages"]) == (6, 2)  # confirm + 2 rivals, reject, create, undo
    newest = page["items"][0]
    assert newest["action"] == "manual_match.undone"
    assert newest["target"] == f"match:{manual.json()['id']}"
    assert newest["actor_email"] == reconciled.editor.email
    assert newest["detail"]["previous_status"] == "manual"
    second = await client.get(
        reconciled.url("/audit?per_page=3&page=2"), headers=reconciled.viewer.headers
    )
    oldest = second.json()["items"]
    actions = [e["action"] for e in page["items"] + oldest]
    assert actions == [
        "manual_match.undone",
        "manual_match.created",
        "match.rejected",
        "match.rejected",
        "match.rejected",
        "match.confirmed",
    ]
    confirmed = oldest[-1]
    assert confirmed["detail"]["note"] == "same receipt"
    assert len(confirmed["detail"]["rejected_alternatives"]) == 2
    assert page["items"][2]["actor_id"] == reconciled.owner.id
    assert all(e["created_at"] for e in page["items"])


async def test_quality_report_from_review_decisions(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    auto = await _match_id(client, reconciled, "matched", "inv1", "inv1")
    suggestion = await _match_id(client, reconciled, "review", "transfer", "transfer")
    chosen = await _match_id(client, reconciled, "review", "card_a", "card_a")
    discrepancy = await _match_id(client, reconciled, "discrepancies", "inv2", "inv2")
    assert (await _review(client, reconciled, f"/matches/{auto}/reject")).status_code == 200
    assert (await _review(client, reconciled, f"/matches/{suggestion}/confirm")).status_code == 200
    assert (await _review(client, reconciled, f"/matches/{chosen}/confirm")).status_code == 200
    assert (await _review(client, reconciled, f"/matches/{discrepancy}/reject")).status_code == 200
    manual = {
        "left_record_ids": [reconciled.left["inv1"]],
        "right_record_ids": [reconciled.right["inv1"]],
    }
    assert (await _review(client, reconciled, "/matches", manual)).status_code == 201

    response = await client.get(reconciled.url("/quality"), headers=reconciled.viewer.headers)

    assert response.status_code == 200
    report = response.json()
    overall = report["overall"]
    assert overall["matches"] == 7  # proposed by the engine
    assert (overall["auto"], overall["auto_confirmed"], overall["auto_rejected"]) == (1, 0, 1)
    assert overall["auto_precision"] == 0.0 and overall["auto_reviewed_share"] == 1.0
    assert (overall["suggested"], overall["suggested_confirmed"]) == (1, 1)
    assert (overall["ambiguous"], overall["ambiguous_confirmed"]) == (4, 1)
    assert overall["ambiguous_rejected"] == 2
    assert overall["ambiguity_rate"] == round(4 / 7, 6)
    assert (overall["discrepancies"], overall["discrepancies_rejected"]) == (1, 1)
    assert overall["pending_review"] == 1  # the card_b pair
    # Settled now: the transfer, the card_a pair and the manual inv1 pair.
    assert (overall["manual"], overall["settled"]) == (1, 3)
    assert overall["manual_share"] == round(1 / 3, 6)
    by_rule = {r["rule"]: r for r in report["rules"]}
    assert [r["rule"] for r in report["rules"]] == ["reference", "amount_date", "manual"]
    assert by_rule["reference"]["figures"]["auto_precision"] == 0.0
    assert by_rule["amount_date"]["figures"]["ambiguity_rate"] == 0.8
    assert by_rule["manual"]["figures"]["manual"] == 1


async def test_review_invalidates_the_projects_cached_jobs_and_stats(
    client: AsyncClient, reconciled: Reconciled, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tally.results.service as service

    calls: list[int] = []
    original = service.invalidate_jobs

    def spy(session: AsyncSession, project_id: int) -> None:
        calls.append(project_id)
        original(session, project_id)

    monkeypatch.setattr(service, "invalidate_jobs", spy)
    match_id = await _match_id(client, reconciled, "matched", "inv1", "inv1")
    await _review(client, reconciled, f"/matches/{match_id}/reject")
    assert calls == [reconciled.project.id]


async def test_review_of_an_older_job_leaves_the_project_stats_alone(
    client: AsyncClient, session: AsyncSession, db: Database, reconciled: Reconciled
) -> None:
    left = await session.get(DataSource, reconciled.job.left_source_id)
    right = await session.get(DataSource, reconciled.job.right_source_id)
    assert left is not None and right is not None
    newer = await create_job(
        session, project=reconciled.project, left=left, right=right, status=JobStatus.QUEUED
    )
    newer.rules = reconciled.job.rules
    await session.commit()
    assert await run_reconciliation(db, newer.id) == JobStatus.COMPLETED
    before = await _stats(client, reconciled)
    match_id = await _match_id(client, reconciled, "matched", "inv1", "inv1")
    assert (await _review(client, reconciled, f"/matches/{match_id}/reject")).status_code == 200
    after = await _stats(client, reconciled)
    assert after["matched_count"] == before["matched_count"] == 2
    assert after["last_job"]["id"] == newer.id
    await _assert_totals_match_a_full_recount(db, reconciled)  # the old job's own totals moved
