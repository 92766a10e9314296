from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from httpx import AsyncClient

from tests.conftest import create_postgres_database
from tests.helpers.processes import TallyServer
from tests.helpers.users import DEFAULT_PASSWORD, AuthedUser
from tests.web.browser_support import Seeded, chromium_path, start_server

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


# --- the browser tests' servers -------------------------------------------------------------
# Defined once here, not imported into each browser module: a session fixture imported into two
# modules is two fixtures, i.e. two servers per backend (and one PostgreSQL database name
# recreated under the first), while Playwright's session-wide context arguments keep the first
# module's base URL.


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def tally(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TallyServer, Seeded]]:
    """`tally serve` on the embedded SQLite default, then on PostgreSQL (a database of its own)."""
    url = None
    if request.param == "postgresql":
        url = create_postgres_database(
            f"tally_browser_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        )
    server, seeded = start_server(tmp_path_factory.mktemp(f"browser-{request.param}"), url)
    yield server, seeded
    server.stop()


@pytest.fixture(scope="session")
def seeded(tally: tuple[TallyServer, Seeded]) -> Seeded:
    return tally[1]


@pytest.fixture(scope="session")
def base_url(tally: tuple[TallyServer, Seeded]) -> str:
    return tally[0].base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright's own browser download is not reachable here: Debian's Chromium works with it.
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": ["--no-sandbox"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}
