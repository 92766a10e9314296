"""Password checks run in a bounded pool of their own threads, never on the event loop: while every
password thread is busy, logins wait there and every other request is still answered.

"While busy" is a fact of ordering: the pool's one thread is held by the test until released.
"""

from __future__ import annotations

import asyncio
import threading

from argon2 import PasswordHasher
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.security import needs_rehash, verify_password
from tally.models import User
from tests.helpers.users import DEFAULT_PASSWORD, create_user

PARALLEL_LOGINS = 8


async def test_logins_queue_for_the_password_threads_and_the_loop_keeps_answering(
    db: Database, session: AsyncSession, test_settings: Settings
) -> None:
    user = await create_user(session)
    await session.commit()
    app = create_app(test_settings.model_copy(update={"password_threads": 1}), database=db)
    release = threading.Event()
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://tally.test") as http,
    ):
        # The pool's one thread is busy: a check run on the loop would not wait for it.
        held = app.state.passwords._executor.submit(release.wait)
        try:
            logins = [
                asyncio.create_task(
                    http.post("/api/v1/auth/login", json={"email": user.email, "password": "nope"})
                )
                for _ in range(PARALLEL_LOGINS)
            ]
            for _ in range(3):
                assert (await http.get("/healthz")).status_code == 200
                listed = await http.get("/api/v1/projects", headers=user.headers)
                assert listed.status_code == 200, listed.text
            assert not any(login.done() for login in logins)
        finally:
            release.set()
        answers = await asyncio.gather(*logins)
        held.result()
    assert [answer.status_code for answer in answers] == [401] * PARALLEL_LOGINS


async def test_logins_waiting_for_a_password_thread_hold_no_database_connection(
    session: AsyncSession, test_settings: Settings, database_url: str
) -> None:
    """Two pooled connections, eight logins stuck behind a busy password thread: the other
    requests still get a connection (before, each waiting login held one and they got 503)."""
    user = await create_user(session)
    await session.commit()
    settings = test_settings.model_copy(
        update={"password_threads": 1, "db_pool_size": 2, "db_max_overflow": 0}
    )
    small = Database(settings, url=database_url)
    app = create_app(settings, database=small)
    release = threading.Event()
    try:
        async with (
            app.router.lifespan_context(app),
            AsyncClient(transport=ASGITransport(app=app), base_url="http://tally.test") as http,
        ):
            held = app.state.passwords._executor.submit(release.wait)
            try:
                logins = [
                    asyncio.create_task(
                        http.post(
                            "/api/v1/auth/login", json={"email": user.email, "password": "nope"}
                        )
                    )
                    for _ in range(PARALLEL_LOGINS)
                ]
                # Ordering, not timing: one login checks (its thread busy), the others wait.
                await asyncio.wait_for(_waiting_for_a_turn(app, PARALLEL_LOGINS - 1), 120)
                for _ in range(3):
                    listed = await http.get("/api/v1/projects", headers=user.headers)
                    assert listed.status_code == 200, listed.text
                assert small.pool.checkedout() <= 1
                assert not any(login.done() for login in logins)
            finally:
                release.set()
            answers = await asyncio.gather(*logins)
            held.result()
    finally:
        await small.dispose()
    assert [answer.status_code for answer in answers] == [401] * PARALLEL_LOGINS


async def _waiting_for_a_turn(app: FastAPI, count: int) -> None:
    turns = app.state.passwords.turn()
    while len(turns._waiters or ()) < count:
        await asyncio.sleep(0.01)


async def test_a_hash_made_under_older_parameters_is_replaced_at_sign_in(
    db: Database, session: AsyncSession, test_settings: Settings
) -> None:
    """A password hashed before today's argon2 parameters still signs in, and leaves with a hash
    of today's parameters (the next sign-in costs what every other does)."""
    user = await create_user(session)
    older = PasswordHasher(time_cost=3, memory_cost=65_536, parallelism=4)
    await session.execute(
        update(User).where(User.id == user.id).values(password_hash=older.hash(DEFAULT_PASSWORD))
    )
    await session.commit()
    app = create_app(test_settings, database=db)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://tally.test") as http,
    ):
        wrong = await http.post(
            "/api/v1/auth/login", json={"email": user.email, "password": "not it"}
        )
        assert wrong.status_code == 401
        assert needs_rehash(await _stored_hash(db, user.id))  # a failed sign-in changes nothing
        signed_in = await http.post(
            "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
    renewed = await _stored_hash(db, user.id)
    assert not needs_rehash(renewed) and verify_password(renewed, DEFAULT_PASSWORD)


async def _stored_hash(db: Database, user_id: int) -> str:
    async with db.sessionmaker() as session:
        found = await session.scalar(select(User.password_hash).where(User.id == user_id))
    assert found is not None
    return found
