"""Adding a member by email never tells who has an account; invitations are taken up by link."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.security import token_digest
from tally.models import AuditEvent, ProjectInvitation
from tests.helpers.projects import create_project
from tests.helpers.users import DEFAULT_PASSWORD, create_user

_VOLATILE = {"id", "email", "token", "accept_url", "created_at", "expires_at"}


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    """The answer with what differs by nature between two invitations (ids, token, times) left
    out: everything else must be identical for a known and an unknown address."""
    return {key: value for key, value in body.items() if key not in _VOLATILE}


async def test_known_and_unknown_addresses_get_the_same_answer(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    known = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}/members"

    for_known = await client.post(
        url, json={"email": known.email, "role": "editor"}, headers=owner.headers
    )
    for_unknown = await client.post(
        url, json={"email": "nobody-here@example.test", "role": "editor"}, headers=owner.headers
    )

    assert for_known.status_code == for_unknown.status_code == 201
    assert for_known.headers.keys() == for_unknown.headers.keys()
    assert _shape(for_known.json()) == _shape(for_unknown.json())
    assert set(for_known.json()) == set(for_unknown.json())
    assert for_known.json()["status"] == "pending"
    # Nobody joined: the members list shows no difference between the two either.
    members = (await client.get(url, headers=owner.headers)).json()["items"]
    assert [m["email"] for m in members] == [owner.email]
    # The token is shown once and stored only as its digest.
    token = for_unknown.json()["token"]
    assert for_unknown.json()["accept_url"].endswith(f"/invitations/{token}")
    stored = await session.scalar(
        select(ProjectInvitation).where(ProjectInvitation.id == for_unknown.json()["id"])
    )
    assert stored is not None and stored.token_hash == token_digest(token)
    listed = await client.get(f"/api/v1/projects/{project.id}/invitations", headers=owner.headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert listed.json()["has_more"] is False
    assert all("token" not in item and "token_hash" not in item for item in items)
    assert {item["email"] for item in items} == {known.email, "nobody-here@example.test"}


async def test_an_unknown_address_accepts_by_choosing_a_password(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    invited = await client.post(
        f"/api/v1/projects/{project.id}/members",
        json={"email": "  New.Person@Example.test ", "role": "editor"},
        headers=owner.headers,
    )
    token = invited.json()["token"]

    accepted = await client.post(
        "/api/v1/invitations/accept", json={"token": token, "password": "chosen secret"}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["project_id"] == project.id
    assert accepted.json()["role"] == "editor"
    assert accepted.json()["user"]["email"] == "new.person@example.test"

    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "new.person@example.test", "password": "chosen secret"},
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get(f"/api/v1/projects/{project.id}", headers=headers)).status_code == 200

    again = await client.post(
        "/api/v1/invitations/accept", json={"token": token, "password": "chosen secret"}
    )
    assert again.status_code == 404
    assert again.json()["error"] == "InvalidInvitation"
    actions = await session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.project_id == project.id)
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == ["invitation.created", "invitation.accepted"]


async def test_a_known_user_accepts_with_their_own_password(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    colleague = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}"
    invited = await client.post(
        f"{url}/members", json={"email": colleague.email, "role": "viewer"}, headers=owner.headers
    )
    token = invited.json()["token"]
    assert (await client.get(url, headers=colleague.headers)).status_code == 404

    wrong = await client.post(
        "/api/v1/invitations/accept", json={"token": token, "password": "not the password"}
    )
    assert wrong.status_code == 401
    assert (await client.get(url, headers=colleague.headers)).status_code == 404

    accepted = await client.post(
        "/api/v1/invitations/accept", json={"token": token, "password": DEFAULT_PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["user"]["id"] == colleague.id
    assert (await client.get(url, headers=colleague.headers)).status_code == 200

    # Now a member: the owner changes the role directly (200), and the owner's own is permanent.
    promoted = await client.post(
        f"{url}/members", json={"email": colleague.email, "role": "editor"}, headers=owner.headers
    )
    assert promoted.status_code == 200
    assert promoted.json() == {"user_id": colleague.id, "email": colleague.email, "role": "editor"}
    assert (
        await client.patch(url, json={"name": "renamed"}, headers=colleague.headers)
    ).status_code == 200
    refused = await client.post(
        f"{url}/members", json={"email": owner.email, "role": "viewer"}, headers=owner.headers
    )
    assert refused.status_code == 409


async def test_revoked_replaced_and_expired_links_stop_working(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    editor = await create_user(session)
    project = await create_project(session, owner=owner, members={editor: "editor"})  # type: ignore[dict-item]
    members = f"/api/v1/projects/{project.id}/members"
    invitations = f"/api/v1/projects/{project.id}/invitations"

    first = (
        await client.post(members, json={"email": "x@example.test"}, headers=owner.headers)
    ).json()
    second = (
        await client.post(members, json={"email": "x@example.test"}, headers=owner.headers)
    ).json()
    listed = {
        i["id"]: i["status"]
        for i in (await client.get(invitations, headers=owner.headers)).json()["items"]
    }
    assert listed == {first["id"]: "revoked", second["id"]: "pending"}

    # Only owners list and revoke; an editor is refused, an outsider learns nothing.
    assert (await client.get(invitations, headers=editor.headers)).status_code == 403
    assert (
        await client.delete(f"{invitations}/{second['id']}", headers=editor.headers)
    ).status_code == 403
    assert (
        await client.post(members, json={"email": "y@example.test"}, headers=editor.headers)
    ).status_code == 403
    revoked = await client.delete(f"{invitations}/{second['id']}", headers=owner.headers)
    assert revoked.status_code == 204
    again = await client.delete(f"{invitations}/{second['id']}", headers=owner.headers)
    assert again.status_code == 409

    third = (
        await client.post(members, json={"email": "x@example.test"}, headers=owner.headers)
    ).json()
    stored = await session.get(ProjectInvitation, third["id"])
    assert stored is not None
    stored.expires_at = stored.created_at
    await session.commit()
    expired = (await client.get(invitations, headers=owner.headers)).json()["items"]
    assert {i["id"]: i["status"] for i in expired}[third["id"]] == "expired"

    for token in (first["token"], second["token"], third["token"], "tlyi_made-up"):
        refused = await client.post(
            "/api/v1/invitations/accept", json={"token": token, "password": "long enough"}
        )
        assert refused.status_code == 404, token
        assert refused.json()["error"] == "InvalidInvitation"
    actions = list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.project_id == project.id)
            .order_by(AuditEvent.seq)
        )
    )
    assert actions == [
        "invitation.created",
        "invitation.replaced",
        "invitation.created",
        "invitation.revoked",
        "invitation.created",
    ]


async def test_invalid_addresses_are_refused_the_same_way(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bad = await client.post(
        f"/api/v1/projects/{project.id}/members",
        json={"email": "not an address"},
        headers=owner.headers,
    )
    assert bad.status_code == 422
    owner_role = await client.post(
        f"/api/v1/projects/{project.id}/members",
        json={"email": "z@example.test", "role": "owner"},
        headers=owner.headers,
    )
    assert owner_role.status_code == 409
