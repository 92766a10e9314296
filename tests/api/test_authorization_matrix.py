"""Every route in the OpenAPI spec, called as an anonymous user, a non-member, a viewer and a member.

The table below must name every operation the app exposes: a new route fails
`test_every_operation_is_in_the_matrix` until someone decides who may call it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.security import token_digest
from tally.kit.tasks.embedded import EmbeddedQueue
from tally.models import (
    ApiToken,
    DataSourceAppend,
    DataSourceStatus,
    ImportProfile,
    Inbox,
    JobStatus,
    ProjectInvitation,
    UserRole,
    Webhook,
)
from tally.reconciliations.service import ReconciliationService
from tally.sources.storage import append_skipped_path, skipped_path
from tests.helpers.exceptions import seed_exception_and_signoff
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.results import seed_results
from tests.helpers.rule_sets import seed_rule_set
from tests.helpers.sources import create_data_source
from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser, create_user


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    member_status: int  # what the rightful caller gets
    body: dict[str, Any] | None = None
    public: bool = False
    project_scoped: bool = False
    admin_only: bool = False
    owner_only: bool = False  # a project-scoped read only its owners may make
    # Path parameters to fill from another world value (e.g. a job in the right state).
    ids: dict[str, str] = field(default_factory=dict)
    # A file to send as multipart `file` (uploads and preflight) instead of a JSON body.
    upload: bytes | None = None


_CSV = b"Date,Amount,Reference\n2026-01-02,10.00,A\n2026-01-03,11.00,B\n"
_SOURCES = "/api/v1/projects/{project_id}/data-sources"


_JOB = "/api/v1/projects/{project_id}/jobs/{job_id}"
_RULE_SET = "/api/v1/projects/{project_id}/rule-set"
_RECONCILIATIONS = "/api/v1/projects/{project_id}/reconciliations"
_EXCEPTIONS = "/api/v1/projects/{project_id}/exceptions"
_SOURCE_OPERATIONS = [
    Operation("POST", f"{_SOURCES}/preflight", 200, project_scoped=True, upload=_CSV),
    Operation("POST", _SOURCES, 202, project_scoped=True, upload=_CSV),
    Operation(
        "DELETE",
        f"{_SOURCES}/{{source_id}}",
        204,
        project_scoped=True,
        ids={"source_id": "spare_source_id"},
    ),
    Operation(
        "GET",
        f"{_SOURCES}/{{source_id}}/skipped",
        200,
        project_scoped=True,
        ids={"source_id": "spare_source_id"},
    ),
    Operation(
        "POST", f"{_SOURCES}/{{source_id}}/append/preflight", 200, project_scoped=True, upload=_CSV
    ),
    Operation(
        "POST",
        f"{_SOURCES}/{{source_id}}/append",
        202,
        project_scoped=True,
        upload=_CSV,
        ids={"source_id": "spare_source_id"},
    ),
    Operation("GET", f"{_SOURCES}/{{source_id}}/appends", 200, project_scoped=True),
    Operation("GET", f"{_SOURCES}/{{source_id}}/appends/{{append_id}}", 200, project_scoped=True),
    Operation(
        "GET", f"{_SOURCES}/{{source_id}}/appends/{{append_id}}/skipped", 200, project_scoped=True
    ),
]
_PROFILES = "/api/v1/projects/{project_id}/import-profiles"
_PROFILE_OPERATIONS = [
    Operation("GET", _PROFILES, 200, project_scoped=True),
    Operation(
        "POST",
        _PROFILES,
        201,
        body={"name": "Bank B", "options": {}, "header": ["Date", "Amount"]},
        project_scoped=True,
    ),
    Operation("GET", f"{_PROFILES}/{{profile_id}}", 200, project_scoped=True),
    Operation(
        "PATCH", f"{_PROFILES}/{{profile_id}}", 200, body={"name": "Renamed"}, project_scoped=True
    ),
    Operation("DELETE", f"{_PROFILES}/{{profile_id}}", 204, project_scoped=True),
]

_INBOXES = "/api/v1/projects/{project_id}/inboxes"
_INBOX_OPERATIONS = [
    Operation("GET", _INBOXES, 200, project_scoped=True),
    Operation(
        "POST",
        _INBOXES,
        201,
        body={"name": "drop", "url": "memory://drop", "data_source_id": "{source_id}"},
        project_scoped=True,
    ),
    Operation("GET", f"{_INBOXES}/{{inbox_id}}", 200, project_scoped=True),
    Operation(
        "PATCH", f"{_INBOXES}/{{inbox_id}}", 200, body={"enabled": False}, project_scoped=True
    ),
    Operation("DELETE", f"{_INBOXES}/{{inbox_id}}", 204, project_scoped=True),
    Operation("GET", f"{_INBOXES}/{{inbox_id}}/files", 200, project_scoped=True),
]

_WEBHOOKS = "/api/v1/projects/{project_id}/webhooks"
_WEBHOOK_OPERATIONS = [
    Operation("GET", _WEBHOOKS, 200, project_scoped=True),
    Operation(
        "POST",
        _WEBHOOKS,
        201,
        body={"url": "https://93.184.215.14/hook", "events": ["job.completed"]},
        project_scoped=True,
    ),
    Operation("GET", f"{_WEBHOOKS}/{{webhook_id}}", 200, project_scoped=True),
    Operation(
        "PATCH",
        f"{_WEBHOOKS}/{{webhook_id}}",
        200,
        body={"exceptions_threshold": 5},
        project_scoped=True,
    ),
    Operation("DELETE", f"{_WEBHOOKS}/{{webhook_id}}", 204, project_scoped=True),
    Operation("POST", f"{_WEBHOOKS}/{{webhook_id}}/rotate-secret", 200, project_scoped=True),
    Operation("POST", f"{_WEBHOOKS}/{{webhook_id}}/test", 202, project_scoped=True),
    Operation("GET", f"{_WEBHOOKS}/{{webhook_id}}/deliveries", 200, project_scoped=True),
]

MATRIX = [
    *_SOURCE_OPERATIONS,
    *_WEBHOOK_OPERATIONS,
    *_PROFILE_OPERATIONS,
    *_INBOX_OPERATIONS,
    Operation("GET", "/healthz", 200, public=True),
    Operation("GET", "/readyz", 200, public=True),
    Operation("GET", "/metrics", 200, admin_only=True),  # or METRICS_TOKEN (tests/hardening)
    Operation("GET", "/admin/cache/stats", 200, admin_only=True),
    Operation("GET", "/admin/db/pool", 200, admin_only=True),
    Operation("GET", "/admin/audit/verify", 200, admin_only=True),
    Operation(
        "POST",
        "/api/v1/auth/login",
        200,
        body={"email": "{email}", "password": DEFAULT_PASSWORD},
        public=True,
    ),
    Operation("POST", "/api/v1/auth/logout", 204),
    Operation("POST", "/api/v1/auth/logout-everywhere", 204),
    Operation(
        "POST",
        "/api/v1/users/me/password",
        204,
        body={"current_password": DEFAULT_PASSWORD, "new_password": "another secret"},
    ),
    Operation(
        "POST",
        "/api/v1/users/{user_id}/password",
        204,
        body={"new_password": "another secret"},
        admin_only=True,
    ),
    Operation("GET", "/api/v1/users/me", 200),
    Operation("GET", "/api/v1/users", 200, admin_only=True),
    Operation(
        "POST",
        "/api/v1/users",
        201,
        body={"email": "new@example.test", "password": "long enough"},
        admin_only=True,
    ),
    Operation("GET", "/api/v1/users/{user_id}", 200, admin_only=True),
    Operation("PATCH", "/api/v1/users/{user_id}", 200, body={"role": "member"}, admin_only=True),
    Operation("GET", "/api/v1/projects", 200),
    Operation("POST", "/api/v1/projects", 201, body={"name": "New"}),
    Operation("GET", "/api/v1/projects/{project_id}", 200, project_scoped=True),
    Operation(
        "PATCH", "/api/v1/projects/{project_id}", 200, body={"name": "Renamed"}, project_scoped=True
    ),
    Operation("DELETE", "/api/v1/projects/{project_id}", 204, project_scoped=True),
    Operation("GET", "/api/v1/projects/{project_id}/stats", 200, project_scoped=True),
    Operation("GET", "/api/v1/projects/{project_id}/members", 200, project_scoped=True),
    Operation(
        "POST",
        "/api/v1/projects/{project_id}/members",
        201,
        body={"email": "{other_email}", "role": "viewer"},
        project_scoped=True,
    ),
    Operation(
        "GET",
        "/api/v1/projects/{project_id}/invitations",
        200,
        project_scoped=True,
        owner_only=True,
    ),
    Operation(
        "DELETE",
        "/api/v1/projects/{project_id}/invitations/{invitation_id}",
        204,
        project_scoped=True,
    ),
    Operation(
        "POST",
        "/api/v1/invitations/accept",
        200,
        body={"token": "{invitation_token}", "password": "a new secret"},
        public=True,
    ),
    Operation(
        "DELETE", "/api/v1/projects/{project_id}/members/{user_id}", 204, project_scoped=True
    ),
    Operation("GET", "/api/v1/projects/{project_id}/data-sources", 200, project_scoped=True),
    Operation(
        "PUT",
        "/api/v1/projects/{project_id}/default-rules",
        200,
        body={"rules": [{"name": "ref", "conditions": [{"type": "equals", "field": "reference"}]}]},
        project_scoped=True,
    ),
    Operation(
        "GET", "/api/v1/projects/{project_id}/data-sources/{source_id}", 200, project_scoped=True
    ),
    Operation("GET", "/api/v1/projects/{project_id}/jobs", 200, project_scoped=True),
    Operation("GET", "/api/v1/projects/{project_id}/jobs/{job_id}", 200, project_scoped=True),
    Operation(
        "POST",
        "/api/v1/projects/{project_id}/jobs",
        202,
        body={"left_source_id": "{source_id}", "right_source_id": "{other_source_id}"},
        project_scoped=True,
    ),
    Operation(
        "POST",
        "/api/v1/projects/{project_id}/jobs/{job_id}/cancel",
        200,
        project_scoped=True,
        ids={"job_id": "queued_job_id"},
    ),
    Operation(
        "POST", "/api/v1/projects/{project_id}/jobs/{job_id}/archive", 200, project_scoped=True
    ),
    Operation(
        "POST",
        "/api/v1/projects/{project_id}/jobs/{job_id}/retry",
        202,
        project_scoped=True,
        ids={"job_id": "failed_job_id"},
    ),
    # Results and review of a completed job (tests.helpers.results.seed_results).
    Operation("GET", f"{_JOB}/matches", 200, project_scoped=True),
    Operation("GET", f"{_JOB}/matches/{{match_id}}", 200, project_scoped=True),
    Operation("POST", f"{_JOB}/matches/{{match_id}}/confirm", 200, project_scoped=True),
    Operation(
        "POST", f"{_JOB}/matches/{{match_id}}/reject", 200, body={"note": "no"}, project_scoped=True
    ),
    Operation(
        "POST",
        f"{_JOB}/matches",
        201,
        body={"left_record_ids": ["{left_b}"], "right_record_ids": ["{right_b}"]},
        project_scoped=True,
    ),
    Operation(
        "POST",
        f"{_JOB}/matches/bulk",
        200,
        body={"action": "reject", "match_ids": ["{match_id}"]},
        project_scoped=True,
    ),
    Operation("GET", f"{_JOB}/records", 200, project_scoped=True),
    Operation(
        "GET",
        f"{_JOB}/records/{{record_id}}/candidates",
        200,
        project_scoped=True,
        ids={"record_id": "left_b"},
    ),
    Operation("GET", f"{_JOB}/audit", 200, project_scoped=True),
    Operation("GET", f"{_JOB}/quality", 200, project_scoped=True),
    Operation("GET", f"{_JOB}/export", 200, project_scoped=True),
    # API keys: the caller's own ("key_id" is the owner's; another user's answers 404).
    Operation("POST", "/api/v1/api-keys", 201, body={"name": "ci", "role": "viewer"}),
    Operation("GET", "/api/v1/api-keys", 200),
    Operation("POST", "/api/v1/api-keys/{key_id}/rotate", 201, project_scoped=True),
    Operation("DELETE", "/api/v1/api-keys/{key_id}", 204, project_scoped=True),
    # Reconciliations of a pair of sources; the record to unsettle is not settled (409 past auth).
    Operation("GET", _RECONCILIATIONS, 200, project_scoped=True),
    Operation("GET", f"{_RECONCILIATIONS}/{{reconciliation_id}}", 200, project_scoped=True),
    Operation(
        "GET", f"{_RECONCILIATIONS}/{{reconciliation_id}}/open-items", 200, project_scoped=True
    ),
    Operation(
        "POST",
        f"{_RECONCILIATIONS}/{{reconciliation_id}}/records/{{record_id}}/unsettle",
        409,
        body={"reason": "check"},
        project_scoped=True,
        ids={"record_id": "left_b"},
    ),
    # Exceptions: "exception_id" is an open one; reopening it is refused (409 past auth).
    Operation("GET", _EXCEPTIONS, 200, project_scoped=True),
    Operation("GET", f"{_EXCEPTIONS}/ageing", 200, project_scoped=True),
    Operation(
        "POST",
        f"{_EXCEPTIONS}/bulk",
        200,
        body={"action": "comment", "exception_ids": ["{exception_id}"], "body": "seen"},
        project_scoped=True,
    ),
    Operation("GET", f"{_EXCEPTIONS}/{{exception_id}}", 200, project_scoped=True),
    Operation(
        "PATCH",
        f"{_EXCEPTIONS}/{{exception_id}}",
        200,
        body={"status": "investigating"},
        project_scoped=True,
    ),
    Operation(
        "POST",
        f"{_EXCEPTIONS}/{{exception_id}}/comments",
        201,
        body={"body": "seen"},
        project_scoped=True,
    ),
    Operation(
        "POST",
        f"{_EXCEPTIONS}/{{exception_id}}/resolve",
        200,
        body={"resolution": "explained", "expected_clear_date": "2026-02-01"},
        project_scoped=True,
    ),
    Operation(
        "POST",
        f"{_EXCEPTIONS}/{{exception_id}}/reopen",
        409,
        body={"reason": "check"},
        project_scoped=True,
    ),
    Operation("GET", "/api/v1/projects/{project_id}/exception-reasons", 200, project_scoped=True),
    Operation(
        "PUT",
        "/api/v1/projects/{project_id}/exception-reasons",
        200,
        body={"reasons": [{"code": "fx", "label": "FX difference"}]},
        project_scoped=True,
    ),
    # The statement and sign-offs: "signoff_id" stands; a new one finds no statement balance
    # (409 past auth).
    Operation(
        "GET", f"{_RECONCILIATIONS}/{{reconciliation_id}}/statement", 200, project_scoped=True
    ),
    Operation(
        "GET", f"{_RECONCILIATIONS}/{{reconciliation_id}}/statement.xlsx", 200, project_scoped=True
    ),
    Operation(
        "GET", f"{_RECONCILIATIONS}/{{reconciliation_id}}/sign-offs", 200, project_scoped=True
    ),
    Operation(
        "POST",
        f"{_RECONCILIATIONS}/{{reconciliation_id}}/sign-offs",
        409,
        body={"as_of_date": "2026-01-31"},
        project_scoped=True,
    ),
    Operation(
        "GET",
        f"{_RECONCILIATIONS}/{{reconciliation_id}}/sign-offs/{{signoff_id}}",
        200,
        project_scoped=True,
    ),
    Operation(
        "POST",
        f"{_RECONCILIATIONS}/{{reconciliation_id}}/sign-offs/{{signoff_id}}/reopen",
        200,
        body={"reason": "check"},
        project_scoped=True,
    ),
    # Rule-set versions: "number" is a draft, "backtest_id" a finished backtest of it,
    # "suggestion_id" an open rule suggestion.
    Operation("GET", f"{_RULE_SET}/versions", 200, project_scoped=True),
    Operation("POST", f"{_RULE_SET}/versions", 201, body={}, project_scoped=True),
    Operation("GET", f"{_RULE_SET}/versions/{{number}}", 200, project_scoped=True),
    Operation(
        "PUT",
        f"{_RULE_SET}/versions/{{number}}",
        200,
        body={
            "rules": {
                "rules": [{"name": "ref", "conditions": [{"type": "equals", "field": "reference"}]}]
            }
        },
        project_scoped=True,
    ),
    Operation("DELETE", f"{_RULE_SET}/versions/{{number}}", 204, project_scoped=True),
    Operation("POST", f"{_RULE_SET}/versions/{{number}}/activate", 200, project_scoped=True),
    Operation(
        "POST",
        f"{_RULE_SET}/versions/{{number}}/backtests",
        202,
        body={"job_id": "{job_id}"},
        project_scoped=True,
    ),
    Operation("GET", f"{_RULE_SET}/versions/{{number}}/backtests", 200, project_scoped=True),
    Operation("GET", f"{_RULE_SET}/backtests/{{backtest_id}}", 200, project_scoped=True),
    Operation("GET", f"{_RULE_SET}/suggestions", 200, project_scoped=True),
    Operation(
        "POST", f"{_RULE_SET}/suggestions", 201, body={"job_ids": ["{job_id}"]}, project_scoped=True
    ),
    Operation(
        "POST", f"{_RULE_SET}/suggestions/{{suggestion_id}}/accept", 200, project_scoped=True
    ),
    Operation(
        "POST", f"{_RULE_SET}/suggestions/{{suggestion_id}}/dismiss", 200, project_scoped=True
    ),
    Operation(
        "POST",
        f"{_RULE_SET}/infer",
        201,
        body={"left_source_id": "{source_id}", "right_source_id": "{other_source_id}"},
        project_scoped=True,
    ),
    # "inference_id": a queued rule inference.
    Operation("GET", f"{_RULE_SET}/inferences/{{inference_id}}", 200, project_scoped=True),
    Operation("POST", f"{_RULE_SET}/inferences/{{inference_id}}/cancel", 200, project_scoped=True),
]


def _spec_operations() -> set[tuple[str, str]]:
    spec = create_app(Settings(TALLY_ENV="test")).openapi()
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


_DOCUMENTED_STATUSES = {
    (method.upper(), path): set(operation["responses"])
    for path, item in create_app(Settings(TALLY_ENV="test")).openapi()["paths"].items()
    for method, operation in item.items()
}


def test_every_operation_is_in_the_matrix() -> None:
    assert _spec_operations() == {(op.method, op.path) for op in MATRIX}


@dataclass
class World:
    owner: AuthedUser
    outsider: AuthedUser
    admin: AuthedUser
    viewer: AuthedUser
    values: dict[str, Any]


@pytest.fixture
async def world(session: AsyncSession, test_settings: Settings, db: Database) -> World:
    owner = await create_user(session)
    outsider = await create_user(session)
    viewer = await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=owner, members={viewer: "viewer"})  # type: ignore[dict-item]
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    job = await create_job(session, project=project, left=left, right=right)
    spare = await create_data_source(session, project=project, name="spare")
    spare.skipped_count = 1
    await session.commit()
    skipped = skipped_path(test_settings, spare.id)
    skipped.parent.mkdir(parents=True, exist_ok=True)
    skipped.write_text("row,reasons\n2,bad amount\n")
    queued = await create_job(
        session, project=project, left=left, right=right, status=JobStatus.QUEUED
    )
    failed = await create_job(
        session, project=project, left=left, right=right, status=JobStatus.FAILED
    )
    results = await seed_results(session, job=job, left_source_id=left.id, right_source_id=right.id)
    appended = DataSourceAppend(
        data_source_id=left.id,
        status=DataSourceStatus.READY,
        rows_added=1,
        skipped_count=1,
        file_name="more.csv",
    )
    profile = ImportProfile(
        project_id=project.id, name="Bank A", options={}, header=["Date", "Amount"]
    )
    inbox = Inbox(project_id=project.id, name="drop", url="memory://drop", data_source_id=left.id)
    invitation_token = f"tlyi_{secrets.token_urlsafe(16)}"
    invitation = ProjectInvitation(
        project_id=project.id,
        email=f"invited-{secrets.token_hex(4)}@example.test",
        role="viewer",
        token_hash=token_digest(invitation_token),
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    webhook = Webhook(
        project_id=project.id,
        # Not a public address: its test delivery is refused before any request leaves.
        url="https://192.0.2.1/hook",
        events=["job.completed"],
        secret="whsec_matrix",
        created_at=datetime.now(UTC),
    )
    session.add_all([appended, profile, inbox, invitation, webhook])
    await session.commit()
    append_skipped_path(test_settings, appended.id).write_text("row,reasons\n3,bad date\n")
    rule_set = await seed_rule_set(session, project=project, job=job)
    key = ApiToken(
        token_hash="0" * 64, user_id=owner.id, name="ci", kind="key", role="viewer", prefix="tly_"
    )
    session.add(key)
    reconciliation = await ReconciliationService(session).for_sources(project.id, left.id, right.id)
    # The world's webhook hears of jobs only: the sign-off enqueues no delivery.
    queue = EmbeddedQueue(settings=test_settings, database=db)
    exceptions = await seed_exception_and_signoff(
        session, reconciliation, record_id=results["left_b"], queue=queue
    )
    await session.commit()
    values = {
        "project_id": project.id,
        "source_id": left.id,
        "job_id": job.id,
        "queued_job_id": queued.id,
        "failed_job_id": failed.id,
        "other_source_id": right.id,
        "spare_source_id": spare.id,
        "append_id": appended.id,
        "key_id": key.id,
        "profile_id": profile.id,
        "inbox_id": inbox.id,
        "invitation_id": invitation.id,
        "invitation_token": invitation_token,
        "webhook_id": webhook.id,
        "user_id": viewer.id,
        "email": owner.email,
        "other_email": outsider.email,
        "reconciliation_id": reconciliation.id,
        **results,
        **rule_set,
        **exceptions,
    }
    return World(owner, outsider, admin, viewer, values)


def _fill(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, values) for value in template]
    return template


async def _call(client: AsyncClient, op: Operation, world: World, user: AuthedUser | None) -> int:
    headers = user.headers if user else {}
    response = await client.request(
        op.method,
        _fill(op.path, {**world.values, **{k: world.values[v] for k, v in op.ids.items()}}),
        json=_fill(op.body, world.values) if op.body is not None else None,
        files={"file": ("file.csv", op.upload)} if op.upload is not None else None,
        data={"complete": "true"} if op.upload is not None else None,
        headers=headers,
    )
    # Each call is also a check of the contract: its status is one the operation documents.
    documented = _DOCUMENTED_STATUSES[(op.method, op.path)]
    assert str(response.status_code) in documented, (op.method, op.path, response.status_code)
    return response.status_code


@pytest.mark.parametrize("op", MATRIX, ids=lambda op: f"{op.method} {op.path}")
async def test_anonymous_caller(client: AsyncClient, world: World, op: Operation) -> None:
    expected = op.member_status if op.public else 401
    assert await _call(client, op, world, None) == expected


@pytest.mark.parametrize(
    "op", [op for op in MATRIX if not op.public], ids=lambda op: f"{op.method} {op.path}"
)
async def test_non_member(client: AsyncClient, world: World, op: Operation) -> None:
    if op.project_scoped:
        expected = 404  # another tenant's project: not even its existence leaks
    elif op.admin_only:
        expected = 403
    else:
        expected = op.member_status
    assert await _call(client, op, world, world.outsider) == expected


@pytest.mark.parametrize(
    "op", [op for op in MATRIX if not op.public], ids=lambda op: f"{op.method} {op.path}"
)
async def test_project_viewer(client: AsyncClient, world: World, op: Operation) -> None:
    """A viewer of the project may read everything in it and change nothing; outside the project
    the viewer is any signed-in user."""
    if op.path.startswith("/api/v1/api-keys/"):
        expected = 404  # "key_id" is the owner's key: another user's key does not leak
    elif op.admin_only or (op.project_scoped and (op.method != "GET" or op.owner_only)):
        expected = 403
    else:
        expected = op.member_status
    assert await _call(client, op, world, world.viewer) == expected


@pytest.mark.parametrize("op", MATRIX, ids=lambda op: f"{op.method} {op.path}")
async def test_rightful_caller(client: AsyncClient, world: World, op: Operation) -> None:
    user = world.admin if op.admin_only else world.owner
    assert await _call(client, op, world, user) == op.member_status
