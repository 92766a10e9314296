"""Every list is a paged envelope read by cursor (keyset on id) in a stable order: walking it page
by page returns each item once, in order, and an item added meanwhile never shows twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.kit.db import Database
from tally.models import (
    DataSource,
    PeriodSignoff,
    Project,
    ProjectRole,
    Reconciliation,
    Webhook,
    WebhookDelivery,
)
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
    hook_ids, delivery_ids, signoff_ids = await _hooks_and_signoffs(session, project, sources)

    async def add_hook() -> None:
        await _add_hook(session, project)

    walked_hooks = await _walk(client, f"{base}/webhooks", owner, 2, insert=add_hook)
    assert walked_hooks[:3] == hook_ids and len(walked_hooks) == 4  # oldest first; late one once
    log = f"{base}/webhooks/{hook_ids[0]}/deliveries"
    assert await _walk(client, log, owner, 2) == delivery_ids[::-1]  # newest first
    assert await _walk(client, log, owner, 10) == delivery_ids[::-1]
    sign_offs = f"{base}/reconciliations/{signoff_ids[0][0]}/sign-offs"
    assert await _walk(client, sign_offs, owner, 2) == [i for _, i in signoff_ids][::-1]
    backwards = await client.get(
        f"{log}?limit=2&ending_before={delivery_ids[0]}", headers=owner.headers
    )
    assert [d["id"] for d in backwards.json()["items"]] == delivery_ids[2:0:-1]

    # Another tenant's cursor reaches nothing of this project.
    stranger = await create_user(session)
    for path in (
        "/members",
        "/data-sources",
        "/rule-set/versions",
        "/inboxes",
        "/webhooks",
        f"/webhooks/{hook_ids[0]}/deliveries",
        f"/reconciliations/{signoff_ids[0][0]}/sign-offs",
    ):
        refused = await client.get(f"{base}{path}?starting_after=1", headers=stranger.headers)
        assert refused.status_code == 404, path


async def _add_hook(session: AsyncSession, project: Project) -> Webhook:
    hook = Webhook(
        project_id=project.id,
        url="https://hooks.example.com/tally",
        events=["job.completed"],
        secret="whsec_test",
    )
    session.add(hook)
    await session.commit()
    return hook


async def _hooks_and_signoffs(
    session: AsyncSession, project: Project, sources: list[DataSource]
) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """Three hooks, five deliveries of the first, and three sign-offs of one reconciliation
    (as (reconciliation id, sign-off id)), committed as the services' requests would."""
    hooks = [await _add_hook(session, project) for _ in range(3)]
    deliveries = []
    for n in range(5):
        delivery = WebhookDelivery(
            webhook_id=hooks[0].id, event="job.completed", event_key=f"job:{n}", payload="{}"
        )
        session.add(delivery)
        await session.flush()
        deliveries.append(delivery.id)
    reconciliation = Reconciliation(
        project_id=project.id, left_source_id=sources[0].id, right_source_id=sources[1].id
    )
    session.add(reconciliation)
    await session.flush()
    signoffs = []
    for day in (10, 20, 30):
        signoff = PeriodSignoff(
            project_id=project.id,
            reconciliation_id=reconciliation.id,
            as_of_date=date(2026, 1, day),
            statement={"difference": "0.00"},
        )
        session.add(signoff)
        await session.flush()
        signoffs.append((reconciliation.id, signoff.id))
    await session.commit()
    return [hook.id for hook in hooks], deliveries, signoffs


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
