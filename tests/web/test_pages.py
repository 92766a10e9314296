"""Every page renders (empty states included), non-members get 404, errors are designed pages."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.errors import Conflict
from tally.models import JobStatus, Match, MatchTab, Project, ReconciliationJob, UserRole
from tally.projects.service import ProjectService
from tests.helpers.jobs import create_job, create_job_in_new_project, set_job_state
from tests.helpers.projects import create_project
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user
from tests.web.conftest import sign_in


@pytest.fixture
async def reconciled(session: AsyncSession, db: Database) -> Reconciled:
    return await reconciled_job(session, db)


async def test_empty_states(client: AsyncClient, session: AsyncSession) -> None:
    user = await create_user(session, role=UserRole.ADMIN)
    await sign_in(client, user)
    projects = await client.get("/projects")
    assert "No projects yet" in projects.text
    project = await create_project(session, owner=user)
    base = f"/projects/{project.id}"
    overview = await client.get(base)
    assert overview.status_code == 200
    for text in ("No data sources yet", "No reconciliations yet", "No completed jobs yet"):
        assert text in overview.text
    new_job = await client.get(f"{base}/jobs/new")
    assert "Two ready data sources are needed" in new_job.text
    assert (await client.get(f"{base}/sources/new")).status_code == 200
    source = await create_data_source(session, project=project, name="Bank")
    assert (await client.get(f"{base}/sources/{source.id}")).status_code == 200
    other = await create_data_source(session, project=project, name="Ledger")
    job = await create_job(session, project=project, left=source, right=other)
    for path in (f"/jobs/{job.id}", f"/jobs/{job.id}/results", f"/jobs/{job.id}/audit"):
        response = await client.get(base + path)
        assert response.status_code == 200, path
    results = await client.get(f"{base}/jobs/{job.id}/results?tab=unmatched_left")
    assert "Every record on this side is matched" in results.text
    assert (await client.get("/admin/users")).status_code == 200
    system = await client.get("/admin/system")
    assert "Database pool" in system.text


async def test_project_list_paginates_and_creates(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    token = await sign_in(client, user)
    for n in range(23):
        await create_project(session, owner=user, name=f"Project {n:02d}")
    first = await client.get("/projects")
    assert "Page 1 of 2" in first.text and "Project 22" in first.text
    second = await client.get("/projects?page=2")
    assert "Project 00" in second.text and "Project 22" not in second.text
    invalid = await client.post("/projects", data={"name": " ", "csrf_token": token})
    assert invalid.status_code == 422
    assert "Give the project a name." in invalid.text
    bad_page = await client.get("/projects?page=zero")
    assert bad_page.status_code == 422
    assert "Traceback" not in bad_page.text


async def test_non_members_get_404_on_every_project_page(
    client: AsyncClient, reconciled: Reconciled, session: AsyncSession
) -> None:
    stranger = await create_user(session)
    token = await sign_in(client, stranger)
    project, job = reconciled.project, reconciled.job
    record = reconciled.left["fee"]
    base = f"/projects/{project.id}"
    pages = [
        base,
        f"{base}/sources/new",
        f"{base}/sources/{job.left_source_id}",
        f"{base}/sources/{job.left_source_id}/events",
        f"{base}/jobs/new",
        f"{base}/jobs/{job.id}",
        f"{base}/jobs/{job.id}/events",
        f"{base}/jobs/{job.id}/results",
        f"{base}/jobs/{job.id}/audit",
        f"{base}/jobs/{job.id}/export.csv",
        f"{base}/jobs/{job.id}/records/{record}/candidates",
        f"{base}/members",
    ]
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text
    match_id = await session.scalar(select(Match.id).where(Match.job_id == job.id).limit(1))
    posts = [
        f"{base}/jobs/{job.id}/matches/{match_id}/confirm",
        f"{base}/jobs/{job.id}/cancel",
        f"{base}/rules/validate",
    ]
    for path in posts:
        response = await client.post(path, json={}, headers={"X-CSRF-Token": token})
        assert response.status_code == 404, path


async def test_viewers_read_but_cannot_review(
    client: AsyncClient, reconciled: Reconciled, session: AsyncSession
) -> None:
    token = await sign_in(client, reconciled.viewer)
    base = f"/projects/{reconciled.project.id}/jobs/{reconciled.job.id}"
    page = await client.get(f"{base}/results")
    assert page.status_code == 200
    assert "Confirm match" not in page.text
    match_id = await session.scalar(select(Match.id).where(Match.job_id == reconciled.job.id))
    response = await client.post(
        f"{base}/matches/{match_id}/confirm", headers={"X-CSRF-Token": token, "HX-Request": "true"}
    )
    assert response.status_code == 403
    assert 'class="alert' in response.text


async def test_results_review_confirm_reject_and_manual_match(
    client: AsyncClient, reconciled: Reconciled, session: AsyncSession
) -> None:
    token = await sign_in(client, reconciled.editor)
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    base = f"/projects/{reconciled.project.id}/jobs/{reconciled.job.id}"
    matched = await client.get(f"{base}/results")
    assert "reference equal" in matched.text  # each match says why
    review = await client.get(f"{base}/results?tab=review")
    suggestions = list(
        await session.scalars(
            select(Match.id)
            .where(Match.job_id == reconciled.job.id, Match.tab == MatchTab.REVIEW)
            .order_by(Match.id)
        )
    )
    assert suggestions and f'id="match-{suggestions[0]}"' in review.text
    confirmed = await client.post(f"{base}/matches/{suggestions[0]}/confirm", headers=headers)
    assert confirmed.status_code == 200
    assert 'data-status="confirmed"' in confirmed.text
    rejected = await client.post(f"{base}/matches/{suggestions[0]}/reject", headers=headers)
    assert 'data-status="rejected"' in rejected.text
    unmatched = await client.get(f"{base}/results?tab=unmatched_right&q=INV-9")
    assert f'data-record="{reconciled.right["inv9"]}"' in unmatched.text
    candidates = await client.get(f"{base}/records/{reconciled.right['inv9']}/candidates")
    assert candidates.status_code == 200
    created = await client.post(
        f"{base}/manual-matches",
        json={
            "left_record_ids": [reconciled.left["dup_a"]],
            "right_record_ids": [reconciled.right["inv9"]],
        },
        headers=headers,
    )
    assert created.status_code == 200, created.text
    assert "matched manually" in created.json()["explanation"]
    twice = await client.post(
        f"{base}/manual-matches",
        json={
            "left_record_ids": [reconciled.left["dup_a"]],
            "right_record_ids": [reconciled.right["inv9"]],
        },
        headers=headers,
    )
    assert twice.status_code == 409
    audit = await client.get(f"{base}/audit")
    assert "manual match: created" in audit.text
    assert reconciled.editor.email in audit.text


async def test_results_filters_sort_and_bad_amounts(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    await sign_in(client, reconciled.owner)
    base = f"/projects/{reconciled.project.id}/jobs/{reconciled.job.id}/results"
    filtered = await client.get(f"{base}?tab=matched&rule=reference&min=50&max=200&sort=-amount")
    assert filtered.status_code == 200
    bad = await client.get(f"{base}?min=lots")
    assert bad.status_code == 200
    assert "is not an amount" in bad.text


async def test_export_csv_and_xlsx(client: AsyncClient, reconciled: Reconciled) -> None:
    await sign_in(client, reconciled.viewer)
    base = f"/projects/{reconciled.project.id}/jobs/{reconciled.job.id}"
    csv = await client.get(f"{base}/export.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in csv.text  # formula-injection-safe
    xlsx = await client.get(f"{base}/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


async def test_rules_are_validated_like_the_api_and_jobs_start(
    client: AsyncClient, reconciled: Reconciled, session: AsyncSession
) -> None:
    token = await sign_in(client, reconciled.editor)
    headers = {"X-CSRF-Token": token}
    base = f"/projects/{reconciled.project.id}"
    bad = {"rules": [{"name": "r", "conditions": [{"type": "amount", "abs_tolerance": "-1"}]}]}
    result = (
        await client.post(f"{base}/rules/validate", json={"rules": bad}, headers=headers)
    ).json()
    assert result["valid"] is False
    assert result["errors"][0]["loc"][:4] == ["rules", 0, "conditions", 0]
    assert "must not be negative" in result["errors"][0]["msg"]
    page = await client.get(f"{base}/jobs/new")
    assert 'id="rules-data"' in page.text
    job = reconciled.job
    started = await client.post(
        f"{base}/jobs",
        json={"left_source_id": job.left_source_id, "right_source_id": job.right_source_id},
        headers=headers,
    )
    assert started.status_code == 200, started.text
    new_id = started.json()["id"]
    assert (await session.get(ReconciliationJob, new_id)) is not None
    refused = await client.post(
        f"{base}/jobs",
        json={
            "left_source_id": job.left_source_id,
            "right_source_id": job.right_source_id,
            "rules": bad,
        },
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][:2] == ["rules", 0]


async def test_job_progress_stream_sends_the_final_state(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    await sign_in(client, reconciled.viewer)
    url = f"/projects/{reconciled.project.id}/jobs/{reconciled.job.id}/events"
    response = await client.get(url)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "event: done" in response.text
    assert "Completed" in response.text


async def test_running_job_stream_sends_progress_then_done(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    owner = await create_user(session)
    job = await create_job_in_new_project(
        session, owner=owner, status=JobStatus.RUNNING, progress=0.4
    )
    await sign_in(client, owner)

    import asyncio

    async def finish_soon() -> None:
        await asyncio.sleep(0.8)
        await set_job_state(db, job.id, JobStatus.COMPLETED, 1.0)

    finisher = asyncio.create_task(finish_soon())
    response = await client.get(f"/projects/{job.project_id}/jobs/{job.id}/events")
    await finisher
    body = response.text
    assert body.index("event: state") < body.index("event: done")
    assert "40%" in body


async def test_unexpected_errors_are_a_plain_page(
    db: Database, test_settings: Settings, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await create_user(session)
    app = create_app(test_settings, database=db)
    # The server re-raises after answering (so the traceback is logged); the client must not.
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://tally.test") as client,
    ):
        await sign_in(client, user)

        async def broken(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("secret internals")

        monkeypatch.setattr(ProjectService, "list_projects", broken)
        response = await client.get("/projects")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert response.headers["x-frame-options"] == "DENY"


async def test_a_failing_page_rolls_its_transaction_back(
    client: AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await create_user(session)
    token = await sign_in(client, user)
    create = ProjectService.create_project

    async def half_done(self: ProjectService, *args: Any, **kwargs: Any) -> None:
        await create(self, *args, **kwargs)  # flushed...
        raise Conflict("changed its mind")  # ...then refused

    monkeypatch.setattr(ProjectService, "create_project", half_done)
    response = await client.post("/projects", data={"name": "Half", "csrf_token": token})
    assert response.status_code == 409
    assert "changed its mind" in response.text
    assert await session.scalar(select(func.count()).select_from(Project)) == 0


async def test_cancel_and_retry_a_job(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    job = await create_job_in_new_project(session, owner=owner, status=JobStatus.QUEUED)
    token = await sign_in(client, owner)
    base = f"/projects/{job.project_id}/jobs/{job.id}"
    page = await client.get(base)
    assert 'id="cancel-job"' in page.text and "sse-connect" in page.text
    cancelled = await client.post(
        f"{base}/cancel", headers={"X-CSRF-Token": token, "HX-Request": "true"}
    )
    assert cancelled.status_code == 200
    assert "Cancelled." in cancelled.text and "Run it again" in cancelled.text
    again = await client.post(
        f"{base}/cancel", headers={"X-CSRF-Token": token, "HX-Request": "true"}
    )
    assert again.status_code == 409 and 'class="alert' in again.text
    retried = await client.post(f"{base}/retry", data={"csrf_token": token})
    assert retried.status_code == 303
    await session.refresh(job)
    assert job.status in (
        JobStatus.QUEUED,
        JobStatus.RUNNING,
        JobStatus.COMPLETED,
        JobStatus.FAILED,
    )
