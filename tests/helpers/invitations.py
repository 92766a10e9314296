"""Adding a member as a user does it: the owner invites, the member accepts the link."""

from __future__ import annotations

from httpx import AsyncClient

from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser


async def join_by_invitation(
    client: AsyncClient, *, owner: AuthedUser, project_id: int, member: AuthedUser, role: str
) -> None:
    """``owner`` invites ``member`` (an existing user) to the project; ``member`` accepts."""
    invited = await client.post(
        f"/api/v1/projects/{project_id}/members",
        json={"email": member.email, "role": role},
        headers=owner.headers,
    )
    assert invited.status_code == 201, invited.text
    accepted = await client.post(
        "/api/v1/invitations/accept",
        json={"token": invited.json()["token"], "password": DEFAULT_PASSWORD},
    )
    assert accepted.status_code == 200, accepted.text
