"""API keys: made once with a login, hashed, capped at a role and a project, rotated with an
overlap, revoked at once, listed with their last use, audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.security import token_digest
from tally.models import ApiToken, AuditEvent, ProjectRole, UserRole
from tally.models.base import utcnow
from tests.helpers.projects import create_project
from tests.helpers.users import AuthedUser, create_user


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def _make_key(client: AsyncClient, user: AuthedUser, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/api-keys", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def test_a_project_key_reaches_its_project_only_and_with_its_role(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session, role=UserRole.ADMIN)
    mine = await create_project(session, owner=owner, name="mine")
    other = await create_project(session, owner=owner, name="other")
    made = await _make_key(client, owner, name="reader", role="viewer", project_id=mine.id)
    secret = made["secret"]
    assert made["key"]["prefix"] == secret[:12] and made["key"]["role"] == "viewer"
    stored = await session.scalar(select(ApiToken).where(ApiToken.id == made["key"]["id"]))
    assert stored is not None and stored.token_hash == token_digest(secret)
    assert secret not in str(vars(stored))  # only the hash is kept
    await session.commit()

    key = _bearer(secret)
    assert (await client.get(f"/api/v1/projects/{mine.id}", headers=key)).status_code == 200
    assert (await client.get(f"/api/v1/projects/{other.id}", headers=key)).status_code == 404
    listed = await client.get("/api/v1/projects", headers=key)
    assert [p["id"] for p in listed.json()["items"]] == [mine.id]
    patch = await client.patch(f"/api/v1/projects/{mine.id}", json={"name": "x"}, headers=key)
    assert patch.status_code == 403  # viewer, though its user owns the project
    # Never its user's administrator rights, and never a way to make more keys.
    assert (await client.get("/api/v1/users", headers=key)).status_code == 403
    minted = await client.post(
        "/api/v1/api-keys", json={"name": "more", "role": "viewer"}, headers=key
    )
    assert minted.status_code == 403 and minted.json()["error"] == "KeysNeedALogin"


async def test_an_account_key_is_capped_at_its_role_on_every_project(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    colleague = await create_user(session)
    own = await create_project(session, owner=owner, name="own")
    shared = await create_project(
        session, owner=colleague, name="shared", members={owner: ProjectRole.VIEWER}
    )
    key = _bearer((await _make_key(client, owner, name="ci", role="editor"))["secret"])
    edited = await client.patch(f"/api/v1/projects/{own.id}", json={"name": "e"}, headers=key)
    assert edited.status_code == 200
    assert (await client.delete(f"/api/v1/projects/{own.id}", headers=key)).status_code == 403
    # On a project where its user is a viewer, an editor key is a viewer too.
    readable = await client.get(f"/api/v1/projects/{shared.id}", headers=key)
    assert readable.status_code == 200
    refused = await client.patch(f"/api/v1/projects/{shared.id}", json={"name": "x"}, headers=key)
    assert refused.status_code == 403
    listed = await client.get("/api/v1/projects", headers=key)
    assert {p["id"] for p in listed.json()["items"]} == {own.id, shared.id}


async def test_a_key_cannot_outrank_its_maker(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    viewer = await create_user(session)
    outsider = await create_user(session)
    project = await create_project(session, owner=owner, members={viewer: ProjectRole.VIEWER})
    body = {"name": "k", "role": "editor", "project_id": project.id}
    above = await client.post("/api/v1/api-keys", json=body, headers=viewer.headers)
    assert above.status_code == 403
    unknown = await client.post("/api/v1/api-keys", json=body, headers=outsider.headers)
    assert unknown.status_code == 404


async def test_rotation_overlaps_and_revocation_is_immediate(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}"
    made = await _make_key(client, owner, name="deploy", role="viewer", expires_in_days=30)
    old = _bearer(made["secret"])
    assert (await client.get(url, headers=old)).status_code == 200  # cached from here on

    rotated = await client.post(
        f"/api/v1/api-keys/{made['key']['id']}/rotate",
        json={"overlap_hours": 2},
        headers=owner.headers,
    )
    assert rotated.status_code == 201, rotated.text
    new = _bearer(rotated.json()["secret"])
    assert rotated.json()["key"]["name"] == "deploy"
    assert (await client.get(url, headers=old)).status_code == 200  # the overlap
    assert (await client.get(url, headers=new)).status_code == 200
    listed = (await client.get("/api/v1/api-keys", headers=owner.headers)).json()["items"]
    assert [k["id"] for k in listed] == [rotated.json()["key"]["id"], made["key"]["id"]]
    assert all("secret" not in k and "token_hash" not in k for k in listed)

    # The overlap ends: the old key stops, the new one goes on.
    rotate_now = await client.post(
        f"/api/v1/api-keys/{rotated.json()['key']['id']}/rotate",
        json={"overlap_hours": 0},
        headers=owner.headers,
    )
    assert (await client.get(url, headers=new)).status_code == 401
    newest = _bearer(rotate_now.json()["secret"])
    assert (await client.get(url, headers=newest)).status_code == 200

    revoked = await client.delete(
        f"/api/v1/api-keys/{rotate_now.json()['key']['id']}", headers=owner.headers
    )
    assert revoked.status_code == 204
    assert (await client.get(url, headers=newest)).status_code == 401
    again = await client.post(
        f"/api/v1/api-keys/{rotate_now.json()['key']['id']}/rotate", headers=owner.headers
    )
    assert again.status_code == 409
    others = await create_user(session)
    foreign = await client.delete(f"/api/v1/api-keys/{made['key']['id']}", headers=others.headers)
    assert foreign.status_code == 404


async def test_an_expired_key_stops_and_use_is_noted_and_audited(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    made = await _make_key(client, owner, name="audited", role="editor", project_id=project.id)
    assert made["key"]["last_used_at"] is None
    url = f"/api/v1/projects/{project.id}"
    assert (await client.get(url, headers=_bearer(made["secret"]))).status_code == 200
    listed = (await client.get("/api/v1/api-keys", headers=owner.headers)).json()["items"]
    assert listed[0]["last_used_at"] is not None

    events = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.project_id == project.id)
    )
    assert list(events) == ["api_key.created"]
    await session.commit()

    late = await _make_key(client, owner, name="late", role="viewer", project_id=project.id)
    await session.execute(
        update(ApiToken)
        .where(ApiToken.id == late["key"]["id"])
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    await session.commit()
    assert (await client.get(url, headers=_bearer(late["secret"]))).status_code == 401
