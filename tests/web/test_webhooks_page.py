"""The webhooks settings page: owners add a hook (secret shown once), test it, rotate its secret,
remove it; the delivery log shows each attempt; viewers only read."""

from __future__ import annotations

import asyncio
import json
import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.tasks import EmbeddedQueue
from tally.models import ProjectRole, Webhook
from tally.webhooks.signing import verify_signature
from tests.helpers.apps import running_app, settings_with
from tests.helpers.projects import create_project
from tests.helpers.receiver import webhook_receiver
from tests.helpers.users import create_user
from tests.web.conftest import sign_in

_SECRET = re.compile(r'data-testid="webhook-secret">([^<]+)<')


async def test_owner_manages_webhooks_and_reads_the_log(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    owner = await create_user(session)
    viewer = await create_user(session)
    project = await create_project(session, owner=owner, members={viewer: ProjectRole.VIEWER})
    base = f"/projects/{project.id}/webhooks"
    settings = settings_with(
        test_settings,
        TALLY_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True,
        TALLY_WEBHOOK_RETRY_BASE_SECONDS=0.05,
    )
    with webhook_receiver(statuses=[500]) as receiver:
        async with running_app(db, settings) as (app, client):
            token = await sign_in(client, owner)
            overview = await client.get(f"/projects/{project.id}")
            assert f'href="{base}"' in overview.text
            empty = await client.get(base)
            assert empty.status_code == 200 and "No webhooks yet" in empty.text

            none = await client.post(base, data={"csrf_token": token, "url": receiver.url})
            assert none.status_code == 422 and "at least 1 item" in none.text
            internal = await client.post(
                base,
                data={
                    "csrf_token": token,
                    "url": "https://user:pw@hooks.example.com/x",
                    "events": "job.completed",
                },
            )
            assert internal.status_code == 422 and "credentials" in internal.text

            added = await client.post(
                base,
                data={
                    "csrf_token": token,
                    "url": receiver.url,
                    "events": ["job.completed", "job.failed"],
                    "description": "ops channel",
                },
            )
            assert added.status_code == 201
            found = _SECRET.search(added.text)
            assert found is not None
            secret = found.group(1)
            (hook,) = (await session.scalars(select(Webhook))).all()
            assert hook.secret == secret and hook.events == ["job.completed", "job.failed"]
            again = await client.get(base)
            assert secret not in again.text  # shown once
            assert receiver.url in again.text and "Nothing sent yet" in again.text

            tested = await client.post(
                f"{base}/{hook.id}", data={"csrf_token": token, "action": "test"}
            )
            assert tested.status_code == 303
            queue = app.state.tasks
            assert isinstance(queue, EmbeddedQueue)
            await asyncio.wait_for(queue.join(), timeout=60)
            log = await client.get(base)
            assert "webhook.test" in log.text
            assert "HTTP 500" in log.text and "HTTP 200" in log.text and "succeeded" in log.text

            rotated = await client.post(
                f"{base}/{hook.id}", data={"csrf_token": token, "action": "rotate"}
            )
            new_secret = _SECRET.search(rotated.text)
            assert new_secret is not None and new_secret.group(1) != secret

            viewer_token = await sign_in(client, viewer)
            seen = await client.get(base)
            assert seen.status_code == 200 and receiver.url in seen.text
            assert "Add a webhook" not in seen.text and "Send a test" not in seen.text
            denied = await client.post(
                f"{base}/{hook.id}", data={"csrf_token": viewer_token, "action": "delete"}
            )
            assert denied.status_code == 403

            token = await sign_in(client, owner)
            removed = await client.post(
                f"{base}/{hook.id}", data={"csrf_token": token, "action": "delete"}
            )
            assert removed.status_code == 303
            assert (await session.scalars(select(Webhook))).all() == []
    _, second = receiver.received
    verify_signature(secret, second.headers["Tally-Signature"], second.body)
    assert json.loads(second.body)["type"] == "webhook.test"


async def test_owner_changes_a_hooks_exceptions_threshold(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    base = f"/projects/{project.id}/webhooks"
    settings = settings_with(test_settings, TALLY_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
    with webhook_receiver() as receiver:
        async with running_app(db, settings) as (_app, client):
            token = await sign_in(client, owner)
            added = await client.post(
                base,
                data={
                    "csrf_token": token,
                    "url": receiver.url,
                    "events": ["exceptions.threshold_exceeded"],
                    "exceptions_threshold": "25",
                },
            )
            assert added.status_code == 201 and "(at least 25)" in added.text
            (hook,) = (await session.scalars(select(Webhook))).all()
            assert f'id="threshold-{hook.id}"' in added.text
            zero = await client.post(
                f"{base}/{hook.id}",
                data={"csrf_token": token, "action": "threshold", "exceptions_threshold": "0"},
            )
            assert zero.status_code == 422 and f'id="threshold-{hook.id}-error"' in zero.text
            changed = await client.post(
                f"{base}/{hook.id}",
                data={"csrf_token": token, "action": "threshold", "exceptions_threshold": "3"},
            )
            assert changed.status_code == 303
            page = await client.get(base)
            assert "(at least 3)" in page.text
    await session.refresh(hook)
    assert hook.exceptions_threshold == 3
