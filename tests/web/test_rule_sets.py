"""The rules pages: versions, a draft edited and backtested (its diff and its precision shown
before activation), activation, and who may do what."""

from __future__ import annotations

import asyncio
import re

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.users import create_user
from tests.rule_sets.scenario import BANK, FEE_BANK, FEE_LEDGER, LEDGER, changed_rules, review
from tests.web.conftest import sign_in


async def _panel_when_done(client: AsyncClient, url: str) -> str:
    for _ in range(400):
        html = (await client.get(url, headers={"HX-Request": "true"})).text
        if "hx-trigger" not in html:  # the panel stops polling once the backtest finished
            return html
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} still running")


async def test_a_backtest_of_a_changed_rule_set_shows_its_diff_and_precision_before_activation(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world: Reconciled = await reconciled_job(session, db, bank=BANK, ledger=LEDGER)
    await review(client, world)
    token = await sign_in(client, world.editor)
    base = f"/projects/{world.project.id}/rule-set"
    assert "No versions yet" in (await client.get(base)).text

    created = await client.post(f"{base}/drafts", data={"csrf_token": token})
    assert created.status_code == 303 and created.headers["location"] == f"{base}/versions/1"
    draft_page = (await client.get(f"{base}/versions/1")).text
    assert 'id="rules-data"' in draft_page and "Save draft" in draft_page
    assert "RuleSetVersionStatus" not in draft_page  # the footer still shows the app's version
    saved = await client.post(
        f"{base}/versions/1", json={"rules": changed_rules()}, headers={"X-CSRF-Token": token}
    )
    assert saved.json() == {"valid": True, "errors": [], "saved": True}
    invalid = await client.post(
        f"{base}/versions/1", json={"rules": {"rules": []}}, headers={"X-CSRF-Token": token}
    )
    assert invalid.status_code == 422 and invalid.json()["valid"] is False

    panel = await client.post(
        f"{base}/versions/1/backtests",
        data={"job_id": str(world.job.id)},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert panel.status_code == 200, panel.text
    found = re.search(r'id="backtest-(\d+)"', panel.text)
    assert found is not None
    html = await _panel_when_done(client, f"{base}/backtests/{found.group(1)}")
    counts = re.findall(r'<div class="value">(\d+)</div><div class="label">([a-z ]+)</div>', html)
    assert counts == [("1", "newly matched"), ("1", "lost"), ("1", "changed"), ("5", "unchanged")]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td data-label="Precision">([^<]+)</td>'
        r'<td data-label="Recall">([^<]+)</td>',
        html,
    )
    assert rows == [
        ("The reconciliation&#39;s results", "50.0 %", "33.3 %"),
        ("These rules", "100.0 %", "100.0 %"),
    ]
    assert "description_amount" in html  # the added match's rule, in the samples

    version_page = (await client.get(f"{base}/versions/1")).text
    assert f'id="backtest-{found.group(1)}"' in version_page and "Activate v1" in version_page
    activated = await client.post(f"{base}/versions/1/activate", data={"csrf_token": token})
    assert activated.status_code == 303
    listing = (await client.get(base)).text
    assert re.search(r'aria-current="true">\s*<td data-label="Version"><a [^>]*>v1</a>', listing)
    assert "Save draft" not in (await client.get(f"{base}/versions/1")).text  # frozen now


async def test_viewers_see_rules_but_cannot_change_them(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=BANK, ledger=LEDGER)
    await client.post(
        f"/api/v1/projects/{world.project.id}/rule-set/versions",
        json={},
        headers=world.editor.headers,
    )
    token = await sign_in(client, world.viewer)
    base = f"/projects/{world.project.id}/rule-set"
    page = (await client.get(f"{base}/versions/1")).text
    assert "v1" in page and "Run backtest" not in page and "Activate" not in page
    assert "Save draft" not in page
    for path in ("/drafts", "/versions/1/activate"):
        response = await client.post(f"{base}{path}", data={"csrf_token": token})
        assert response.status_code == 403, path

    stranger = await create_user(session)
    await sign_in(client, stranger)
    for path in ("", "/versions/1"):
        assert (await client.get(f"{base}{path}")).status_code == 404


async def test_suggestions_from_manual_matches_say_why_and_go_into_a_draft(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db, bank=FEE_BANK, ledger=FEE_LEDGER)
    for n in range(1, 5):
        label = f"inv{n}"
        body = {"left_record_ids": [world.left[label]], "right_record_ids": [world.right[label]]}
        await client.post(world.url("/matches"), json=body, headers=world.editor.headers)
    token = await sign_in(client, world.editor)
    base = f"/projects/{world.project.id}/rule-set"
    found = await client.post(
        f"{base}/suggestions", data={"job_ids": [str(world.job.id)], "csrf_token": token}
    )
    assert found.status_code == 303
    page = (await client.get(base)).text
    assert "amounts differ by a constant 1.20 (a fee?); dates within 2 days" in page
    assert (
        "From 1 reconciliation: finds 4 of the 4 pairs reviewers matched (100.0 % coverage)" in page
    )
    assert "4 were accepted, 0 rejected: precision 100.0 %" in page
    # Per reconciliation: pairs found, matches, accepted, rejected, matched otherwise, precision.
    cells = re.findall(r'<td data-label="[^"]+">([^<]*(?:<a [^>]*>[^<]*</a>)?)</td>', page)
    assert [re.sub(r"<[^>]+>", "", c) for c in cells[-7:]] == [
        f"#{world.job.id}",
        "4 of 4",
        "5",
        "4",
        "0",
        "0",
        "100.0 %",
    ]
    suggestion = re.search(r"/rule-set/suggestions/(\d+)/accept", page)
    assert suggestion is not None
    accepted = await client.post(
        f"{base}/suggestions/{suggestion.group(1)}/accept", data={"csrf_token": token}
    )
    assert accepted.headers["location"] == f"{base}/versions/1"
    draft = (await client.get(f"{base}/versions/1")).text
    assert "suggested_reference_in_left_description" in draft and "Save draft" in draft
    assert "No open suggestions." in (await client.get(base)).text
