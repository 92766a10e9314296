"""Sign-in, the session cookie, sign-out and CSRF, through the real app (no browser)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.models import Project, WebSession
from tally.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from tests.helpers.users import create_user
from tests.web.conftest import csrf_of, sign_in


def set_cookie_header(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith(f"{name}="))


async def test_sign_in_sets_an_http_only_lax_session_cookie(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    page = await client.get("/login")
    token = client.cookies[LOGIN_CSRF_COOKIE]
    response = await client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/projects"
    cookie = set_cookie_header(response, SESSION_COOKIE).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert "secure" not in cookie  # TALLY_ENV=test
    assert page.status_code == 200
    stored = await session.scalar(select(func.count()).select_from(WebSession))
    assert stored == 1
    token_value = client.cookies[SESSION_COOKIE]
    assert await session.scalar(select(WebSession.token_hash)) != token_value  # only a hash


@pytest.fixture
async def production_client(db: Database, test_settings: Settings) -> AsyncIterator[AsyncClient]:
    settings = test_settings.model_copy(update={"env": "production"})
    app = create_app(settings, database=db)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="https://tally.test") as http,
    ):
        yield http


async def test_session_cookie_is_secure_in_production(
    production_client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    await production_client.get("/login")
    response = await production_client.post(
        "/login",
        data={
            "email": user.email,
            "password": "correct horse battery",
            "csrf_token": production_client.cookies[LOGIN_CSRF_COOKIE],
        },
    )
    assert response.status_code == 303
    assert "secure" in set_cookie_header(response, SESSION_COOKIE).lower()


async def test_sign_in_without_the_form_token_is_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


async def test_wrong_password_shows_the_form_again(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "email": user.email,
            "password": "wrong",
            "csrf_token": client.cookies[LOGIN_CSRF_COOKIE],
        },
    )
    assert response.status_code == 401
    assert "do not match an active account" in response.text
    assert SESSION_COOKIE not in client.cookies


async def test_next_never_leaves_the_site(client: AsyncClient, session: AsyncSession) -> None:
    user = await create_user(session)
    await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "email": user.email,
            "password": "correct horse battery",
            "csrf_token": client.cookies[LOGIN_CSRF_COOKIE],
            "next": "//evil.test/steal",
        },
    )
    assert response.headers["location"] == "/projects"


async def test_pages_redirect_to_sign_in_without_a_session(client: AsyncClient) -> None:
    response = await client.get("/projects?page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fprojects%3Fpage%3D2"
    htmx = await client.get("/projects", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/login")


async def test_state_changing_request_without_csrf_token_is_403(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    token = await sign_in(client, user)
    refused = await client.post("/projects", data={"name": "Sneaky"})
    assert refused.status_code == 403
    wrong = await client.post("/projects", data={"name": "Sneaky", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    header = await client.post(
        "/projects", data={"name": "Sneaky"}, headers={"X-CSRF-Token": "nope"}
    )
    assert header.status_code == 403
    assert await session.scalar(select(func.count()).select_from(Project)) == 0
    created = await client.post("/projects", data={"name": "Fine", "csrf_token": token})
    assert created.status_code == 303
    via_header = await client.post(
        "/projects", data={"name": "Also fine"}, headers={"X-CSRF-Token": token}
    )
    assert via_header.status_code == 303


async def test_sign_out_ends_the_session_on_the_server(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    token = await sign_in(client, user)
    stolen = client.cookies[SESSION_COOKIE]
    response = await client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert await session.scalar(select(func.count()).select_from(WebSession)) == 0
    client.cookies.set(SESSION_COOKIE, stolen)  # a copy of the cookie is worthless now
    assert (await client.get("/projects")).status_code == 303


async def test_a_deactivated_user_loses_the_session(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    await sign_in(client, user)
    from tally.models import User

    account = await session.get(User, user.id)
    assert account is not None
    account.is_active = False
    await session.commit()
    assert (await client.get("/projects")).status_code == 303


async def test_pages_send_security_headers(client: AsyncClient, session: AsyncSession) -> None:
    user = await create_user(session)
    await sign_in(client, user)
    response = await client.get("/projects")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert csrf_of(response.text)
