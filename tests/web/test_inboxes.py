"""The inboxes page: owners add, pause and remove inboxes with the API's rules; viewers only read."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import Inbox, ProjectRole
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user
from tests.web.conftest import sign_in


async def test_owner_configures_inboxes_viewer_reads(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    viewer = await create_user(session)
    project = await create_project(session, owner=owner, members={viewer: ProjectRole.VIEWER})
    bank = await create_data_source(session, project=project, name="bank")
    ledger = await create_data_source(session, project=project, name="ledger")
    await session.commit()
    base = f"/projects/{project.id}/inboxes"

    token = await sign_in(client, owner)
    empty = await client.get(base)
    assert empty.status_code == 200 and "No inboxes yet" in empty.text
    form = {"csrf_token": token, "url": "memory://drop", "pattern": "*.csv", "poll_seconds": "60"}
    refused = await client.post(
        base, data={**form, "data_source_id": str(bank.id), "counterpart_source_id": str(bank.id)}
    )
    assert refused.status_code == 422 and "another data source" in refused.text
    unknown = await client.post(
        base, data={**form, "url": "nope://x", "data_source_id": str(bank.id)}
    )
    assert unknown.status_code == 422 and "Unknown file system" in unknown.text
    added = await client.post(
        base,
        data={**form, "data_source_id": str(bank.id), "counterpart_source_id": str(ledger.id)},
    )
    assert added.status_code == 303
    (inbox,) = (await session.scalars(select(Inbox))).all()
    assert (inbox.url, inbox.pattern, inbox.counterpart_source_id, inbox.poll_seconds) == (
        "memory://drop",
        "*.csv",
        ledger.id,
        60,
    )
    paused = await client.post(f"{base}/{inbox.id}", data={"csrf_token": token, "action": "pause"})
    assert paused.status_code == 303
    await session.refresh(inbox)
    assert inbox.enabled is False
    page = await client.get(base)
    assert "memory://drop" in page.text and "paused" in page.text

    viewer_token = await sign_in(client, viewer)
    seen = await client.get(base)
    assert seen.status_code == 200 and "memory://drop" in seen.text
    assert "Watch a new inbox" not in seen.text
    denied = await client.post(
        f"{base}/{inbox.id}", data={"csrf_token": viewer_token, "action": "delete"}
    )
    assert denied.status_code == 403

    token = await sign_in(client, owner)
    removed = await client.post(
        f"{base}/{inbox.id}", data={"csrf_token": token, "action": "delete"}
    )
    assert removed.status_code == 303
    assert (await session.scalars(select(Inbox))).all() == []
