"""An Idempotency-Key makes a retried write return its first answer instead of writing twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.idempotency.tasks import forget_expired_keys
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.kit.db import Database
from tally.models import (
    DataSource,
    ExceptionComment,
    IdempotencyKey,
    Project,
    ProjectInvitation,
    ReconciliationJob,
    RuleSetVersion,
    WriteOff,
)
from tally.models.base import utcnow
from tests.helpers.exceptions import by_reference, worked
from tests.helpers.projects import create_project
from tests.helpers.results import reconciled_job
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser, create_user

_CSV = b"Date,Amount,Reference\n2026-01-02,10.00,A\n2026-01-03,11.00,B\n"


async def _count(session: AsyncSession, model: type, **where: int) -> int:
    statement = select(func.count()).select_from(model).filter_by(**where)
    count = int(await session.scalar(statement) or 0)
    await session.commit()
    return count


async def test_a_retried_project_creation_returns_the_first_answer(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    headers = {**owner.headers, "Idempotency-Key": "create-1"}
    first = await client.post("/api/v1/projects", json={"name": "Books"}, headers=headers)
    again = await client.post("/api/v1/projects", json={"name": "Books"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await _count(session, Project, owner_id=owner.id) == 1

    other = await client.post("/api/v1/projects", json={"name": "Other"}, headers=headers)
    assert other.status_code == 422 and other.json()["error"] == "IdempotencyKeyReused"
    fresh = await client.post(
        "/api/v1/projects", json={"name": "Books"}, headers={**headers, "Idempotency-Key": "c-2"}
    )
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    unkeyed = await client.post("/api/v1/projects", json={"name": "Books"}, headers=owner.headers)
    assert unkeyed.status_code == 201
    assert await _count(session, Project, owner_id=owner.id) == 3


async def test_keys_belong_to_their_caller(client: AsyncClient, session: AsyncSession) -> None:
    alice = await create_user(session)
    bob = await create_user(session)
    body = {"name": "Same"}
    made_by_alice = await client.post(
        "/api/v1/projects", json=body, headers={**alice.headers, "Idempotency-Key": "k"}
    )
    made_by_bob = await client.post(
        "/api/v1/projects", json=body, headers={**bob.headers, "Idempotency-Key": "k"}
    )
    assert made_by_alice.status_code == made_by_bob.status_code == 201
    assert made_by_bob.json()["id"] != made_by_alice.json()["id"]
    assert "Idempotent-Replayed" not in made_by_bob.headers


async def test_a_retried_upload_and_job_make_one_source_and_one_job(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}/data-sources"
    keyed = {**owner.headers, "Idempotency-Key": "upload-1"}
    # httpx draws a new multipart boundary per request: the same file is still the same body.
    first = await client.post(url, files={"file": ("bank.csv", _CSV)}, headers=keyed)
    again = await client.post(url, files={"file": ("bank.csv", _CSV)}, headers=keyed)
    assert first.status_code == again.status_code == 202, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert await _count(session, DataSource, project_id=project.id) == 1
    changed = await client.post(url, files={"file": ("bank.csv", _CSV + b"x,1,C\n")}, headers=keyed)
    assert changed.status_code == 422

    left = await create_data_source(session, project=project, name="a")
    right = await create_data_source(session, project=project, name="b")
    jobs = f"/api/v1/projects/{project.id}/jobs"
    body = {"left_source_id": left.id, "right_source_id": right.id}
    job_key = {**owner.headers, "Idempotency-Key": "job-1"}
    made = [await client.post(jobs, json=body, headers=job_key) for _ in range(3)]
    assert {r.status_code for r in made} == {202}
    assert {r.json()["id"] for r in made} == {made[0].json()["id"]}
    assert await _count(session, ReconciliationJob, project_id=project.id) == 1


async def test_a_retried_confirm_is_answered_not_refused(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    world = await reconciled_job(session, db)
    review = await client.get(world.url("/matches?tab=review"), headers=world.owner.headers)
    match_id = next(m["id"] for m in review.json()["items"] if m["status"] == "suggested")
    headers = {**world.editor.headers, "Idempotency-Key": "confirm-1"}
    url = world.url(f"/matches/{match_id}/confirm")
    first = await client.post(url, json={"note": "ok"}, headers=headers)
    again = await client.post(url, json={"note": "ok"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    # Without the key the same confirm is a conflict: it was done already.
    plain = await client.post(url, json={"note": "ok"}, headers=world.editor.headers)
    assert plain.status_code == 409
    audit = await client.get(world.url("/audit"), headers=world.owner.headers)
    assert [e["action"] for e in audit.json()["items"]] == ["match.confirmed"]


async def test_a_failed_attempt_frees_its_key(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    jobs = f"/api/v1/projects/{project.id}/jobs"
    headers = {**owner.headers, "Idempotency-Key": "job-x"}
    body = {"left_source_id": 999_999, "right_source_id": 999_998}
    refused = await client.post(jobs, json=body, headers=headers)
    assert refused.status_code == 422
    left = await create_data_source(session, project=project, name="a")
    right = await create_data_source(session, project=project, name="b")
    body = {"left_source_id": left.id, "right_source_id": right.id}
    assert (await client.post(jobs, json=body, headers=headers)).status_code == 202


async def test_keys_are_checked_after_authorization_and_expire_after_a_day(
    client: AsyncClient, session: AsyncSession, db: Database, test_settings: Settings
) -> None:
    owner = await create_user(session)
    outsider = await create_user(session)
    project = await create_project(session, owner=owner)
    jobs = f"/api/v1/projects/{project.id}/jobs"
    denied = await client.post(
        jobs, json={}, headers={**outsider.headers, "Idempotency-Key": "probe"}
    )
    assert denied.status_code == 404
    assert await _count(session, IdempotencyKey) == 0

    headers = {**owner.headers, "Idempotency-Key": "daily"}
    first = await client.post("/api/v1/projects", json={"name": "Day 1"}, headers=headers)
    await session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    await session.commit()
    # A day later the key is free again: the same request runs anew.
    later = await client.post("/api/v1/projects", json={"name": "Day 1"}, headers=headers)
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]
    await session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    await session.commit()
    async with db.sessionmaker() as cleanup:
        assert await forget_expired_keys(cleanup, test_settings) == 1
        await cleanup.commit()
    assert await _count(session, IdempotencyKey) == 0


# POSTs that create or decide yet take no key, and why. Every other POST of the API takes one.
_UNKEYED_POSTS = {
    # Sessions and credentials: a retried login is another session; a key's or a password's
    # secret must not be stored in plain text in the replay table for a day.
    "auth_login",
    "auth_logout",
    "auth_logout_everywhere",
    "api_keys_create",
    "api_keys_rotate",
    "users_create",
    "users_change_own_password",
    "users_reset_password",
    "invitations_accept",
    # Reads sent as POST (a file to examine), and state changes that a retry repeats harmlessly
    # (cancel, archive, activate, accept or dismiss a suggestion, cancel an inference: the
    # second attempt finds the state reached and answers so).
    "sources_preflight",
    "sources_preflight_append",
    "jobs_cancel",
    "jobs_archive",
    "rule_sets_activate_version",
    "suggestions_accept",
    "suggestions_dismiss",
    "rule_sets_infer",
    "rule_sets_cancel_inference",
}


async def test_every_post_that_creates_or_decides_takes_a_key(
    db: Database, test_settings: Settings
) -> None:
    schema = create_app(test_settings, database=db).openapi()
    unkeyed = set()
    for operations in schema["paths"].values():
        post = operations.get("post")
        if post is None:
            continue
        names = {parameter["name"] for parameter in post.get("parameters", [])}
        if "Idempotency-Key" not in names:
            unkeyed.add(post["operationId"])
    assert unkeyed == _UNKEYED_POSTS


async def test_retried_newer_writes_write_once(client: AsyncClient, session: AsyncSession) -> None:
    """An invitation, a rule draft, a comment on an exception, a write-off and a bulk decision:
    each retried with its key answers the first answer and writes once."""
    w = await worked(client, session)
    owner, editor = w.world.owner, w.world.editor

    async def twice(path: str, body: dict[str, Any], user: AuthedUser, key: str) -> Any:
        headers = {**user.headers, "Idempotency-Key": key}
        first = await client.post(w.url(path), json=body, headers=headers)
        again = await client.post(w.url(path), json=body, headers=headers)
        assert first.status_code < 300, first.text
        assert (again.status_code, again.json()) == (first.status_code, first.json())
        assert again.headers["Idempotent-Replayed"] == "true"
        return first.json()

    await twice("/members", {"email": "new@example.test", "role": "viewer"}, owner, "invite")
    assert await _count(session, ProjectInvitation, project_id=w.world.project.id) == 1

    rules = DEFAULT_RULE_SET.model_dump(mode="json")
    await twice("/rule-set/versions", {"rules": rules, "note": "once"}, editor, "draft")
    assert await _count(session, RuleSetVersion, project_id=w.world.project.id) == 1

    exceptions = await by_reference(client, w)
    first, second = list(exceptions.values())[:2]
    comment = {"body": "Asked the bank"}
    await twice(f"/exceptions/{first['id']}/comments", comment, editor, "comment")
    assert await _count(session, ExceptionComment, exception_id=first["id"]) == 1

    write_off = {
        "resolution": "written_off",
        "write_off": {"reason": "Monthly account fee", "account": "6810 Bank charges"},
    }
    await twice(f"/exceptions/{second['id']}/resolve", write_off, editor, "write-off")
    assert await _count(session, WriteOff, exception_id=second["id"]) == 1

    job_id = w.job["id"]
    review = await client.get(
        w.url(f"/jobs/{job_id}/matches?tab=review&limit=200"), headers=editor.headers
    )
    ids = [m["id"] for m in review.json()["items"]][:2]
    if ids:
        bulk = {"action": "confirm", "match_ids": ids}
        outcome = await twice(f"/jobs/{job_id}/matches/bulk", bulk, editor, "bulk")
        assert outcome
