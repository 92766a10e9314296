"""Accounts: throttled logins (API and web), no enumeration, self-demotion refused, revocation
that lasts, password change and reset, sign-out everywhere, /metrics for scrapers or admins."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import capture_logs

from tally.config import Settings
from tally.kit.db import Database
from tally.models import User, UserRole
from tests.cache.conftest import shared_redis_url
from tests.helpers.apps import running_app, settings_with
from tests.helpers.users import DEFAULT_PASSWORD, create_user

LOGIN = "/api/v1/auth/login"


def throttled_settings(base: Settings, **extra: Any) -> Settings:
    return settings_with(
        base, TALLY_LOGIN_MAX_FAILURES=3, TALLY_LOGIN_ADDRESS_MAX_FAILURES=5, **extra
    )


@pytest.fixture(params=["in-process", "redis"])
def throttle_store(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "in-process":
        return {}
    import uuid

    return {"REDIS_URL": shared_redis_url(), "CACHE_KEY_PREFIX": f"t-{uuid.uuid4().hex[:10]}:"}


async def test_login_is_throttled_per_account_with_retry_after(
    db: Database, test_settings: Settings, session: AsyncSession, throttle_store: dict[str, Any]
) -> None:
    user = await create_user(session)
    settings = throttled_settings(test_settings, **throttle_store)
    async with running_app(db, settings) as (_, client):
        wrong = {"email": user.email, "password": "wrong password"}
        for _ in range(3):
            assert (await client.post(LOGIN, json=wrong)).status_code == 401
        with capture_logs() as logs:
            paused = await client.post(
                LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD}
            )
        assert paused.status_code == 429, paused.text
        assert paused.json()["error"] == "TooManyLogins"
        assert int(paused.headers["retry-after"]) >= 1
        assert any(e["event"] == "auth.login_throttled" and e["scope"] == "account" for e in logs)
        # Another account from the same address still signs in (the address limit is higher).
        other = await create_user(session)
        ok = await client.post(LOGIN, json={"email": other.email, "password": DEFAULT_PASSWORD})
        assert ok.status_code == 200


async def test_login_is_throttled_per_address_across_accounts(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    settings = throttled_settings(test_settings)
    async with running_app(db, settings) as (_, client):
        for number in range(5):  # five accounts, one failure each: the address is paused
            wrong = {"email": f"nobody{number}@example.test", "password": "guess"}
            assert (await client.post(LOGIN, json=wrong)).status_code == 401
        user = await create_user(session)
        paused = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert paused.status_code == 429


async def test_a_success_clears_the_account_count(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    user = await create_user(session)
    async with running_app(db, throttled_settings(test_settings)) as (_, client):
        wrong = {"email": user.email, "password": "wrong password"}
        right = {"email": user.email, "password": DEFAULT_PASSWORD}
        for _ in range(2):
            assert (await client.post(LOGIN, json=wrong)).status_code == 401
        assert (await client.post(LOGIN, json=right)).status_code == 200
        for _ in range(2):
            assert (await client.post(LOGIN, json=wrong)).status_code == 401
        assert (await client.post(LOGIN, json=right)).status_code == 200


async def test_web_sign_in_is_throttled_too(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    user = await create_user(session)
    async with running_app(db, throttled_settings(test_settings)) as (_, client):

        async def sign_in(password: str) -> int:
            page = await client.get("/login")
            csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            response = await client.post(
                "/login",
                data={"email": user.email, "password": password, "csrf_token": csrf},
            )
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) >= 1
            return response.status_code

        assert [await sign_in("wrong password") for _ in range(3)] == [401, 401, 401]
        assert await sign_in(DEFAULT_PASSWORD) == 429


async def test_unknown_email_verifies_a_dummy_hash(
    client: AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown email costs one argon2 verification, like a known one: no timing oracle."""
    from tally.kit import security

    verified: list[str] = []
    real = security.verify_password

    def counting(password_hash: str, password: str) -> bool:
        verified.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counting)
    user = await create_user(session)
    unknown = await client.post(LOGIN, json={"email": "nobody@example.test", "password": "x"})
    known = await client.post(LOGIN, json={"email": user.email, "password": "x"})
    assert unknown.status_code == known.status_code == 401
    # Every error body carries its own request's X-Request-ID; everything else must be identical.
    unknown_body, known_body = unknown.json(), known.json()
    assert unknown_body.pop("request_id") != known_body.pop("request_id")
    assert unknown_body == known_body
    assert len(verified) == 2 and all(h.startswith("$argon2") for h in verified)


