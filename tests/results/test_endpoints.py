"""Reading a job's results: every tab, filter, sort, the page envelope, evidence and candidates."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tests.helpers.records import Row
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.users import create_user


async def _get(client: AsyncClient, world: Reconciled, path: str) -> dict[str, Any]:
    response = await client.get(world.url(path), headers=world.viewer.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _pairs(page: dict[str, Any]) -> list[tuple[list[int], list[int]]]:
    return [([r["id"] for r in m["left"]], [r["id"] for r in m["right"]]) for m in page["items"]]


async def test_match_tabs_list_what_the_engine_decided(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    left, right = reconciled.left, reconciled.right

    matched = await _get(client, reconciled, "/matches?tab=matched")
    assert _pairs(matched) == [([left["inv1"]], [right["inv1"]])]
    (auto,) = matched["items"]
    assert (auto["status"], auto["category"], auto["origin"], auto["rule"]) == (
        "auto",
        "matched",
        "auto",
        "reference",
    )
    assert auto["amount"] == "100.00" and auto["amount_difference"] == "0.00"
    assert auto["date_difference_days"] == -1 and auto["booking_date"] == "2026-01-02"
    assert auto["evidence"]["kind"] == "pair"
    assert auto["explanation"] == "reference equal; amount equal; booked 1 day earlier"
    assert auto["left"][0]["description"] == "Payment INV-1"
    assert auto["right"][0]["side"] == "right"

    review = await _get(client, reconciled, "/matches?tab=review")
    cards = {(left[a], right[b]) for a in ("card_a", "card_b") for b in ("card_a", "card_b")}
    statuses = {m["status"] for m in review["items"]}
    assert statuses == {"ambiguous", "suggested"}
    ambiguous = {
        (m["left"][0]["id"], m["right"][0]["id"])
        for m in review["items"]
        if m["status"] == "ambiguous"
    }
    assert ambiguous == cards
    assert all("tied with another candidate" in m["explanation"] for m in review["items"][:4])
    suggested = next(m for m in review["items"] if m["status"] == "suggested")
    assert _pairs({"items": [suggested]}) == [([left["transfer"]], [right["transfer"]])]

    discrepancies = await _get(client, reconciled, "/matches?tab=discrepancies")
    (discrepancy,) = discrepancies["items"]
    assert discrepancy["amount_difference"] == "5.00"
    assert "amount off by 5.00 (tolerance 0.01)" in discrepancy["explanation"]

    assert (await _get(client, reconciled, "/matches?tab=rejected"))["items"] == []


async def test_record_tabs(client: AsyncClient, reconciled: Reconciled) -> None:
    left, right = reconciled.left, reconciled.right

    unmatched_left = await _get(client, reconciled, "/records?tab=unmatched_left")
    # Ambiguous alternatives claim nothing until a reviewer picks one.
    assert [r["id"] for r in unmatched_left["items"]] == [
        left[k] for k in ("card_a", "card_b", "fee", "dup_a", "dup_b")
    ]
    assert {r["side"] for r in unmatched_left["items"]} == {"left"}
    groups = {r["id"]: r["duplicate_group"] for r in unmatched_left["items"]}
    assert groups[left["dup_a"]] == groups[left["dup_b"]] == left["dup_a"]
    assert groups[left["fee"]] is None

    unmatched_right = await _get(client, reconciled, "/records?tab=unmatched_right")
    assert [r["id"] for r in unmatched_right["items"]] == [
        right[k] for k in ("card_a", "card_b", "inv9")
    ]

    duplicates = await _get(client, reconciled, "/records?tab=duplicates")
    assert [(r["id"], r["duplicate_group"], r["side"]) for r in duplicates["items"]] == [
        (left["dup_a"], left["dup_a"], "left"),
        (left["dup_b"], left["dup_a"], "left"),
    ]


async def test_filters(client: AsyncClient, reconciled: Reconciled) -> None:
    left, right = reconciled.left, reconciled.right
    by_rule = await _get(client, reconciled, "/matches?tab=review&rule=amount_date")
    assert by_rule["total"] == 5
    assert (await _get(client, reconciled, "/matches?tab=review&rule=reference"))["total"] == 0

    amounts = await _get(client, reconciled, "/matches?tab=review&min_amount=50&max_amount=75.00")
    assert _pairs(amounts) == [([left["transfer"]], [right["transfer"]])]

    # Text search looks at both sides' reference and description, case-insensitively.
    text = await _get(client, reconciled, "/matches?tab=discrepancies&q=invoice%202")
    assert text["total"] == 1
    assert (await _get(client, reconciled, "/matches?tab=matched&q=inv-1"))["total"] == 1
    assert (await _get(client, reconciled, "/matches?tab=matched&q=nothing"))["total"] == 0
    # LIKE wildcards in the search text are literal.
    assert (await _get(client, reconciled, "/matches?tab=matched&q=%25"))["total"] == 0

    records = await _get(client, reconciled, "/records?tab=unmatched_left&max_amount=0")
    assert [r["id"] for r in records["items"]] == [left["fee"]]
    records = await _get(client, reconciled, "/records?tab=unmatched_left&q=hyperlink")
    assert [r["id"] for r in records["items"]] == [left["fee"]]
    records = await _get(client, reconciled, "/records?tab=unmatched_right&min_amount=12&q=inv")
    assert [r["id"] for r in records["items"]] == [right["inv9"]]


async def test_bad_filters_are_validation_errors(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    for query in (
        "/matches?min_amount=abc",
        "/matches?min_amount=1.00001",  # finer than the stored 1/10,000
        "/matches?tab=nope",
        "/matches?sort=colour",
        "/records?tab=matched",
    ):
        response = await client.get(reconciled.url(query), headers=reconciled.owner.headers)
        assert response.status_code == 422, query
        assert response.json()["error"] == "ValidationError"


async def test_sorting(client: AsyncClient, reconciled: Reconciled) -> None:
    def ids(page: dict[str, Any]) -> list[int]:
        return [m["id"] for m in page["items"]]

    by_id = ids(await _get(client, reconciled, "/matches?tab=review"))
    assert by_id == sorted(by_id)
    assert ids(await _get(client, reconciled, "/matches?tab=review&sort=-id")) == by_id[::-1]
    by_amount = await _get(client, reconciled, "/matches?tab=review&sort=-amount")
    assert by_amount["items"][0]["amount"] == "75.00"
    by_score = await _get(client, reconciled, "/matches?tab=review&sort=score")
    assert by_score["items"][0]["status"] == "suggested"  # 0.9, the least certain
    by_date = await _get(client, reconciled, "/matches?tab=review&sort=-date")
    assert by_date["items"][0]["booking_date"] == "2026-01-20"

    records = await _get(client, reconciled, "/records?tab=unmatched_left&sort=amount")
    assert [r["amount"] for r in records["items"]] == [
        "-9.99",
        "12.00",
        "12.00",
        "40.00",
        "40.00",
    ]
    records = await _get(client, reconciled, "/records?tab=unmatched_right&sort=-date")
    assert records["items"][0]["id"] == reconciled.right["inv9"]


async def test_pagination_envelope(client: AsyncClient, reconciled: Reconciled) -> None:
    first = await _get(client, reconciled, "/matches?tab=review&per_page=2")
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    last = await _get(client, reconciled, "/matches?tab=review&per_page=2&page=3")
    assert len(first["items"]) == 2 and len(last["items"]) == 1
    beyond = await _get(client, reconciled, "/matches?tab=review&per_page=2&page=9")
    assert beyond["items"] == [] and beyond["total"] == 5
    records = await _get(client, reconciled, "/records?tab=unmatched_left&per_page=2&page=2")
    assert (records["total"], records["pages"], len(records["items"])) == (5, 3, 2)


async def test_one_match(client: AsyncClient, reconciled: Reconciled) -> None:
    page = await _get(client, reconciled, "/matches?tab=discrepancies")
    match_id = page["items"][0]["id"]
    assert (await _get(client, reconciled, f"/matches/{match_id}")) == page["items"][0]
    missing = await client.get(reconciled.url("/matches/999999"), headers=reconciled.owner.headers)
    assert missing.status_code == 404 and missing.json()["error"] == "MatchNotFound"


async def test_another_projects_job_is_not_found(
    client: AsyncClient, session: AsyncSession, db: Database, reconciled: Reconciled
) -> None:
    other = await reconciled_job(
        session,
        db,
        bank={"x": Row("X", "2026-01-01", "1.00")},
        ledger={"y": Row("Y", "2026-01-01", "2.00")},
    )
    # The caller may read their own project, but the job id belongs to another project.
    path = f"/api/v1/projects/{reconciled.project.id}/jobs/{other.job.id}/matches"
    response = await client.get(path, headers=reconciled.owner.headers)
    assert response.status_code == 404 and response.json()["error"] == "JobNotFound"
    stranger = await create_user(session)
    response = await client.get(reconciled.url("/matches"), headers=stranger.headers)
    assert response.status_code == 404 and response.json()["error"] == "ProjectNotFound"


async def test_nearest_candidates_say_what_failed(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    left, right = reconciled.left, reconciled.right
    body = await _get(client, reconciled, f"/records/{left['dup_a']}/candidates?limit=3")
    assert body["record"]["id"] == left["dup_a"] and body["record"]["side"] == "left"
    window = body["window"]
    assert window["currency"] == "EUR"
    # Widest date window of the rules is 5 days: three times that either side.
    assert (window["date_from"], window["date_to"]) == ("2026-01-07", "2026-02-06")
    assert window["amount_ranges"] == [["10.80", "13.20"]]  # 10 % of 12.00
    assert 1 <= window["records_compared"] <= 6
    best = body["candidates"][0]
    # inv9: same amount, 3 days later; it comes closest under the reference rule, whose only
    # failing condition is the reference itself.
    assert best["record"]["id"] == right["inv9"]
    assert best["rule"] == "reference" and best["matches_rule"] is False
    assert best["failed"] == ["reference differs ('DUP-7' vs 'INV-9')"]
    assert best["passed"] == ["amount equal", "booked 3 days later"]
    assert best["match_id"] is None
    assert len(body["candidates"]) <= 3

    # From the right side, and a candidate already claimed by a match is labelled with it.
    body = await _get(client, reconciled, f"/records/{right['inv9']}/candidates?limit=10")
    assert body["record"]["side"] == "right"
    claimed = {c["record"]["id"]: c["match_id"] for c in body["candidates"]}
    assert claimed[left["dup_a"]] is None
    assert all(c["record"]["side"] == "left" for c in body["candidates"])
    failed = [f for c in body["candidates"] for f in c["failed"]]
    assert any(f.startswith("amount off by") for f in failed)


async def test_candidates_of_a_foreign_record_are_not_found(
    client: AsyncClient, session: AsyncSession, db: Database, reconciled: Reconciled
) -> None:
    other = await reconciled_job(
        session,
        db,
        bank={"x": Row("X", "2026-01-01", "1.00")},
        ledger={"y": Row("Y", "2026-01-01", "2.00")},
    )
    response = await client.get(
        reconciled.url(f"/records/{other.left['x']}/candidates"), headers=reconciled.owner.headers
    )
    assert response.status_code == 404 and response.json()["error"] == "RecordNotFound"


@pytest.mark.parametrize("path", ["/matches", "/records", "/audit", "/quality", "/export"])
async def test_reads_need_membership(
    client: AsyncClient, reconciled: Reconciled, path: str
) -> None:
    assert (await client.get(reconciled.url(path))).status_code == 401
    response = await client.get(reconciled.url(path), headers=reconciled.viewer.headers)
    assert response.status_code == 200
