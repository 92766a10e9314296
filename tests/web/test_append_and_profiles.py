"""Appending a statement and import profiles in the web app, without a browser."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import DataSource, DataSourceStatus, ImportProfile, Project
from tests.helpers.projects import create_project
from tests.helpers.users import create_user
from tests.web.conftest import sign_in

PROFILE_FILES = Path(__file__).resolve().parents[1] / "profiles" / "files"
JANUARY = b"Date,Reference,Amount\n2026-01-02,INV-1,100.00\n2026-01-03,INV-2,-5.50\n"
OVERLAP = b"Date,Reference,Amount\n2026-01-03,INV-2,-5.50\n2026-01-04,INV-3,7.25\n"


async def _ready(session: AsyncSession, source_id: int) -> DataSource:
    for _ in range(200):
        source = await session.get(DataSource, source_id, populate_existing=True)
        assert source is not None
        if source.status not in (DataSourceStatus.INGESTING, DataSourceStatus.APPENDING):
            return source
        await asyncio.sleep(0.05)
    raise AssertionError(f"source {source_id} still {source.status}")


async def _signed_in_owner(
    client: AsyncClient, session: AsyncSession
) -> tuple[Project, dict[str, str]]:
    """A new project, and the htmx request headers of its owner signed in to the web app."""
    user = await create_user(session)
    project = await create_project(session, owner=user)
    token = await sign_in(client, user)
    return project, {"X-CSRF-Token": token, "HX-Request": "true"}


async def test_a_statement_is_appended_from_the_source_page(
    client: AsyncClient, session: AsyncSession
) -> None:
    project, headers = await _signed_in_owner(client, session)
    base = f"/projects/{project.id}/sources"
    uploaded = await client.post(
        base, data={"name": "Bank"}, files={"file": ("jan.csv", JANUARY)}, headers=headers
    )
    assert uploaded.status_code == 202, uploaded.text
    source_id = uploaded.json()["id"]
    assert (await _ready(session, source_id)).row_count == 2

    page = await client.get(f"{base}/{source_id}")
    assert f'href="{base}/{source_id}/append"' in page.text
    append_page = await client.get(f"{base}/{source_id}/append")
    assert append_page.status_code == 200
    assert "Append a statement to Bank" in append_page.text
    assert f'data-preflight-url="{base}/{source_id}/append/preflight"' in append_page.text

    preview = await client.post(
        f"{base}/{source_id}/append/preflight",
        files={"head": ("feb.csv", OVERLAP, "text/csv")},
        data={"complete": "true"},
        headers=headers,
    )
    assert preview.status_code == 200, preview.text
    assert "1 new, 1 already imported" in preview.text

    appended = await client.post(
        f"{base}/{source_id}/append", files={"file": ("feb.csv", OVERLAP)}, headers=headers
    )
    assert appended.status_code == 202, appended.text
    assert (await _ready(session, source_id)).row_count == 3
    history = await client.get(f"{base}/{source_id}")
    table = history.text.split('id="appends"')[1]
    assert "feb.csv" in table and "ready" in table


async def test_the_preview_suggests_a_profile_and_saves_one(
    client: AsyncClient, session: AsyncSession
) -> None:
    project, headers = await _signed_in_owner(client, session)
    stripe = (PROFILE_FILES / "stripe_balance_itemized.csv").read_bytes()
    preview = await client.post(
        f"/projects/{project.id}/sources/preflight",
        files={"head": ("balance.csv", stripe, "text/csv")},
        data={"complete": "true"},
        headers=headers,
    )
    assert "Looks like <strong>Stripe balance report (itemized)</strong>" in preview.text
    assert 'data-apply-profile="builtin:stripe-balance-itemized"' in preview.text
    applied = await client.post(
        f"/projects/{project.id}/sources/preflight",
        files={"head": ("balance.csv", stripe, "text/csv")},
        data={"complete": "true", "profile_id": "builtin:stripe-balance-itemized"},
        headers=headers,
    )
    hints = json.loads(applied.text.split('id="preflight-options">')[1].split("</script>")[0])
    assert hints["mapping"]["amount"] == "net"
    assert "Save these settings as a profile" in applied.text

    columns = applied.text.split('id="preflight-columns">')[1].split("</script>")[0]
    saved = await client.post(
        f"/projects/{project.id}/import-profiles",
        data={"name": "Our Stripe", "options": json.dumps(hints), "header": columns},
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    assert "Saved as profile “Our Stripe”" in saved.text
    profile = await session.scalar(select(ImportProfile).where(ImportProfile.name == "Our Stripe"))
    assert profile is not None and profile.options["mapping"]["amount"] == "net"
    # The saved profile matches the file's header exactly, so it is now suggested first.
    again = await client.post(
        f"/projects/{project.id}/sources/preflight",
        files={"head": ("balance.csv", stripe, "text/csv")},
        data={"complete": "true"},
        headers=headers,
    )
    assert "Looks like <strong>Our Stripe</strong>" in again.text