async def test_admin_cannot_demote_or_deactivate_themselves(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    for change in ({"role": "member"}, {"is_active": False}):
        response = await client.patch(
            f"/api/v1/users/{admin.id}", json=change, headers=admin.headers
        )
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "OwnAccessIsPermanent"
    me = await client.get("/api/v1/users/me", headers=admin.headers)
    assert me.json()["role"] == "admin" and me.json()["is_active"] is True


async def test_deactivation_revokes_tokens_for_good(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    member = await create_user(session)
    assert (await client.get("/api/v1/users/me", headers=member.headers)).status_code == 200
    url = f"/api/v1/users/{member.id}"
    off = await client.patch(url, json={"is_active": False}, headers=admin.headers)
    assert off.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=member.headers)).status_code == 401
    on = await client.patch(url, json={"is_active": True}, headers=admin.headers)
    assert on.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=member.headers)).status_code == 401
    fresh = await client.post(LOGIN, json={"email": member.email, "password": DEFAULT_PASSWORD})
    assert fresh.status_code == 200


async def _login(client: AsyncClient, email: str, password: str) -> dict[str, str]:
    response = await client.post(LOGIN, json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_change_own_password_keeps_this_token_and_ends_the_others(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    other_device = await _login(client, user.email, DEFAULT_PASSWORD)
    url = "/api/v1/users/me/password"
    wrong = await client.post(
        url, json={"current_password": "nope", "new_password": "a new secret"}, headers=user.headers
    )
    assert wrong.status_code == 403 and wrong.json()["error"] == "WrongPassword"
    changed = await client.post(
        url,
        json={"current_password": DEFAULT_PASSWORD, "new_password": "a new secret"},
        headers=user.headers,
    )
    assert changed.status_code == 204, changed.text
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 200
    assert (await client.get("/api/v1/users/me", headers=other_device)).status_code == 401
    old = await client.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert old.status_code == 401
    await _login(client, user.email, "a new secret")


async def test_admin_reset_ends_every_session_of_the_user(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    member = await create_user(session)
    member_only = await client.post(
        f"/api/v1/users/{admin.id}/password",
        json={"new_password": "taken over"},
        headers=member.headers,
    )
    assert member_only.status_code == 403
    reset = await client.post(
        f"/api/v1/users/{member.id}/password",
        json={"new_password": "reset by admin"},
        headers=admin.headers,
    )
    assert reset.status_code == 204
    assert (await client.get("/api/v1/users/me", headers=member.headers)).status_code == 401
    await _login(client, member.email, "reset by admin")
    stored = await session.scalar(select(User.password_hash).where(User.id == member.id))
    assert stored is not None and stored.startswith("$argon2")


async def test_sign_out_everywhere_ends_every_token(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    second = await _login(client, user.email, DEFAULT_PASSWORD)
    done = await client.post("/api/v1/auth/logout-everywhere", headers=user.headers)
    assert done.status_code == 204
    for headers in (user.headers, second):
        assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401


async def test_metrics_need_the_scrape_token_or_an_admin(
    client: AsyncClient, session: AsyncSession
) -> None:
    member = await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    assert (await client.get("/metrics")).status_code == 401
    assert (await client.get("/metrics", headers=member.headers)).status_code == 403
    assert (await client.get("/metrics", headers=admin.headers)).status_code == 200


async def test_cookies_are_secure_over_https_and_hsts_in_production(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    user = await create_user(session)
    async with running_app(db, test_settings) as (app, _):
        from httpx import ASGITransport

        for base, secure in (("http://tally.test", False), ("https://tally.test", True)):
            async with AsyncClient(transport=ASGITransport(app=app), base_url=base) as http:
                page = await http.get("/login")
                assert ("secure" in page.headers["set-cookie"].lower()) is secure
                csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
                signed = await http.post(
                    "/login",
                    data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": csrf},
                )
                assert signed.status_code == 303
                session_cookie = next(
                    v
                    for k, v in signed.headers.multi_items()
                    if k == "set-cookie" and "tally_session" in v
                )
                assert ("secure" in session_cookie.lower()) is secure
        assert "strict-transport-security" not in page.headers
    production = settings_with(test_settings, TALLY_ENV="production")
    async with running_app(db, production) as (_, client):
        response = await client.get("/healthz")
        assert response.headers["strict-transport-security"].startswith("max-age=")
