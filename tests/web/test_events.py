"""Live progress streams across a reconnect: ids go on from Last-Event-ID, nothing is missed."""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import JobStatus
from tally.web.pages import events
from tests.helpers.jobs import create_job_in_new_project, set_job_state
from tests.helpers.users import create_user
from tests.web.conftest import sign_in


def _events(body: str) -> list[tuple[str, int | None, str]]:
    """(event, id, data) of each event in a text/event-stream body."""
    found = []
    for block in body.split("\n\n"):
        name = re.search(r"^event: (.+)$", block, re.M)
        if name is None:
            continue
        event_id = re.search(r"^id: (\d+)$", block, re.M)
        data = "\n".join(re.findall(r"^data: (.*)$", block, re.M))
        found.append((name.group(1), int(event_id.group(1)) if event_id else None, data))
    return found


async def test_a_reconnect_gets_the_current_state_then_the_terminal_one(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner = await create_user(session)
    job = await create_job_in_new_project(
        session, owner=owner, status=JobStatus.RUNNING, progress=0.4
    )
    await sign_in(client, owner)
    url = f"/projects/{job.project_id}/jobs/{job.id}/events"
    # The server ends a stream after MAX_STREAM_SECONDS and the browser reconnects: shortened
    # here, so the first connection ends while the job still runs.
    monkeypatch.setattr(events, "MAX_STREAM_SECONDS", 0.1)

    first = _events((await client.get(url)).text)
    assert [(name, "40%" in data) for name, _id, data in first] == [("state", True)]
    last_id = first[-1][1]
    assert last_id is not None

    # Missed while disconnected: 70 %. The reconnect's first event is that state, numbered on.
    await set_job_state(db, job.id, JobStatus.RUNNING, 0.7)
    second = _events((await client.get(url, headers={"Last-Event-ID": str(last_id)})).text)
    assert second[0][0] == "state" and "70%" in second[0][2]
    assert second[0][1] == last_id + 1

    # Finished while disconnected: the reconnect is answered with `done`, id still growing.
    await set_job_state(db, job.id, JobStatus.COMPLETED, 1.0)
    last_id = second[-1][1]
    assert last_id is not None
    third = _events((await client.get(url, headers={"Last-Event-ID": str(last_id)})).text)
    assert [(name, event_id) for name, event_id, _data in third] == [("done", last_id + 1)]
    assert "Completed" in third[0][2]

    # An id that is not one of ours starts a fresh count instead of failing the stream.
    fresh = _events((await client.get(url, headers={"Last-Event-ID": "x9"})).text)
    assert [(name, event_id) for name, event_id, _data in fresh] == [("done", 1)]
