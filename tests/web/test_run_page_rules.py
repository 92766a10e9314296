"""The run page edits the rules the job runs, with the rules page's editor: the active version,
a proposal inferred from the sources when there is none (in the background for large sources),
and edits kept in a draft as they are made, which the job then runs."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.models import ReconciliationJob
from tests.helpers.waiting import wait_for
from tests.rule_sets.test_inference import World, _world
from tests.web.conftest import sign_in


def _rules_data(html: str) -> Any:
    found = re.search(r'<script type="application/json" id="rules-data">(.*?)</script>', html)
    assert found is not None, html
    return json.loads(found.group(1))


@pytest.fixture
async def background_client(db: Database, test_settings: Settings) -> AsyncIterator[AsyncClient]:
    """The app with an inline limit of 0 records: every inference runs in the background."""
    settings = test_settings.model_copy(update={"infer_inline_max_records": 0})
    app = create_app(settings, database=db)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://tally.test") as http,
    ):
        yield http


def _sources(world: World) -> dict[str, str]:
    return {"left_source_id": str(world.ledger.id), "right_source_id": str(world.bank.id)}


async def test_without_rules_the_run_page_proposes_them_from_the_sources_and_then_edits_them(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await _world(session)
    token = await sign_in(client, world.editor)
    base = f"/projects/{world.project_id}"
    page = (await client.get(f"{base}/jobs/new")).text
    assert _rules_data(page) is None  # not the built-in rules: the job would not run those
    assert f'hx-post="{base}/rules/proposal"' in page

    proposed = await client.post(
        f"{base}/rules/proposal",
        data=_sources(world),
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert proposed.status_code == 200 and proposed.headers["hx-refresh"] == "true"
    v1 = (await client.get(world.url("/rule-set/versions/1"), headers=world.viewer.headers)).json()
    assert v1["status"] == "active" and v1["note"].startswith("Proposed from your data")
    page = (await client.get(f"{base}/jobs/new")).text
    assert _rules_data(page) == v1["rules"]
    assert "2. Rules v1 (active)" in page and "proposed from your data" in page

    # Asked again (another tab), the page just reloads: the project has its rules now.
    again = await client.post(
        f"{base}/rules/proposal",
        data=_sources(world),
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert again.headers["hx-refresh"] == "true"
    versions = await client.get(world.url("/rule-set/versions"), headers=world.viewer.headers)
    assert [v["number"] for v in versions.json()["items"]] == [1]


async def test_large_sources_are_proposed_in_the_background_on_the_run_and_rules_pages(
    background_client: AsyncClient, session: AsyncSession
) -> None:
    client = background_client
    world = await _world(session)
    token = await sign_in(client, world.editor)
    base = f"/projects/{world.project_id}"
    panel = await client.post(
        f"{base}/rules/proposal",
        data=_sources(world),
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert panel.status_code == 200, panel.text
    found = re.search(r'hx-get="([^"]+/rule-set/inferences/(\d+)\?reload=1)"', panel.text)
    assert found is not None, panel.text  # the panel polls while the inference runs
    assert "Proposing rules from your data" in panel.text
    for _ in range(1200):
        polled = await client.get(found.group(1), headers={"HX-Request": "true"})
        if polled.headers.get("hx-refresh") == "true":
            break
        assert "Rule inference progress" in polled.text or "completed" in polled.text
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the inference did not finish")
    page = (await client.get(f"{base}/jobs/new")).text
    assert "2. Rules v1 (active)" in page and _rules_data(page)["rules"]

    # The rules page starts one too, and shows it until it is done, then links its version.
    started = await client.post(
        f"{base}/rule-set/infer", data={**_sources(world), "csrf_token": token}
    )
    assert started.status_code == 303 and started.headers["location"].endswith("#inference")
    run_id = await client.get(world.url("/rule-set/versions"), headers=world.viewer.headers)
    assert run_id.status_code == 200
    listed = (await client.get(f"{base}/rule-set")).text
    found = re.search(r'id="inference-(\d+)"', listed)
    assert found is not None, listed
    await wait_for(
        client,
        world.url(f"/rule-set/inferences/{found.group(1)}"),
        world.viewer.headers,
        until={"completed"},
    )
    listed = (await client.get(f"{base}/rule-set")).text
    assert f'href="{base}/rule-set/versions/2">rules v2</a>' in listed


async def test_edits_on_the_run_page_are_kept_in_a_draft_and_run_as_shown(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await _world(session)
    token = await sign_in(client, world.editor)
    headers = {"X-CSRF-Token": token}
    base = f"/projects/{world.project_id}"
    await client.post(f"{base}/rules/proposal", data=_sources(world), headers=headers)
    active = _rules_data((await client.get(f"{base}/jobs/new")).text)

    edited = json.loads(json.dumps(active))
    edited["rules"][0]["name"] = "by_invoice_number"
    created = await client.post(f"{base}/rules/draft", json={"rules": edited}, headers=headers)
    assert created.status_code == 200, created.text
    draft = created.json()
    assert draft["number"] == 2
    assert draft["save_url"] == f"{base}/rule-set/versions/2"
    edited["rules"][0]["auto"] = 0.95
    saved = await client.post(draft["save_url"], json={"rules": edited}, headers=headers)
    assert saved.json()["saved"] is True

    # A reload (the page keeps ?draft=2 in its address) edits the draft, with every edit.
    page = (await client.get(f"{base}/jobs/new?draft=2")).text
    kept = _rules_data(page)
    assert kept["rules"][0]["name"] == "by_invoice_number" and kept["rules"][0]["auto"] == 0.95
    assert "2. Rules: draft v2" in page and f'data-draft-url="{base}/rule-set/versions/2"' in page
    # A later visit shows the active rules the job would run, and offers the kept edits.
    page = (await client.get(f"{base}/jobs/new")).text
    assert _rules_data(page) == active
    assert 'id="newer-draft"' in page and 'href="?draft=2"' in page

    started = await client.post(
        f"{base}/jobs",
        json={"left_source_id": world.ledger.id, "right_source_id": world.bank.id, "rules": kept},
        headers=headers,
    )
    assert started.status_code == 200, started.text
    job = await session.get(ReconciliationJob, started.json()["id"])
    assert job is not None
    assert job.rules["rules"][0]["name"] == "by_invoice_number"  # the job records what it ran
    # A version that is no longer a draft is not edited in place: the active one is shown.
    await client.post(f"{base}/rule-set/versions/2/activate", data={"csrf_token": token})
    page = (await client.get(f"{base}/jobs/new?draft=2")).text
    assert "2. Rules v2 (active)" in page
