"""Every failure answers {"error", "detail"}: unknown paths, wrong methods, unreadable bodies,
ids beyond 64 bits, malformed multipart, oversized JSON; timestamps end in Z on both backends."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.errors import MAX_ID
from tally.models import UserRole
from tests.helpers.apps import running_app, settings_with
from tests.helpers.projects import create_project
from tests.helpers.users import create_user

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def assert_error_shape(response_json: object) -> None:
    assert isinstance(response_json, dict)
    assert set(response_json) >= {"error", "detail"}, response_json


async def test_unknown_api_path_is_a_json_404(client: AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


async def test_wrong_method_names_every_allowed_method(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    # /api/v1/projects serves GET and POST from two routes; Starlette alone would name one.
    response = await client.delete("/api/v1/projects", headers=user.headers)
    assert response.status_code == 405
    assert response.json()["error"] == "MethodNotAllowed"
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}


async def test_undecodable_json_is_a_validation_error(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    response = await client.post(
        "/api/v1/projects",
        content=b'{"name": "x',
        headers={**user.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


async def test_ids_beyond_64_bits_are_404_in_a_path_and_422_in_a_body(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    huge = MAX_ID + 1
    for path in (
        f"/api/v1/projects/{huge}",
        f"/api/v1/projects/{project.id}/jobs/{huge}",
        f"/api/v1/projects/{project.id}/data-sources/{huge}",
        f"/api/v1/projects/{2**70}/stats",
    ):
        response = await client.get(path, headers=owner.headers)
        assert response.status_code == 404, (path, response.text)
        assert_error_shape(response.json())
    response = await client.post(
        f"/api/v1/projects/{project.id}/jobs",
        json={"left_source_id": huge, "right_source_id": huge},
        headers=owner.headers,
    )
    assert response.status_code in {404, 422}, response.text
    assert_error_shape(response.json())


async def test_malformed_multipart_is_a_400(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}/data-sources"
    boundary = "b0undary"
    multipart = {"Content-Type": f"multipart/form-data; boundary={boundary}", **owner.headers}
    bodies = {
        "garbage": b"\x00\xffnot multipart at all" * 50,
        "header without colon": (
            f"--{boundary}\r\nContent-Disposition form-data; name=file\r\n\r\nx\r\n"
            f"--{boundary}--\r\n"
        ).encode(),
        "5,000-character filename": (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{"a" * 5000}.csv"\r\n\r\namount\n1\r\n--{boundary}--\r\n'
        ).encode(),
    }
    for case, body in bodies.items():
        response = await client.post(url, content=body, headers=multipart)
        assert response.status_code == 400, (case, response.text)
        assert response.json()["error"] == "BadUpload", case


async def test_json_bodies_are_capped_before_parsing(db: Database, test_settings: Settings) -> None:
    settings = settings_with(test_settings, TALLY_MAX_BODY_BYTES=4096)
    async with running_app(db, settings) as (_, client):
        big = {"email": "x@example.test", "password": "p" * 10_000}
        response = await client.post("/api/v1/auth/login", json=big)  # reachable signed out
        assert response.status_code == 413
        assert response.json()["error"] == "BodyTooLarge"
        assert "4096" in response.json()["detail"]

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b" " * 1000

        chunked = await client.post(
            "/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert chunked.status_code == 413
        small = await client.post("/api/v1/auth/login", json={"email": "a@b.c", "password": "x"})
        assert small.status_code == 401


async def test_timestamps_read_back_end_in_z(client: AsyncClient, session: AsyncSession) -> None:
    admin = await create_user(session, role=UserRole.ADMIN)
    created = await client.post("/api/v1/projects", json={"name": "Z"}, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert RFC3339_UTC.match(created.json()["created_at"]), created.json()
    read = await client.get(f"/api/v1/projects/{created.json()['id']}", headers=admin.headers)
    assert RFC3339_UTC.match(read.json()["created_at"]), read.json()
    users = await client.get("/api/v1/users", headers=admin.headers)
    for user in users.json()["items"]:
        assert RFC3339_UTC.match(user["created_at"]), user


async def test_a_nul_character_is_a_validation_error_not_a_500(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"email": "a\u0000b@example.test", "password": "x"}
    )
    assert response.status_code in {401, 422}, response.text  # SQLite stores NUL; PostgreSQL won't
    assert_error_shape(response.json())
