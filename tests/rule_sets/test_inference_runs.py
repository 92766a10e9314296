"""Rule inference in the background: the infer endpoint's 202 for sources above the inline limit,
polling to the proposal, failure and cancellation; and a first job over such sources, whose own
task infers its rules and records them as the project's first version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.models import InferenceStatus, RuleInferenceRun
from tally.projects.auth import owner_access
from tally.rule_sets.inference import RuleInferenceService
from tally.rule_sets.inference_runs import run_inference
from tests.helpers.waiting import wait_for
from tests.rule_sets.test_inference import LEDGER, World, _world


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


def _sources(world: World) -> dict[str, Any]:
    return {"left_source_id": world.ledger.id, "right_source_id": world.bank.id}


async def test_large_sources_are_inferred_in_the_background_and_polled_to_the_proposal(
    background_client: AsyncClient, session: AsyncSession
) -> None:
    client = background_client
    world = await _world(session)
    started = await client.post(
        world.url("/rule-set/infer"), json=_sources(world), headers=world.editor.headers
    )
    assert started.status_code == 202, started.text
    run = started.json()
    location = started.headers["location"]
    assert location == world.url(f"/rule-set/inferences/{run['id']}")
    assert int(started.headers["retry-after"]) >= 1
    assert run["status"] in ("queued", "running", "completed") and run["job_id"] is None

    done = await wait_for(client, location, world.viewer.headers, until={"completed", "failed"})
    assert done["status"] == "completed", done
    assert (done["version"], done["progress"], done["phase"]) == (1, 1.0, "completed")
    key = next(e for e in done["evidence"]["evidence"] if e["rule"] == "key")
    assert key["supporting_pairs"] == len(LEDGER)
    version = await client.get(world.url("/rule-set/versions/1"), headers=world.viewer.headers)
    assert version.json()["status"] == "active"  # the project's first version
    assert version.json()["rules"] == done["evidence"]["rule_set"]

    # Once a version is active, the next proposal is a draft.
    again = await client.post(
        world.url("/rule-set/infer"), json=_sources(world), headers=world.editor.headers
    )
    second = await wait_for(
        client, again.headers["location"], world.viewer.headers, until={"completed"}
    )
    assert second["version"] == 2
    draft = await client.get(world.url("/rule-set/versions/2"), headers=world.viewer.headers)
    assert draft.json()["status"] == "draft"


async def test_small_sources_are_inferred_inline_unless_background_is_asked_for(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await _world(session)
    inline = await client.post(
        world.url("/rule-set/infer"), json=_sources(world), headers=world.editor.headers
    )
    assert inline.status_code == 201 and "location" not in inline.headers
    asked = await client.post(
        world.url("/rule-set/infer"),
        json={**_sources(world), "background": True},
        headers=world.editor.headers,
    )
    assert asked.status_code == 202, asked.text
    done = await wait_for(
        client, asked.headers["location"], world.viewer.headers, until={"completed"}
    )
    assert done["version"] == 2


async def test_background_inference_checks_its_sources_and_who_asks(
    background_client: AsyncClient, session: AsyncSession
) -> None:
    client = background_client
    world = await _world(session)
    same = {"left_source_id": world.ledger.id, "right_source_id": world.ledger.id}
    refused = await client.post(
        world.url("/rule-set/infer"), json=same, headers=world.editor.headers
    )
    assert refused.status_code == 422 and refused.json()["error"] == "SourcesNotInferable"
    forbidden = await client.post(
        world.url("/rule-set/infer"), json=_sources(world), headers=world.viewer.headers
    )
    assert forbidden.status_code == 403
    started = await client.post(
        world.url("/rule-set/infer"), json=_sources(world), headers=world.editor.headers
    )
    other = await _world(session)
    foreign = await client.get(
        other.url(f"/rule-set/inferences/{started.json()['id']}"), headers=other.owner.headers
    )
    assert foreign.status_code == 404 and foreign.json()["error"] == "InferenceNotFound"
    await wait_for(client, started.headers["location"], world.viewer.headers, until={"completed"})


async def _queued_run(session: AsyncSession, world: World) -> int:
    """A run stored as the endpoint stores it, but not enqueued: the test runs it itself."""
    access = await owner_access(session, world.project_id)
    run = await RuleInferenceService(session).request(access, world.ledger.id, world.bank.id)
    await session.commit()
    return run.id


async def test_a_failed_inference_says_why_and_stores_nothing(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await _world(session)
    run_id = await _queued_run(session, world)

    async def broken_pool(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the worker's thread pool is gone")

    assert await run_inference(db, run_id, run_in_thread=broken_pool) == InferenceStatus.FAILED
    failed = await client.get(
        world.url(f"/rule-set/inferences/{run_id}"), headers=world.viewer.headers
    )
    body = failed.json()
    assert (body["status"], body["version"]) == ("failed", None)
    assert body["error"] == "RuntimeError: the worker's thread pool is gone"
    versions = await client.get(world.url("/rule-set/versions"), headers=world.viewer.headers)
    assert versions.json()["items"] == []
    assert await run_inference(db, run_id) is None  # a finished run is not run again


async def test_inferences_are_cancelled_queued_at_once_and_running_at_their_next_phase(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await _world(session)
    queued = await _queued_run(session, world)
    cancelled = await client.post(
        world.url(f"/rule-set/inferences/{queued}/cancel"), headers=world.editor.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert await run_inference(db, queued) is None
    again = await client.post(
        world.url(f"/rule-set/inferences/{queued}/cancel"), headers=world.editor.headers
    )
    assert again.status_code == 409 and again.json()["error"] == "InferenceFinished"

    running = await _queued_run(session, world)
    await session.execute(
        update(RuleInferenceRun)
        .where(RuleInferenceRun.id == running)
        .values(status=InferenceStatus.RUNNING, started_at=datetime.now(UTC))
    )
    await session.commit()
    asked = await client.post(
        world.url(f"/rule-set/inferences/{running}/cancel"), headers=world.editor.headers
    )
    assert asked.json()["status"] == "running"
    viewer = await client.post(
        world.url(f"/rule-set/inferences/{running}/cancel"), headers=world.viewer.headers
    )
    assert viewer.status_code == 403
    # The worker picks it up (as after a crash) and stops before loading anything.
    assert await run_inference(db, running) == InferenceStatus.CANCELLED
    stopped = await client.get(
        world.url(f"/rule-set/inferences/{running}"), headers=world.viewer.headers
    )
    assert (stopped.json()["status"], stopped.json()["version"]) == ("cancelled", None)
    versions = await client.get(world.url("/rule-set/versions"), headers=world.viewer.headers)
    assert versions.json()["items"] == []


async def test_a_first_job_over_large_sources_infers_its_rules_in_its_own_task(
    background_client: AsyncClient, session: AsyncSession
) -> None:
    client = background_client
    world = await _world(session)
    created = await client.post(
        world.url("/jobs"), json=_sources(world), headers=world.editor.headers
    )
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["rule_set_version"] is None  # not inferred while the request waited

    done = await wait_for(
        client, world.url(f"/jobs/{job['id']}"), world.viewer.headers, until={"completed", "failed"}
    )
    assert done["status"] == "completed", done
    assert done["rule_set_version"] == 1
    assert "infer" in done["summary"]["phases"]
    assert done["summary"]["left"]["matched"] == len(LEDGER)
    v1 = (await client.get(world.url("/rule-set/versions/1"), headers=world.viewer.headers)).json()
    assert v1["status"] == "active" and v1["author_id"] is None
    assert v1["note"].startswith("Proposed from your data")
    assert done["rules"] == v1["rules"]

    # The project has rules now: the next job runs them without inferring again.
    second = await client.post(
        world.url("/jobs"), json=_sources(world), headers=world.editor.headers
    )
    assert second.json()["rule_set_version"] == 1
    finished = await wait_for(
        client,
        world.url(f"/jobs/{second.json()['id']}"),
        world.viewer.headers,
        until={"completed", "failed"},
    )
    assert "infer" not in finished["summary"]["phases"]
    versions = await client.get(world.url("/rule-set/versions"), headers=world.viewer.headers)
    assert [v["number"] for v in versions.json()["items"]] == [1]
