"""Property: through the API, with the cache on, every read returns the latest committed state.

Random sequences of writes (projects, members, users, roles, deactivation, logins and logouts)
run against one long-lived app; after every write, every actor reads everything it might see, and
each answer is compared with the database itself (the oracle), read afresh.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import ApiToken, Project, ProjectMember, User, UserRole
from tests.helpers.users import DEFAULT_PASSWORD, create_user

ACTORS = 3  # plus one administrator, actor index 3
_emails = itertools.count(1)

actor = st.integers(0, ACTORS - 1)
anyone = st.integers(0, ACTORS)
project_ref = st.integers(0, 3)
name = st.sampled_from(["alpha", "beta", "gamma", "delta"])
step = st.one_of(
    st.tuples(st.just("create_project"), anyone, name),
    st.tuples(st.just("rename"), anyone, project_ref, name),
    st.tuples(st.just("delete"), anyone, project_ref),
    st.tuples(
        st.just("add_member"), anyone, project_ref, actor, st.sampled_from(["viewer", "editor"])
    ),
    st.tuples(st.just("remove_member"), anyone, project_ref, actor),
    st.tuples(st.just("create_user")),
    st.tuples(st.just("set_active"), actor, st.booleans()),
    st.tuples(st.just("set_role"), actor, st.sampled_from(["admin", "member"])),
    st.tuples(st.just("relogin"), actor),
)


@dataclass
class Example:
    client: AsyncClient
    db: Database
    admin_headers: dict[str, str]
    users: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)  # id, email, headers
    projects: list[int] = field(default_factory=list)

    def headers(self, index: int) -> dict[str, str]:
        return self.admin_headers if index == ACTORS else self.users[index][2]

    async def setup(self) -> None:
        for _ in range(ACTORS):
            email = f"ryw{next(_emails)}@example.test"
            created = await self.client.post(
                "/api/v1/users",
                json={"email": email, "password": DEFAULT_PASSWORD},
                headers=self.admin_headers,
            )
            assert created.status_code == 201, created.text
            self.users.append((created.json()["id"], email, await self.login(email)))
        # A project shared by everyone from the start, so that early steps already matter.
        await self.apply(("create_project", 0, "shared"))
        await self.apply(("add_member", 0, 0, 1, "editor"))
        await self.apply(("add_member", 0, 0, 2, "viewer"))

    async def login(self, email: str) -> dict[str, str]:
        response = await self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def apply(self, action: tuple[Any, ...]) -> None:
        kind, *args = action
        client, admin = self.client, self.admin_headers
        if kind == "create_project":
            response = await client.post(
                "/api/v1/projects", json={"name": args[1]}, headers=self.headers(args[0])
            )
            if response.status_code == 201:
                self.projects.append(response.json()["id"])
        elif kind in {"rename", "delete", "add_member", "remove_member"} and self.projects:
            url = f"/api/v1/projects/{self.projects[args[1] % len(self.projects)]}"
            headers = self.headers(args[0])
            if kind == "rename":
                await client.patch(url, json={"name": args[2]}, headers=headers)
            elif kind == "delete":
                await client.delete(url, headers=headers)
            elif kind == "add_member":
                email = self.users[args[2]][1]
                await client.post(
                    f"{url}/members", json={"email": email, "role": args[3]}, headers=headers
                )
            else:
                await client.delete(f"{url}/members/{self.users[args[2]][0]}", headers=headers)
        elif kind == "create_user":
            email = f"ryw{next(_emails)}@example.test"
            await client.post(
                "/api/v1/users", json={"email": email, "password": "long enough"}, headers=admin
            )
        elif kind == "set_active":
            await client.patch(
                f"/api/v1/users/{self.users[args[0]][0]}",
                json={"is_active": args[1]},
                headers=admin,
            )
        elif kind == "set_role":
            await client.patch(
                f"/api/v1/users/{self.users[args[0]][0]}", json={"role": args[1]}, headers=admin
            )
        elif kind == "relogin":
            user_id, email, headers = self.users[args[0]]
            if (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204:
                self.users[args[0]] = (user_id, email, await self.login(email))

    async def check(self) -> None:
        """Every actor's reads against the database, read afresh."""
        async with self.db.sessionmaker() as session:
            for index in range(ACTORS + 1):
                await self._check_actor(session, index)
            await self._check_users_page(session)

    async def _check_actor(self, session: AsyncSession, index: int) -> None:
        headers = self.headers(index)
        user = await _token_user(session, headers)
        listed = await self.client.get("/api/v1/projects?per_page=200", headers=headers)
        if user is None:
            assert listed.status_code == 401, (
                f"actor {index}: revoked or inactive, yet {listed.status_code}"
            )
            return
        assert listed.status_code == 200
        statement = select(Project).order_by(Project.id.desc()).limit(200)
        if user.role != UserRole.ADMIN:
            statement = statement.join(ProjectMember).where(ProjectMember.user_id == user.id)
        expected = [(p.id, p.name) for p in await session.scalars(statement)]
        assert [(p["id"], p["name"]) for p in listed.json()["items"]] == expected, (
            f"actor {index} list"
        )
        for project_id in self.projects:
            project = await session.get(Project, project_id)
            member = await session.get(ProjectMember, (project_id, user.id))
            visible = project is not None and (member is not None or user.role == UserRole.ADMIN)
            response = await self.client.get(f"/api/v1/projects/{project_id}", headers=headers)
            assert response.status_code == (200 if visible else 404), (
                f"actor {index} project {project_id}"
            )
            if project is not None and visible:
                assert response.json()["name"] == project.name

    async def _check_users_page(self, session: AsyncSession) -> None:
        response = await self.client.get("/api/v1/users?per_page=200", headers=self.admin_headers)
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == await session.scalar(select(func.count()).select_from(User))
        stored = {
            u.id: (u.role, u.is_active)
            for u in await session.scalars(select(User).limit(200).order_by(User.id))
        }
        assert {u["id"]: (u["role"], u["is_active"]) for u in body["items"]} == stored


async def _token_user(session: AsyncSession, headers: dict[str, str]) -> User | None:
    """Whom the token authenticates now, by the database."""
    from tally.kit.security import token_digest

    digest = token_digest(headers["Authorization"].removeprefix("Bearer "))
    token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or token.revoked_at is not None:
        return None
    user = await session.get(User, token.user_id)
    return user if user is not None and user.is_active else None


@pytest.fixture
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its production cost would dominate this test (users are created and log in at
    every example): the same argon2id code runs with the smallest parameters."""
    monkeypatch.setattr(
        "tally.kit.security._hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=8))
@pytest.mark.usefixtures("cheap_passwords")
async def test_reads_always_see_the_latest_committed_write(
    cached: tuple[FastAPI, AsyncClient], db: Database, steps: list[tuple[Any, ...]]
) -> None:
    _, client = cached
    async with db.sessionmaker() as session:
        admin = await create_user(session, role=UserRole.ADMIN)  # before any read: nothing cached
    example = Example(client, db, admin.headers)
    await example.setup()
    await example.check()
    for action in steps:
        await example.apply(action)
        await example.check()
