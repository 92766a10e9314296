from __future__ import annotations

import re

import pytest
from httpx import AsyncClient

from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser

_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_LOGIN_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its meta tag."""
    found = _META.search(html)
    assert found is not None and found.group(1), "page has no CSRF token"
    return found.group(1)


async def sign_in(
    client: AsyncClient, user: AuthedUser, *, password: str = DEFAULT_PASSWORD
) -> str:
    """Sign ``user`` in through the login form; returns the session's CSRF token."""
    client.cookies.clear()
    page = await client.get("/login")
    token = _LOGIN_FIELD.search(page.text)
    assert token is not None
    response = await client.post(
        "/login",
        data={"email": user.email, "password": password, "csrf_token": token.group(1)},
    )
    assert response.status_code == 303, response.text
    projects = await client.get("/projects")
    assert projects.status_code == 200
    return csrf_of(projects.text)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the worker's
    thread from its first use on, and pytest-asyncio cannot start its own loop after that."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
