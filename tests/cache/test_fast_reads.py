"""The fast path (tally.fast_reads) answers exactly what the endpoints answer, or nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database, StatementCounter
from tally.kit.security import token_digest
from tally.models import ApiToken, ProjectRole, UserRole
from tally.users import auth as users_auth
from tests.cache.conftest import AppFactory, cache_of
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user

PATHS = [
    "/api/v1/projects",
    "/api/v1/projects?page=1&per_page=5",
    "/api/v1/projects?page=2&per_page=1",
    "/api/v1/projects?page=1&page=2",  # the endpoint takes the last
    "/api/v1/projects?page=abc",  # 422 from the endpoint
    "/api/v1/projects?per_page=500",
    "/api/v1/projects?unrelated=1",
    "/api/v1/projects/{id}",
    "/api/v1/projects/{id}/",
    "/api/v1/projects/0{id}",
    "/api/v1/projects/{id}/stats",
    "/api/v1/projects/{id}/jobs",
    "/api/v1/projects/{id}/data-sources",
    # The cursor form: each page its own entry; what the fast path does not recognise (a
    # second value, a filter, garbage, both directions) is the endpoint's to answer.
    "/api/v1/projects/{id}/jobs?limit=1",
    "/api/v1/projects/{id}/data-sources?limit=1&starting_after=1",
    "/api/v1/projects/{id}/data-sources?ending_before=999999&limit=1",
    "/api/v1/projects/{id}/data-sources?limit=1&limit=2",
    "/api/v1/projects/{id}/data-sources?limit=0",
    "/api/v1/projects/{id}/data-sources?starting_after=1&ending_before=9",
    "/api/v1/projects/{id}/jobs?starting_after=abc",
    "/api/v1/projects/{id}/jobs?updated_since=2020-01-01T00:00:00Z",
    "/api/v1/projects?limit=1",
    "/api/v1/projects?page=1&starting_after=1",
    "/api/v1/users?limit=1&starting_after=1",
    "/api/v1/projects/999999",
    "/api/v1/users",
    "/api/v1/users?page=1&per_page=2",
]


async def test_fast_path_answers_exactly_like_the_endpoints(
    make_app: AppFactory, cache_mode: str, session: AsyncSession, db: Database, key_prefix: str
) -> None:
    owner = await create_user(session)
    viewer = await create_user(session)
    outsider = await create_user(session)
    admin = await create_user(session, role=UserRole.ADMIN)
    project = await create_project(session, owner=owner, members={viewer: ProjectRole.VIEWER})
    await create_project(session, owner=owner, name="second")
    left = await create_data_source(session, project=project, name="left")
    right = await create_data_source(session, project=project, name="right")
    await create_job(session, project=project, left=left, right=right)
    callers = {
        "owner": owner.headers,
        "viewer": viewer.headers,
        "outsider": outsider.headers,
        "admin": admin.headers,
        "anonymous": {},
        "bad token": {"Authorization": "Bearer tly_nope"},
        "other scheme": {"Authorization": f"Basic {owner.token}"},
    }
    async with (
        make_app(cache_mode) as (fast_app, fast),
        make_app(cache_mode, CACHE_FAST_PATH=False, CACHE_KEY_PREFIX=f"{key_prefix}slow:") as (
            slow_app,
            slow,
        ),
    ):
        for path in PATHS:
            url = path.format(id=project.id)
            for caller, headers in callers.items():
                answers = []
                for client in (fast, slow):
                    await client.get(url, headers=headers)  # warm whatever can be cached
                    # One request id for both: error bodies quote it.
                    same_id = {
                        **headers,
                        "X-Request-ID": f"{caller}-{PATHS.index(path)}".replace(" ", "-"),
                    }
                    response = await client.get(url, headers=same_id)
                    answers.append(
                        (response.status_code, response.content, response.headers.get("etag"))
                    )
                assert answers[0] == answers[1], (path, caller)
                etag = answers[0][2]
                if etag is not None:  # and conditional requests
                    conditional = {**headers, "If-None-Match": etag}
                    codes = [
                        (await c.get(url, headers=conditional)).status_code for c in (fast, slow)
                    ]
                    assert codes == [304, 304], (path, caller)
        assert cache_of(fast_app).stats.fast_path_hits > 0
        assert cache_of(slow_app).stats.fast_path_hits == 0

        # A hit through the fast path sends no SQL at all.
        with StatementCounter(db.engine) as counter:
            response = await fast.get(
                f"/api/v1/projects/{project.id}/stats", headers=viewer.headers
            )
        assert (response.status_code, counter.count) == (200, 0)


async def test_fast_path_rechecks_token_expiry_on_every_hit(
    make_app: AppFactory, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await create_user(session)
    project = await create_project(session, owner=user)
    await session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == token_digest(user.token))
        .values(expires_at=datetime.now(UTC) + timedelta(minutes=5))
    )
    await session.commit()
    async with make_app("local") as (app, client):
        url = f"/api/v1/projects/{project.id}"
        for _ in range(2):
            assert (await client.get(url, headers=user.headers)).status_code == 200
        assert cache_of(app).stats.fast_path_hits == 1
        # The token's expiry passes while its identity stays cached (a clock moved on, rather
        # than a sleep racing a slow machine's start-up).
        later = time.time() + 600
        monkeypatch.setattr(users_auth, "time", SimpleNamespace(time=lambda: later))
        assert (await client.get(url, headers=user.headers)).status_code == 401
