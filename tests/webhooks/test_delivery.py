"""Webhooks against a real local receiver: signed, retried with back-off through the task queue,
every attempt logged; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import EmbeddedQueue
from tally.models import DeliveryStatus, JobStatus, Project, Webhook, WebhookDelivery
from tally.models.base import utcnow
from tally.webhooks.emit import emit_job_finished
from tally.webhooks.signing import InvalidSignature, verify_signature
from tests.helpers.apps import running_app, settings_with
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.receiver import webhook_receiver
from tests.helpers.reconciliations import run_job, two_sources
from tests.helpers.records import Row
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser, create_user

BASE_DELAY = 0.2


def hook_settings(base: Settings, **overrides: Any) -> Settings:
    return settings_with(
        base,
        TALLY_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True,  # the receiver listens on 127.0.0.1
        TALLY_WEBHOOK_RETRY_BASE_SECONDS=BASE_DELAY,
        **overrides,
    )


@pytest.fixture
async def app_client(
    db: Database, test_settings: Settings
) -> AsyncIterator[tuple[FastAPI, AsyncClient]]:
    async with running_app(db, hook_settings(test_settings, TALLY_WEBHOOK_MAX_ATTEMPTS=4)) as app:
        yield app


@pytest.fixture
async def owner_project(session: AsyncSession) -> tuple[AuthedUser, Project]:
    owner = await create_user(session)
    return owner, await create_project(session, owner=owner)


async def drain(app: FastAPI) -> None:
    """Wait until every task, delayed retries included, has run."""
    queue = app.state.tasks
    assert isinstance(queue, EmbeddedQueue)
    await asyncio.wait_for(queue.join(), timeout=60)


async def create_hook(
    client: AsyncClient, owner: AuthedUser, project: Project, url: str, events: list[str]
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/projects/{project.id}/webhooks",
        json={"url": url, "events": events, "description": "ops"},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def deliveries(
    client: AsyncClient, owner: AuthedUser, project: Project, hook_id: int
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/projects/{project.id}/webhooks/{hook_id}/deliveries", headers=owner.headers
    )
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()["items"]
    return body


async def send_test(
    client: AsyncClient, owner: AuthedUser, project: Project, hook_id: int
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/projects/{project.id}/webhooks/{hook_id}/test", headers=owner.headers
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_delivery_is_signed_and_logged(
    app_client: tuple[FastAPI, AsyncClient], owner_project: tuple[AuthedUser, Project]
) -> None:
    app, client = app_client
    owner, project = owner_project
    with webhook_receiver() as receiver:
        created = await create_hook(client, owner, project, receiver.url, ["job.completed"])
        secret = created["secret"]
        hook = created["webhook"]
        assert secret.startswith("whsec_")
        assert hook["secret_hint"] == secret[:10] + "..."
        listed = (
            await client.get(f"/api/v1/projects/{project.id}/webhooks", headers=owner.headers)
        ).json()
        assert secret not in json.dumps(listed)  # shown once, never again
        queued = await send_test(client, owner, project, hook["id"])
        assert queued["status"] == "pending"
        await drain(app)

    [request] = receiver.received
    assert verify_signature(secret, request.headers["Tally-Signature"], request.body)
    body = json.loads(request.body)
    assert body["type"] == "webhook.test"
    assert body["project_id"] == project.id
    assert request.headers["Tally-Event-Id"] == body["id"]
    with pytest.raises(InvalidSignature):
        verify_signature(secret, request.headers["Tally-Signature"], request.body + b" ")
    with pytest.raises(InvalidSignature):
        verify_signature("whsec_other", request.headers["Tally-Signature"], request.body)
    [delivery] = await deliveries(client, owner, project, hook["id"])
    assert delivery["status"] == "succeeded"
    [attempt] = delivery["attempt_log"]
    assert attempt["status_code"] == 200
    assert attempt["error"] is None
    assert attempt["latency_ms"] is not None


async def test_server_errors_are_retried_with_back_off_until_success(
    app_client: tuple[FastAPI, AsyncClient], owner_project: tuple[AuthedUser, Project]
) -> None:
    app, client = app_client
    owner, project = owner_project
    with webhook_receiver(statuses=[500, 503]) as receiver:
        created = await create_hook(client, owner, project, receiver.url, ["job.failed"])
        await send_test(client, owner, project, created["webhook"]["id"])
        await drain(app)

    assert [r.answered for r in receiver.received] == [500, 503, 200]
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1  # every attempt sends the same event
    for request in receiver.received:  # each attempt is signed afresh
        verify_signature(created["secret"], request.headers["Tally-Signature"], request.body)
    first, second, third = (r.at for r in receiver.received)
    # The queue delays attempt n+1 by BASE * 2**(n-1) after attempt n is logged: lower bounds only.
    assert second - first >= BASE_DELAY
    assert third - second >= 2 * BASE_DELAY
    [delivery] = await deliveries(client, owner, project, created["webhook"]["id"])
    assert delivery["status"] == "succeeded"
    assert delivery["attempts"] == 3
    log = delivery["attempt_log"]
    assert [a["number"] for a in log] == [1, 2, 3]
    assert [a["status_code"] for a in log] == [500, 503, 200]
    assert "HTTP 500" in log[0]["error"] and "receiver says no" in log[0]["error"]
    assert log[2]["error"] is None


async def test_a_delivery_gives_up_after_the_last_attempt(
    db: Database, test_settings: Settings, owner_project: tuple[AuthedUser, Project]
) -> None:
    owner, project = owner_project
    settings = hook_settings(test_settings, TALLY_WEBHOOK_MAX_ATTEMPTS=3)
    with webhook_receiver(statuses=[500] * 5) as receiver:
        async with running_app(db, settings) as (app, client):
            created = await create_hook(client, owner, project, receiver.url, ["job.failed"])
            await send_test(client, owner, project, created["webhook"]["id"])
            await drain(app)
            [delivery] = await deliveries(client, owner, project, created["webhook"]["id"])
    assert len(receiver.received) == 3
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 500]
    assert delivery["finished_at"] is not None


async def test_an_unreachable_endpoint_is_logged_without_a_status(
    app_client: tuple[FastAPI, AsyncClient], owner_project: tuple[AuthedUser, Project]
) -> None:
    app, client = app_client
    owner, project = owner_project
    with webhook_receiver() as receiver:
        url = receiver.url
    # The receiver is closed: nothing listens on its port any more.
    created = await create_hook(client, owner, project, url, ["job.failed"])
    await send_test(client, owner, project, created["webhook"]["id"])
    await drain(app)
    [delivery] = await deliveries(client, owner, project, created["webhook"]["id"])
    assert delivery["status"] == "failed"
    assert len(delivery["attempt_log"]) == 4
    assert all(a["status_code"] is None for a in delivery["attempt_log"])
    assert "ConnectError" in delivery["attempt_log"][0]["error"]


async def test_a_completed_job_reaches_its_hooks_once(
    app_client: tuple[FastAPI, AsyncClient], session: AsyncSession, db: Database
) -> None:
    app, client = app_client
    world = await two_sources(
        session,
        [Row("INV-1", "2026-01-02", "100.00"), Row("INV-2", "2026-01-03", "250.50")],
        [Row("INV-1", "2026-01-02", "100.00")],
    )
    with webhook_receiver() as receiver:
        done = await create_hook(
            client, world.owner, world.project, receiver.url, ["job.completed"]
        )
        failed_only = await create_hook(
            client, world.owner, world.project, receiver.url, ["job.failed"]
        )
        job = await run_job(client, world, "full")
        assert job["status"] == "completed"
        await drain(app)

        # The job's task running again (a redelivery) emits nothing new: the event has a key.
        async def emit_again(s: AsyncSession) -> int:
            stored = await s.get(type(world.project), world.project.id)
            assert stored is not None
            from tally.models import ReconciliationJob

            row = await s.get(ReconciliationJob, job["id"])
            assert row is not None
            return await emit_job_finished(s, app.state.tasks, row)

        assert await run_in_transaction(db, emit_again) == 0
        await drain(app)

    [request] = receiver.received
    event = json.loads(request.body)
    assert event["type"] == "job.completed"
    assert event["data"]["job"]["id"] == job["id"]
    assert event["data"]["job"]["status"] == "completed"
    verify_signature(done["secret"], request.headers["Tally-Signature"], request.body)
    assert await deliveries(client, world.owner, world.project, failed_only["webhook"]["id"]) == []


async def test_rotating_the_secret_signs_the_next_attempts_with_the_new_one(
    app_client: tuple[FastAPI, AsyncClient], owner_project: tuple[AuthedUser, Project]
) -> None:
    app, client = app_client
    owner, project = owner_project
    with webhook_receiver() as receiver:
        created = await create_hook(client, owner, project, receiver.url, ["job.completed"])
        hook_id = created["webhook"]["id"]
        rotated = await client.post(
            f"/api/v1/projects/{project.id}/webhooks/{hook_id}/rotate-secret",
            headers=owner.headers,
        )
        assert rotated.status_code == 200, rotated.text
        new_secret = rotated.json()["secret"]
        assert new_secret != created["secret"]
        assert rotated.json()["webhook"]["secret_rotated_at"] is not None
        await send_test(client, owner, project, hook_id)
        await drain(app)
    [request] = receiver.received
    verify_signature(new_secret, request.headers["Tally-Signature"], request.body)
    with pytest.raises(InvalidSignature):
        verify_signature(created["secret"], request.headers["Tally-Signature"], request.body)


async def test_deleting_a_hook_removes_it_and_its_log(
    app_client: tuple[FastAPI, AsyncClient], owner_project: tuple[AuthedUser, Project]
) -> None:
    app, client = app_client
    owner, project = owner_project
    with webhook_receiver() as receiver:
        created = await create_hook(client, owner, project, receiver.url, ["job.completed"])
        hook_id = created["webhook"]["id"]
        await send_test(client, owner, project, hook_id)
        await drain(app)
    url = f"/api/v1/projects/{project.id}/webhooks/{hook_id}"
    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert (await client.get(url, headers=owner.headers)).status_code == 404
    assert (await client.get(f"{url}/deliveries", headers=owner.headers)).status_code == 404
    listed = await client.get(f"/api/v1/projects/{project.id}/webhooks", headers=owner.headers)
    assert listed.json() == {"items": [], "has_more": False}


async def test_pending_deliveries_are_sent_after_a_restart(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    """The embedded queue keeps nothing across restarts: the delivery rows are the record."""
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    with webhook_receiver() as receiver:
        hook = Webhook(
            project_id=project.id,
            url=receiver.url,
            description="",
            events=["job.completed"],
            exceptions_threshold=1,
            secret="whsec_restart",
            created_at=utcnow(),
        )
        session.add(hook)
        await session.flush()
        session.add(
            WebhookDelivery(
                webhook_id=hook.id,
                event="job.completed",
                event_key="job:1:completed",
                payload='{"id":"job:1:completed"}',
                status=DeliveryStatus.PENDING,
                attempts=1,  # the first attempt failed before the restart; its retry is due
                next_attempt_at=utcnow() - timedelta(seconds=1),
                created_at=utcnow(),
            )
        )
        await session.commit()
        async with running_app(db, hook_settings(test_settings)) as (app, client):
            await drain(app)
            [delivery] = await deliveries(client, owner, project, hook.id)
    [request] = receiver.received
    assert request.body == b'{"id":"job:1:completed"}'
    verify_signature("whsec_restart", request.headers["Tally-Signature"], request.body)
    assert delivery["status"] == "succeeded"
    assert [a["number"] for a in delivery["attempt_log"]] == [2]


async def test_only_subscribed_and_threshold_meeting_hooks_get_an_event(
    app_client: tuple[FastAPI, AsyncClient],
    owner_project: tuple[AuthedUser, Project],
    session: AsyncSession,
    db: Database,
) -> None:
    from tally.webhooks.emit import emit_exceptions_threshold_exceeded

    app, client = app_client
    owner, project = owner_project
    with webhook_receiver() as receiver:
        low = await client.post(
            f"/api/v1/projects/{project.id}/webhooks",
            json={
                "url": receiver.url,
                "events": ["exceptions.threshold_exceeded"],
                "exceptions_threshold": 5,
            },
            headers=owner.headers,
        )
        high = await client.post(
            f"/api/v1/projects/{project.id}/webhooks",
            json={
                "url": receiver.url,
                "events": ["exceptions.threshold_exceeded"],
                "exceptions_threshold": 50,
            },
            headers=owner.headers,
        )
        assert low.status_code == high.status_code == 201

        async def emit(s: AsyncSession) -> int:
            return await emit_exceptions_threshold_exceeded(
                s, app.state.tasks, project.id, new_exceptions=12, job_id=7, open_exceptions=40
            )

        assert await run_in_transaction(db, emit) == 1
        await drain(app)
    [request] = receiver.received
    event = json.loads(request.body)
    assert event["type"] == "exceptions.threshold_exceeded"
    assert event["data"]["exceptions"] == {"new": 12, "open": 40, "job_id": 7}
    verify_signature(low.json()["secret"], request.headers["Tally-Signature"], request.body)


async def test_a_rolled_back_emission_sends_nothing(
    app_client: tuple[FastAPI, AsyncClient], session: AsyncSession, db: Database
) -> None:
    app, client = app_client
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    left = await create_data_source(session, project=project, name="l")
    right = await create_data_source(session, project=project, name="r")
    job = await create_job(
        session, project=project, left=left, right=right, status=JobStatus.FAILED
    )
    with webhook_receiver() as receiver:
        created = await create_hook(client, owner, project, receiver.url, ["job.failed"])

        async def emit_then_fail(s: AsyncSession) -> None:
            row = await s.get(type(job), job.id)
            assert row is not None
            assert await emit_job_finished(s, app.state.tasks, row) == 1
            raise RuntimeError("the caller's transaction fails")

        with pytest.raises(RuntimeError):
            await run_in_transaction(db, emit_then_fail)
        await drain(app)
    assert receiver.received == []
    assert await deliveries(client, owner, project, created["webhook"]["id"]) == []


async def test_a_job_opening_many_exceptions_reaches_the_hooks_whose_threshold_it_meets(
    app_client: tuple[FastAPI, AsyncClient], session: AsyncSession
) -> None:
    from tests.helpers.reconciliations import BANK, LEDGER, append_rows

    app, client = app_client
    world = await two_sources(session, BANK, LEDGER)
    url = f"/api/v1/projects/{world.project.id}/webhooks"
    with webhook_receiver() as receiver:
        hooks = {}
        for threshold in (4, 5):
            response = await client.post(
                url,
                json={
                    "url": receiver.url,
                    "events": ["exceptions.threshold_exceeded"],
                    "exceptions_threshold": threshold,
                },
                headers=world.owner.headers,
            )
            assert response.status_code == 201, response.text
            hooks[threshold] = response.json()
        # Day 1 leaves four open items (a suggestion's two records, a fee, an unpaid invoice).
        first = await run_job(client, world, "full")
        assert first["status"] == "completed", first["error"]
        await drain(app)
        [day_one] = receiver.received
        verify_signature(hooks[4]["secret"], day_one.headers["Tally-Signature"], day_one.body)
        event = json.loads(day_one.body)
        assert event["type"] == "exceptions.threshold_exceeded"
        assert event["data"]["exceptions"] == {"new": 4, "open": 4, "job_id": first["id"]}
        assert await deliveries(client, world.owner, world.project, hooks[5]["webhook"]["id"]) == []

        # An editor may not change a hook; its owner lowers the second hook's threshold.
        high_id = hooks[5]["webhook"]["id"]
        refused = await client.patch(
            f"{url}/{high_id}", json={"exceptions_threshold": 1}, headers=world.editor.headers
        )
        assert refused.status_code == 403, refused.text
        changed = await client.patch(
            f"{url}/{high_id}", json={"exceptions_threshold": 1}, headers=world.owner.headers
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["exceptions_threshold"] == 1
        invalid = await client.patch(
            f"{url}/{high_id}", json={"exceptions_threshold": 0}, headers=world.owner.headers
        )
        assert invalid.status_code == 422

        # Day 2: one new bank line nobody booked; a job with nothing new opens nothing.
        await append_rows(session, world.bank, [Row("CHG", "2026-01-22", "-2.50", "Charge")])
        second = await run_job(client, world, "incremental")
        third = await run_job(client, world, "incremental")
        assert second["status"] == third["status"] == "completed"
        await drain(app)
    assert len(receiver.received) == 2
    day_two = json.loads(receiver.received[1].body)
    assert day_two["data"]["exceptions"] == {"new": 1, "open": 5, "job_id": second["id"]}
    verify_signature(
        hooks[5]["secret"],
        receiver.received[1].headers["Tally-Signature"],
        receiver.received[1].body,
    )
