"""The rules reference (docs/rules.md) is a page linked from the rules pages."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.projects import create_project
from tests.helpers.users import create_user
from tests.web.conftest import sign_in


async def test_rules_page_links_to_the_reference_which_renders_the_document(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    await sign_in(client, user)
    project = await create_project(session, owner=user)
    rules_page = await client.get(f"/projects/{project.id}/rule-set")
    assert 'href="/help/rules"' in rules_page.text

    reference = await client.get("/help/rules")
    assert reference.status_code == 200
    assert "<h1>Matching rules: a reference</h1>" in reference.text
    assert 'id="example-1-german-bank-export-vs-sales-ledger"' in reference.text
    assert 'href="#example-1-german-bank-export-vs-sales-ledger"' in reference.text
    assert "<table>" in reference.text and "max_abs" in reference.text


async def test_the_reference_needs_a_signed_in_user(client: AsyncClient) -> None:
    client.cookies.clear()
    response = await client.get("/help/rules", follow_redirects=False)
    assert response.status_code in (303, 401)
