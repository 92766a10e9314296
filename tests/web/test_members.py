"""The members page invites by email with the same answer for known and unknown addresses; the
invitation link's page lets the invitee join, signing in or opening an account."""

from __future__ import annotations

import re

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import ProjectRole
from tests.helpers.projects import create_project
from tests.helpers.users import DEFAULT_PASSWORD, create_user
from tests.web.conftest import sign_in

_LINK = re.compile(r'value="(https?://[^"]+/invitations/(tlyi_[^"]+))"')
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _without_invitee(page: str, email: str, link: str) -> str:
    """The page with what names this invitation (address, link, times, ids) taken out."""
    page = page.replace(email, "EMAIL").replace(link, "LINK")
    page = re.sub(r"<time[^>]*>[^<]*</time>", "TIME", page)
    return re.sub(r"/invitations/\d+/", "/invitations/ID/", page)


async def test_inviting_known_and_unknown_addresses_looks_the_same(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    known = await create_user(session)
    viewer = await create_user(session)
    project = await create_project(session, owner=owner, members={viewer: ProjectRole.VIEWER})
    base = f"/projects/{project.id}/members"

    token = await sign_in(client, owner)
    for_known = await client.post(base, data={"csrf_token": token, "email": known.email})
    known_link = _LINK.search(for_known.text)
    assert for_known.status_code == 200 and known_link is not None
    unknown = "nobody-yet@example.test"
    for_unknown = await client.post(base, data={"csrf_token": token, "email": unknown})
    unknown_link = _LINK.search(for_unknown.text)
    assert for_unknown.status_code == 200 and unknown_link is not None
    # Same status, same page apart from the address and its link: the notice, the members and
    # the form above the invitations table (which lists one invitation more the second time).
    head_known = for_known.text.split("<h2>Invitations</h2>")[0]
    head_unknown = for_unknown.text.split("<h2>Invitations</h2>")[0]
    assert _without_invitee(head_known, known.email, known_link.group(1)) == _without_invitee(
        head_unknown, unknown, unknown_link.group(1)
    )
    revoke = re.search(r'action="(/projects/\d+/invitations/\d+/revoke)"', for_known.text)
    assert revoke is not None
    revoked = await client.post(revoke.group(1), data={"csrf_token": token})
    assert revoked.status_code == 303
    assert (await client.get(f"/invitations/{known_link.group(2)}")).status_code == 404
    bad = await client.post(base, data={"csrf_token": token, "email": "not an address"})
    assert bad.status_code == 422 and "Enter an email address" in bad.text

    # A viewer sees the members but neither the form nor the invitations.
    await sign_in(client, viewer)
    seen = await client.get(base)
    assert seen.status_code == 200 and owner.email in seen.text
    assert "Invite someone" not in seen.text and unknown not in seen.text

    # The invitee opens the link (no session), chooses a password and lands in the project.
    client.cookies.clear()
    link = unknown_link.group(1).split("/invitations/", 1)[1]
    page = await client.get(f"/invitations/{link}")
    assert page.status_code == 200 and unknown in page.text
    form_csrf = _CSRF.search(page.text)
    assert form_csrf is not None
    short = await client.post(
        f"/invitations/{link}", data={"csrf_token": form_csrf.group(1), "password": "short"}
    )
    assert short.status_code == 422
    form_csrf = _CSRF.search(short.text)
    assert form_csrf is not None
    joined = await client.post(
        f"/invitations/{link}",
        data={"csrf_token": form_csrf.group(1), "password": "a fine password"},
    )
    assert joined.status_code == 303, joined.text
    assert joined.headers["location"] == f"/projects/{project.id}"
    assert (await client.get(f"/projects/{project.id}")).status_code == 200
    used = await client.get(f"/invitations/{link}")
    assert used.status_code == 404 and "not valid" in used.text


async def test_a_known_user_joins_with_their_password(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    colleague = await create_user(session)
    project = await create_project(session, owner=owner)
    token = await sign_in(client, owner)
    invited = await client.post(
        f"/projects/{project.id}/members",
        data={"csrf_token": token, "email": colleague.email, "role": "editor"},
    )
    found = _LINK.search(invited.text)
    assert found is not None
    link = found.group(2)

    client.cookies.clear()
    page = await client.get(f"/invitations/{link}")
    form_csrf = _CSRF.search(page.text)
    assert form_csrf is not None
    wrong = await client.post(
        f"/invitations/{link}", data={"csrf_token": form_csrf.group(1), "password": "wrong one!"}
    )
    assert wrong.status_code == 401
    form_csrf = _CSRF.search(wrong.text)
    assert form_csrf is not None
    forged = await client.post(
        f"/invitations/{link}", data={"csrf_token": "forged", "password": DEFAULT_PASSWORD}
    )
    assert forged.status_code == 403
    joined = await client.post(
        f"/invitations/{link}",
        data={"csrf_token": form_csrf.group(1), "password": DEFAULT_PASSWORD},
    )
    assert joined.status_code == 303
    members = await client.get(f"/projects/{project.id}/members")
    assert colleague.email in members.text
    assert (
        await client.get(f"/api/v1/projects/{project.id}", headers=colleague.headers)
    ).status_code == 200
