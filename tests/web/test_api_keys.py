"""The API keys page: make a key (its secret shown once), use it, rotate it, revoke it."""

from __future__ import annotations

import re

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.projects import create_project
from tests.helpers.users import create_user
from tests.web.conftest import sign_in

_SECRET = re.compile(r'id="secret" readonly value="(tly_[^"]+)"')


async def test_make_use_rotate_and_revoke_a_key_in_the_browser(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner, name="Books")
    csrf = await sign_in(client, owner)
    page = await client.get("/api-keys")
    assert page.status_code == 200 and "No keys yet" in page.text and "Books" in page.text

    made = await client.post(
        "/api-keys",
        data={
            "name": "ledger sync",
            "role": "viewer",
            "project_id": str(project.id),
            "expires_in_days": "30",
            "csrf_token": csrf,
        },
    )
    assert made.status_code == 201, made.text
    found = _SECRET.search(made.text)
    assert found is not None
    secret = found.group(1)
    url = f"/api/v1/projects/{project.id}"
    api = {"Authorization": f"Bearer {secret}"}
    assert (await client.get(url, headers=api)).status_code == 200
    listed = await client.get("/api-keys")
    assert secret not in listed.text and secret[:12] in listed.text  # shown once only

    key_id = re.search(r'action="/api-keys/(\d+)/revoke"', listed.text)
    assert key_id is not None
    rotated = await client.post(
        f"/api-keys/{key_id.group(1)}/rotate", data={"overlap_hours": "0", "csrf_token": csrf}
    )
    assert rotated.status_code == 201
    new_secret = _SECRET.search(rotated.text)
    assert new_secret is not None and new_secret.group(1) != secret
    assert (await client.get(url, headers=api)).status_code == 401

    new_id = re.search(r'action="/api-keys/(\d+)/revoke"', rotated.text)
    assert new_id is not None
    revoked = await client.post(f"/api-keys/{new_id.group(1)}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    fresh = {"Authorization": f"Bearer {new_secret.group(1)}"}
    assert (await client.get(url, headers=fresh)).status_code == 401

    refused = await client.post("/api-keys", data={"name": "no token", "role": "viewer"})
    assert refused.status_code == 403  # the CSRF check
