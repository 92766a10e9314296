"""Every list is a paged envelope read by cursor (keyset on id) in a stable order: walking it page
by page returns each item once, in order, and an item added meanwhile never shows twice."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.kit.db import Database
from tally.models import ProjectRole
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser, create_user

# Lists that stay arrays, and why: the import profiles mix saved profiles with the built-in ones
# (ids like "builtin:paypal-activity", no id order to page by); a learning run's answer and the
# audit chains' verification are results of one request, not lists of stored items.
NOT_PAGED = {
    ("get", "/api/v1/projects/{project_id}/import-profiles"),
    ("get", "/admin/audit/verify"),
    # Five fixed buckets, not a list of items.
    ("get", "/api/v1/projects/{project_id}/exceptions/ageing"),
    # Not paged yet (issue 20 item 4 is open for them): a project's hooks, a hook's delivery
    # log and a reconciliation's sign-offs.
    ("get", "/api/v1/projects/{project_id}/webhooks"),
    ("get", "/api/v1/projects/{project_id}/webhooks/{webhook_id}/deliveries"),
    ("get", "/api/v1/projects/{project_id}/reconciliations/{reconciliation_id}/sign-offs"),
}


def _key(item: dict[str, Any]) -> int:
    return int(item.get("id", item.get("number", item.get("user_id", 0))))


async def _walk(
    client: AsyncClient, url: str, user: AuthedUser, limit: int, *, insert: Any = None
) -> list[int]:
    """Every item's id, page after page of ``limit``; ``insert()`` runs after the first page."""
    seen: list[int] = []
    query = f"limit={limit}"
    while True:
        separator = "&" if "?" in url else "?"
        response = await client.get(f"{url}{separator}{query}", headers=user.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) >= {"items", "has_more"}, body
        ids = [_key(item) for item in body["items"]]
        assert len(ids) <= limit
        seen += ids
        if insert is not None and len(seen) == len(ids):
            await insert()
        if not body["has_more"]:
            return seen
        query = f"limit={limit}&starting_after={ids[-1]}"


async def test_each_list_walks_by_cursor_once_in_order(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    members = [await create_user(session) for _ in range(3)]
    project = await create_project(
        session, owner=owner, members=dict.fromkeys(members, ProjectRole.VIEWER)
    )
    base = f"/api/v1/projects/{project.id}"
    sources = [await create_data_source(session, project=project, name=f"s{n}") for n in range(5)]

    member_ids = await _walk(client, f"{base}/members", owner, 2)
    assert member_ids == sorted([owner.id, *(m.id for m in members)])

    async def add_source() -> None:
        await create_data_source(session, project=project, name="late")

    source_ids = await _walk(client, f"{base}/data-sources", owner, 2, insert=add_source)
    assert source_ids[:5] == [s.id for s in sources] and len(source_ids) == len(set(source_ids))
    assert len(source_ids) == 6  # added after the first page, at the end: seen once

    rules = DEFAULT_RULE_SET.model_dump(mode="json")
    for note in ("one", "two", "three"):
        draft = await client.post(
            f"{base}/rule-set/versions", json={"rules": rules, "note": note}, headers=owner.headers
        )
        assert draft.status_code == 201, draft.text

    async def add_version() -> None:
        added = await client.post(
            f"{base}/rule-set/versions", json={"rules": rules}, headers=owner.headers
        )
        assert added.status_code == 201

    versions = await _walk(client, f"{base}/rule-set/versions", owner, 1, insert=add_version)
    assert versions == [3, 2, 1]  # newest first; the one added meanwhile is before the cursor

    for n in range(3):
        made = await client.post(
            "/api/v1/api-keys", json={"name": f"k{n}", "role": "viewer"}, headers=owner.headers
        )
        assert made.status_code == 201, made.text
    key_ids = await _walk(client, "/api/v1/api-keys", owner, 2)
    assert key_ids == sorted(key_ids, reverse=True) and len(key_ids) == 3

    for n in range(3):
        inbox = {"name": f"drop{n}", "url": f"memory://drop{n}", "data_source_id": sources[0].id}
        added = await client.post(f"{base}/inboxes", json=inbox, headers=owner.headers)
        assert added.status_code == 201, added.text
    inbox_ids = await _walk(client, f"{base}/inboxes", owner, 2)
    assert inbox_ids == sorted(inbox_ids) and len(inbox_ids) == 3
    files = await client.get(f"{base}/inboxes/{inbox_ids[0]}/files", headers=owner.headers)
    assert files.json() == {"items": [], "has_more": False}

    for url in (f"{base}/reconciliations", f"{base}/data-sources/{sources[0].id}/appends"):
        assert (await client.get(url, headers=owner.headers)).json() == {
            "items": [],
            "has_more": False,
        }
    # Another tenant's cursor reaches nothing of this project.
    stranger = await create_user(session)
    for path in ("/members", "/data-sources", "/rule-set/versions", "/inboxes"):
        refused = await client.get(f"{base}{path}?starting_after=1", headers=stranger.headers)
        assert refused.status_code == 404, path


async def test_no_list_is_a_bare_array(db: Database, test_settings: Settings) -> None:
    """Every GET answering a list answers an envelope with has_more, except NOT_PAGED."""
    schema = create_app(test_settings, database=db).openapi()
    bare = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("responses", {}).get("200", {}).get("content", {})
            answer = body.get("application/json", {}).get("schema", {})
            if method == "get" and answer.get("type") == "array":
                bare.add((method, path))
    assert bare == NOT_PAGED
