from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import ApiToken, UserRole
from tests.helpers.users import DEFAULT_PASSWORD, create_user


async def test_login_issues_a_token_that_authenticates(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session, email="ada@example.test")
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ADA@example.test ", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    assert token.startswith("tly_")
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["id"] == user.id

    # The token is stored only as a digest.
    stored = await session.scalar(
        ApiToken.__table__.select().with_only_columns(ApiToken.token_hash).limit(1)
    )
    assert stored is not None and token not in stored


async def test_wrong_password_is_401(client: AsyncClient, session: AsyncSession) -> None:
    await create_user(session, email="bob@example.test")
    response = await client.post(
        "/api/v1/auth/login", json={"email": "bob@example.test", "password": "wrong password"}
    )
    assert response.status_code == 401
    body = response.json()
    assert body.pop("request_id") == response.headers["X-Request-ID"]
    assert body == {"error": "InvalidCredentials", "detail": "Invalid email or password"}


async def test_logout_revokes_the_token(client: AsyncClient, session: AsyncSession) -> None:
    user = await create_user(session)
    assert (await client.post("/api/v1/auth/logout", headers=user.headers)).status_code == 204
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 401


async def test_expired_token_and_deactivated_user_are_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    expired = await create_user(session)
    await session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == expired.id)
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    await session.commit()
    assert (await client.get("/api/v1/users/me", headers=expired.headers)).status_code == 401

    admin = await create_user(session, role=UserRole.ADMIN)
    member = await create_user(session)
    deactivated = await client.patch(
        f"/api/v1/users/{member.id}", json={"is_active": False}, headers=admin.headers
    )
    assert deactivated.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=member.headers)).status_code == 401


async def test_users_page_is_admin_only_and_paginated(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    for _ in range(4):
        await create_user(session)
    page = await client.get("/api/v1/users?page=2&per_page=2", headers=admin.headers)
    assert page.status_code == 200
    body = page.json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)
    assert len(body["items"]) == 2
    bad = await client.get("/api/v1/users?per_page=1000", headers=admin.headers)
    assert bad.status_code == 422


async def test_admin_creates_users_and_duplicates_conflict(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    payload = {"email": "New.Person@example.test", "password": "long enough!"}
    created = await client.post("/api/v1/users", json=payload, headers=admin.headers)
    assert created.status_code == 201
    assert created.json()["email"] == "new.person@example.test"
    again = await client.post("/api/v1/users", json=payload, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["error"] == "EmailTaken"
