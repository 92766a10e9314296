"""Background work answers 202 with where to poll and when; unfinished results are a 409, never an
empty page a client could take for "nothing matched"."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import JobStatus
from tests.helpers.jobs import create_job_in_new_project
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user

_CSV = b"Date,Amount,Reference\n2026-01-02,10.00,A\n2026-01-03,11.00,B\n"


async def test_a_job_is_accepted_with_where_and_when_to_poll(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    left = await create_data_source(session, project=project, name="a")
    right = await create_data_source(session, project=project, name="b")
    created = await client.post(
        f"/api/v1/projects/{project.id}/jobs",
        json={"left_source_id": left.id, "right_source_id": right.id},
        headers=owner.headers,
    )
    assert created.status_code == 202, created.text
    job_id = created.json()["id"]
    assert created.headers["Location"] == f"/api/v1/projects/{project.id}/jobs/{job_id}"
    assert int(created.headers["Retry-After"]) >= 1
    polled = await client.get(created.headers["Location"], headers=owner.headers)
    assert polled.status_code == 200 and polled.json()["id"] == job_id


async def test_an_upload_is_accepted_with_where_and_when_to_poll(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    uploaded = await client.post(
        f"/api/v1/projects/{project.id}/data-sources",
        files={"file": ("bank.csv", _CSV)},
        headers=owner.headers,
    )
    assert uploaded.status_code == 202, uploaded.text
    source_id = uploaded.json()["id"]
    location = uploaded.headers["Location"]
    assert location == f"/api/v1/projects/{project.id}/data-sources/{source_id}"
    assert int(uploaded.headers["Retry-After"]) >= 1
    assert (await client.get(location, headers=owner.headers)).json()["id"] == source_id


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
async def test_results_of_an_unfinished_job_are_a_409_to_retry(
    client: AsyncClient, session: AsyncSession, status: JobStatus
) -> None:
    owner = await create_user(session)
    job = await create_job_in_new_project(session, owner=owner, status=status)
    base = f"/api/v1/projects/{job.project_id}/jobs/{job.id}"
    for path in ("/matches", "/matches/1", "/records", "/export", "/export?format=xlsx"):
        response = await client.get(base + path, headers=owner.headers)
        assert response.status_code == 409, path
        assert response.json()["error"] == "JobNotCompleted"
        assert response.json()["status"] == status
        assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("status", [JobStatus.FAILED, JobStatus.CANCELLED])
async def test_results_of_a_job_that_never_completed_are_a_409(
    client: AsyncClient, session: AsyncSession, status: JobStatus
) -> None:
    owner = await create_user(session)
    job = await create_job_in_new_project(session, owner=owner, status=status)
    base = f"/api/v1/projects/{job.project_id}/jobs/{job.id}"
    for path in ("/matches", "/records", "/export"):
        response = await client.get(base + path, headers=owner.headers)
        assert response.status_code == 409, path
        assert "Retry-After" not in response.headers
