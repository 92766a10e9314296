"""Review page fixes: amounts found as typed, the sign ignored on request, tabs that explain
themselves, an empty project that claims nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.results.indexing import index_results
from tests.helpers.projects import create_project
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.users import create_user
from tests.web.conftest import sign_in


@pytest.fixture
async def reconciled(session: AsyncSession, db: Database) -> Reconciled:
    return await reconciled_job(session, db)


def _rows(html: str) -> int:
    return html.count('<tr id="record-')


@pytest.mark.parametrize("indexed", [False, True], ids=["scan", "indexed"])
async def test_an_amount_typed_in_search_finds_debits_and_credits(
    client: AsyncClient, reconciled: Reconciled, db: Database, indexed: bool
) -> None:
    world = reconciled
    if indexed:
        await index_results(db, world.job.id)
    await sign_in(client, world.viewer)
    base = f"/projects/{world.project.id}/jobs/{world.job.id}/results?tab=unmatched_left"
    # The bank fee is -9.99: typed as 9.99 it is found, as an amount, not as text.
    page = await client.get(f"{base}&q=9.99")
    assert page.status_code == 200
    assert "FEE" in page.text and _rows(page.text) == 1
    assert 'id="amount-search"' in page.text
    # A reference-like number stays a text search.
    assert _rows((await client.get(f"{base}&q=7")).text) >= 1  # DUP-7
    # The amount filter: signed by default, sign ignored when asked.
    assert _rows((await client.get(f"{base}&min=9.99&max=9.99")).text) == 0
    ignored = await client.get(f"{base}&min=9.99&max=9.99&abs=1")
    assert "FEE" in ignored.text and _rows(ignored.text) == 1
    assert 'name="abs" value="1" id="f-abs" checked' in ignored.text


async def test_the_api_amount_filter_can_ignore_the_sign(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    headers = world.viewer.headers
    url = world.url("/records?tab=unmatched_left&min_amount=5&max_amount=10")
    assert (await client.get(url, headers=headers)).json()["items"] == []
    found = (await client.get(url + "&any_sign=true", headers=headers)).json()["items"]
    assert [item["reference"] for item in found] == ["FEE"]
    matches = world.url("/matches?tab=matched&min_amount=99&max_amount=101&any_sign=true")
    assert len((await client.get(matches, headers=headers)).json()["items"]) == 1


async def test_the_discrepancies_tab_says_what_a_discrepancy_is(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    await sign_in(client, world.viewer)
    base = f"/projects/{world.project.id}/jobs/{world.job.id}/results"
    page = await client.get(f"{base}?tab=discrepancies")
    assert 'id="tab-explained"' in page.text and "outside the rule" in page.text
    assert 'id="tab-explained"' not in (await client.get(f"{base}?tab=matched")).text


async def test_every_tab_shows_its_count(client: AsyncClient, reconciled: Reconciled) -> None:
    world = reconciled
    await sign_in(client, world.viewer)
    page = await client.get(f"/projects/{world.project.id}/jobs/{world.job.id}/results")
    for tab in ("matched", "review", "discrepancies", "rejected", "unmatched_left"):
        assert f'data-tab-count="{tab}"' in page.text
    api = (
        await client.get(world.url("/records?tab=unmatched_right"), headers=world.viewer.headers)
    ).json()
    assert f'data-tab-count="unmatched_right">{api["total"]}<' in page.text


async def test_an_empty_project_claims_no_match_rate(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    await sign_in(client, owner)
    page = await client.get(f"/projects/{project.id}")
    assert page.status_code == 200
    assert "matched in the last job" not in page.text and "0.0%" not in page.text
    assert "no reconciliation yet" in page.text


async def test_a_manual_match_beyond_the_tolerance_needs_a_reason_on_the_page(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    headers = world.editor.headers
    right = (await client.get(world.url("/records?tab=unmatched_right"), headers=headers)).json()
    others = [r["id"] for r in right["items"] if r["id"] != world.right["inv9"]]
    # DUP-7 (12.00) against INV-9 (12.00): equal. The fee (-9.99) against another open record
    # on the right: beyond any rule's tolerance.
    equal = {"left_record_ids": [world.left["dup_a"]], "right_record_ids": [world.right["inv9"]]}
    wide = {"left_record_ids": [world.left["fee"]], "right_record_ids": others[:1]}
    token = await sign_in(client, world.editor)
    web = f"/projects/{world.project.id}/jobs/{world.job.id}/manual-matches"
    page_headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    page = await client.get(f"/projects/{world.project.id}/jobs/{world.job.id}/results")
    assert 'id="manual-note"' in page.text

    refused = await client.post(web, json=wide, headers=page_headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["needs_reason"] is True
    assert "say why" in refused.json()["errors"][0]
    assert (await client.post(web, json=equal, headers=page_headers)).status_code == 200
    explained = await client.post(
        web, json={**wide, "note": "fee refunded on the invoice"}, headers=page_headers
    )
    assert explained.status_code == 200, explained.text
    audit = (await client.get(world.url("/audit"), headers=headers)).json()["items"]
    created = [e for e in audit if e["action"] == "manual_match.created"]
    assert {e["detail"].get("note") for e in created} == {None, "fee refunded on the invoice"}
