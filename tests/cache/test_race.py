"""A slow reader and a writer, interleaved deterministically: the reader loads the old state, the
writer commits and invalidates, then the reader stores what it loaded. Nobody may read that stale
value afterwards (a classic read-through cache bug, and a security hole for memberships/tokens)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import ProjectRole, UserRole
from tally.projects.repository import ProjectRepository
from tally.projects.service import ProjectService
from tally.users.service import UserService
from tests.cache.conftest import AppFactory
from tests.helpers.projects import create_project
from tests.helpers.users import create_user


class Pause:
    """Wraps an async method so that its first call, after doing its work, waits for release."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> None:
        self.reached = asyncio.Event()
        self.released = asyncio.Event()
        self.armed = True
        original: Callable[..., Awaitable[Any]] = getattr(owner, name)

        async def paused(*args: Any, **kwargs: Any) -> Any:
            result = await original(*args, **kwargs)  # the read happens now, before the write
            if self.armed:
                self.armed = False
                self.reached.set()
                await self.released.wait()
            return result

        monkeypatch.setattr(owner, name, paused)

    async def run_while_paused(
        self, slow: Awaitable[Any], write: Callable[[], Awaitable[None]]
    ) -> Any:
        task = asyncio.ensure_future(slow)
        await asyncio.wait_for(self.reached.wait(), 10)
        await write()
        self.released.set()
        return await asyncio.wait_for(task, 10)


async def _clients(
    make_app: AppFactory, mode: str, stack: AsyncExitStack
) -> tuple[AsyncClient, AsyncClient]:
    """The reader's server and the writer's: the same one without Redis, two with it."""
    _, reader = await stack.enter_async_context(make_app(mode))
    if mode == "local":
        return reader, reader
    _, writer = await stack.enter_async_context(make_app(mode))
    return reader, writer


async def test_stale_project_load_is_never_served_after_the_update(
    make_app: AppFactory, cache_mode: str, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner, name="v1")
    url = f"/api/v1/projects/{project.id}"
    async with AsyncExitStack() as stack:
        reader, writer = await _clients(make_app, cache_mode, stack)
        await reader.get(f"{url}/stats", headers=owner.headers)  # warm token and membership
        pause = Pause(monkeypatch, ProjectService, "get_project")

        async def update() -> None:
            response = await writer.patch(url, json={"name": "v2"}, headers=owner.headers)
            assert response.status_code == 200 and response.json()["name"] == "v2"

        slow = await pause.run_while_paused(reader.get(url, headers=owner.headers), update)
        assert slow.json()["name"] == "v1"  # it started before the write: old data is fine

        for client in {reader, writer}:
            for _ in range(2):
                assert (await client.get(url, headers=owner.headers)).json()["name"] == "v2"


async def test_stale_membership_is_never_served_after_removal(
    make_app: AppFactory, cache_mode: str, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await create_user(session)
    member = await create_user(session)
    project = await create_project(session, owner=owner, members={member: ProjectRole.VIEWER})
    url = f"/api/v1/projects/{project.id}"
    async with AsyncExitStack() as stack:
        reader, writer = await _clients(make_app, cache_mode, stack)
        await reader.get("/api/v1/projects", headers=member.headers)  # warm the member's token
        await writer.get(url, headers=owner.headers)  # and the owner's access, before arming
        pause = Pause(monkeypatch, ProjectRepository, "access")

        async def remove() -> None:
            response = await writer.delete(f"{url}/members/{member.id}", headers=owner.headers)
            assert response.status_code == 204

        slow = await pause.run_while_paused(
            reader.get(f"{url}/stats", headers=member.headers), remove
        )
        assert slow.status_code == 200  # authorized before the removal committed

        for client in {reader, writer}:
            for path in ("", "/stats", "/jobs", "/data-sources"):
                assert (await client.get(f"{url}{path}", headers=member.headers)).status_code == 404


async def test_stale_principal_is_never_served_after_deactivation(
    make_app: AppFactory, cache_mode: str, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    async with AsyncExitStack() as stack:
        reader, writer = await _clients(make_app, cache_mode, stack)
        await writer.get("/api/v1/users", headers=admin.headers)  # the admin's token, before arming
        pause = Pause(monkeypatch, UserService, "token_owner")

        async def deactivate() -> None:
            response = await writer.patch(
                f"/api/v1/users/{user.id}", json={"is_active": False}, headers=admin.headers
            )
            assert response.status_code == 200

        slow = await pause.run_while_paused(
            reader.get("/api/v1/projects", headers=user.headers), deactivate
        )
        assert slow.status_code == 200

        for client in {reader, writer}:
            assert (await client.get("/api/v1/projects", headers=user.headers)).status_code == 401


async def test_an_edit_finishing_last_never_stores_an_older_value(
    cached: tuple[Any, AsyncClient], session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits store their new value in the cache (write-through). Two edits commit in one order
    and reach the cache in the other: the first one's value must not be stored over the second."""
    from tally.cache import Cache

    _, client = cached
    owner = await create_user(session)
    project = await create_project(session, owner=owner, name="zero")
    url = f"/api/v1/projects/{project.id}"
    assert (await client.get(url, headers=owner.headers)).json()["name"] == "zero"

    reached, released = asyncio.Event(), asyncio.Event()
    write_through_now = Cache.write_through_now

    async def late(self: Cache, *args: Any) -> None:
        if not reached.is_set():  # the first edit: committed, its cache update held back
            reached.set()
            await released.wait()
        await write_through_now(self, *args)

    monkeypatch.setattr(Cache, "write_through_now", late)
    first = asyncio.ensure_future(client.patch(url, json={"name": "one"}, headers=owner.headers))
    await reached.wait()
    second = await client.patch(url, json={"name": "two"}, headers=owner.headers)
    assert second.status_code == 200, second.text
    assert (await client.get(url, headers=owner.headers)).json()["name"] == "two"
    released.set()
    assert (await first).status_code == 200

    for _ in range(2):
        assert (await client.get(url, headers=owner.headers)).json()["name"] == "two"
        listed = (await client.get("/api/v1/projects", headers=owner.headers)).json()["items"]
        assert [item["name"] for item in listed] == ["two"]
