"""Rule-set versions through the API: drafts, activation, immutability, who may do what, and
the version every job (and so every match) records."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import DataSource, JobStatus
from tests.helpers.jobs import create_job
from tests.helpers.results import RULES, Reconciled
from tests.helpers.waiting import wait_for
from tests.rule_sets.scenario import changed_rules


def _url(world: Reconciled, path: str = "") -> str:
    return f"/api/v1/projects/{world.project.id}/rule-set{path}"


async def _new_job(client: AsyncClient, world: Reconciled, **body: Any) -> dict[str, Any]:
    payload = {
        "left_source_id": world.job.left_source_id,
        "right_source_id": world.job.right_source_id,
        **body,
    }
    response = await client.post(
        f"/api/v1/projects/{world.project.id}/jobs", json=payload, headers=world.editor.headers
    )
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_draft_then_activate_and_jobs_record_the_version(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    assert (await client.get(_url(world, "/versions"), headers=world.viewer.headers)).json() == {
        "items": [],
        "has_more": False,
    }

    # A project without versions gets the built-in rules as its version 1 with its first job.
    first = await _new_job(client, world)
    assert first["rule_set_version"] == 1
    listed = await client.get(_url(world, "/versions"), headers=world.viewer.headers)
    [v1] = listed.json()["items"]
    assert (v1["number"], v1["status"]) == (1, "active")

    draft = await client.post(
        _url(world, "/versions"),
        json={"rules": changed_rules(), "note": "wider tolerance"},
        headers=world.editor.headers,
    )
    assert draft.status_code == 201
    assert draft.json() | {"rules": None, "created_at": None, "updated_at": None} == {
        "number": 2,
        "status": "draft",
        "rules": None,
        "note": "wider tolerance",
        "author_id": world.editor.id,
        "author_email": world.editor.email,
        "created_at": None,
        "updated_at": None,
        "activated_at": None,
    }
    # A draft is editable, and new jobs still use the active version.
    edited = await client.put(
        _url(world, "/versions/2"), json={"rules": RULES}, headers=world.editor.headers
    )
    assert edited.status_code == 200 and edited.json()["note"] == "wider tolerance"
    assert (await _new_job(client, world))["rule_set_version"] == 1
    drafted = await client.post(
        f"/api/v1/projects/{world.project.id}/jobs",
        json={
            "left_source_id": world.job.left_source_id,
            "right_source_id": world.job.right_source_id,
            "rule_set_version": 2,
        },
        headers=world.editor.headers,
    )
    assert drafted.status_code == 422 and drafted.json()["error"] == "VersionIsDraft"

    activated = await client.post(_url(world, "/versions/2/activate"), headers=world.editor.headers)
    assert activated.status_code == 200
    assert activated.json()["status"] == "active" and activated.json()["activated_at"]
    statuses = [
        (v["number"], v["status"])
        for v in (await client.get(_url(world, "/versions"), headers=world.viewer.headers)).json()[
            "items"
        ]
    ]
    assert statuses == [(2, "active"), (1, "retired")]

    job = await _new_job(client, world)
    assert job["rule_set_version"] == 2 and job["rules"]["rules"][0]["name"] == "reference"
    # A retired version may still run a job by name, and be activated again.
    assert (await _new_job(client, world, rule_set_version=1))["rule_set_version"] == 1
    # Rules given with the job are the active version when equal to it, else no version.
    assert (await _new_job(client, world, rules=RULES))["rule_set_version"] == 2
    assert (await _new_job(client, world, rules=changed_rules()))["rule_set_version"] is None
    read = await client.get(
        f"/api/v1/projects/{world.project.id}/jobs/{job['id']}", headers=world.viewer.headers
    )
    assert read.json()["rule_set_version"] == 2


async def test_activated_versions_are_frozen(client: AsyncClient, reconciled: Reconciled) -> None:
    world = reconciled
    await client.post(_url(world, "/versions"), json={}, headers=world.editor.headers)
    await client.post(_url(world, "/versions/1/activate"), headers=world.editor.headers)
    for response in (
        await client.put(
            _url(world, "/versions/1"), json={"rules": RULES}, headers=world.editor.headers
        ),
        await client.delete(_url(world, "/versions/1"), headers=world.editor.headers),
    ):
        assert response.status_code == 409
        assert response.json()["error"] == "VersionNotEditable"
    # A draft copied from it is editable, and deletable.
    copy = await client.post(
        _url(world, "/versions"), json={"from_version": 1}, headers=world.editor.headers
    )
    assert copy.json()["number"] == 2
    assert (
        copy.json()["rules"]
        == (await client.get(_url(world, "/versions/1"), headers=world.viewer.headers)).json()[
            "rules"
        ]
    )
    assert (
        await client.delete(_url(world, "/versions/2"), headers=world.editor.headers)
    ).status_code == 204
    missing = await client.get(_url(world, "/versions/2"), headers=world.viewer.headers)
    assert missing.status_code == 404 and missing.json()["error"] == "RuleSetVersionNotFound"


async def test_readers_read_and_editors_write(client: AsyncClient, reconciled: Reconciled) -> None:
    world = reconciled
    viewer = world.viewer.headers
    assert (await client.post(_url(world, "/versions"), json={}, headers=viewer)).status_code == 403
    await client.post(_url(world, "/versions"), json={}, headers=world.editor.headers)
    for method, path, body in (
        ("PUT", "/versions/1", {"rules": RULES}),
        ("DELETE", "/versions/1", None),
        ("POST", "/versions/1/activate", None),
        ("POST", "/versions/1/backtests", {"job_id": world.job.id}),
    ):
        response = await client.request(method, _url(world, path), json=body, headers=viewer)
        assert response.status_code == 403, (method, path)
    assert (await client.get(_url(world, "/versions/1"), headers=viewer)).status_code == 200
    backtests = await client.get(_url(world, "/versions/1/backtests"), headers=viewer)
    assert backtests.json() == {"items": [], "has_more": False}


async def test_backtests_need_a_completed_job_of_the_project(
    client: AsyncClient, session: AsyncSession, reconciled: Reconciled
) -> None:
    world = reconciled
    await client.post(_url(world, "/versions"), json={}, headers=world.editor.headers)
    left = await session.get_one(DataSource, world.job.left_source_id)
    right = await session.get_one(DataSource, world.job.right_source_id)
    failed = await create_job(
        session, project=world.project, left=left, right=right, status=JobStatus.FAILED
    )
    for job_id, status, error in (
        (failed.id, 409, "JobNotBacktestable"),
        (999_999, 404, "BacktestJobNotFound"),
    ):
        response = await client.post(
            _url(world, "/versions/1/backtests"),
            json={"job_id": job_id},
            headers=world.editor.headers,
        )
        assert (response.status_code, response.json()["error"]) == (status, error)
    assert (
        await client.get(_url(world, "/backtests/999999"), headers=world.viewer.headers)
    ).status_code == 404


async def test_matches_say_which_version_made_them(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    job = await _new_job(client, world)
    jobs = f"/api/v1/projects/{world.project.id}/jobs/{job['id']}"
    done = await wait_for(client, jobs, world.viewer.headers, until={"completed", "failed"})
    assert done["status"] == "completed" and done["rule_set_version"] == 1
    page = await client.get(f"{jobs}/matches?tab=matched", headers=world.viewer.headers)
    match = page.json()["items"][0]
    detail = await client.get(f"{jobs}/matches/{match['id']}", headers=world.viewer.headers)
    assert match["rule_set_version"] == detail.json()["rule_set_version"] == 1
    # A manual match was made by a reviewer, not by a version.
    manual = await client.post(
        f"{jobs}/matches",
        json={"left_record_ids": [world.left["e"]], "right_record_ids": [world.right["e"]]},
        headers=world.editor.headers,
    )
    assert manual.status_code == 201 and manual.json()["rule_set_version"] is None


async def test_a_project_with_versions_jobs_and_backtests_can_be_deleted(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    world = reconciled
    job = await _new_job(client, world)  # records the (new) version 1
    await client.post(
        _url(world, "/versions/1/backtests"),
        json={"job_id": world.job.id},
        headers=world.editor.headers,
    )
    project = f"/api/v1/projects/{world.project.id}"
    await wait_for(client, f"{project}/jobs/{job['id']}", world.owner.headers, until={"completed"})
    assert (await client.delete(project, headers=world.owner.headers)).status_code == 204
    assert (await client.get(project, headers=world.owner.headers)).status_code == 404
