"""What write paths call: one line, in the service, inside the transaction that writes.

``invalidate(session, ...)`` only records the namespaces; they are bumped after the transaction
owner commits (``tally.kit.db.after_commit``), never if it rolls back, and before the response is
sent, so the writer's next read already sees its write.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import keys
from tally.kit.db import AfterCommit, after_commit

if TYPE_CHECKING:
    from tally.cache.core import Cache

_PENDING = "tally.cache.pending"
# Which caches a session's commit must invalidate: the started ones on its engine.
_caches: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[Cache]] = weakref.WeakKeyDictionary()


def register_cache(engine: Engine, cache: Cache) -> None:
    _caches.setdefault(engine, weakref.WeakSet()).add(cache)


def unregister_cache(engine: Engine, cache: Cache) -> None:
    caches = _caches.get(engine)
    if caches is not None:
        caches.discard(cache)


def caches_for(engine: Engine) -> list[Cache]:
    return list(_caches.get(engine, ()))


def invalidate(session: AsyncSession, *namespaces: str) -> None:
    """Bump ``namespaces`` once ``session``'s transaction commits (a no-op without a cache)."""
    registered = session.info.get(_PENDING)
    callbacks = session.info.get("after_commit", [])
    if registered is None or registered[0] not in callbacks:
        pending: list[str] = []
        engine = session.sync_session.get_bind()

        async def deliver() -> None:
            for cache in caches_for(engine):  # type: ignore[arg-type]
                await cache.invalidate_now(pending)

        callback: AfterCommit = deliver
        registered = (callback, pending)
        session.info[_PENDING] = registered
        after_commit(session, callback)
    registered[1].extend(namespaces)


class WriteThrough:
    """A write that knows the new value of ``key`` (whose only namespace is the row it changes):
    ``await write_through(session, key)`` *before* the statement that writes the row, then
    ``store(body)`` with the row as that statement returned it (``UPDATE ... RETURNING``).

    After commit the key is invalidated, and ``body`` becomes its value when that is provably the
    latest: a generation is reserved before the write, and every write that commits after this
    one bumps the namespace after its own commit; so if the namespace is still at the reserved
    generation when this write comes to store, nothing newer has committed (and anything that
    committed before this write's statement is in ``body``). If it moved, this is a plain
    invalidation. It saves the reload a plain invalidation would cause. Reserving before the
    statement keeps the Redis call out of the time the row is locked.
    """

    def __init__(self, session: AsyncSession, key: keys.Key, reserved: list[Any]) -> None:
        self.session = session
        self.key = key
        self.reserved = reserved

    def store(self, body: bytes) -> None:
        if not self.reserved:
            invalidate(self.session, *self.key.namespaces)  # a cache started later still bumps
            return
        key = self.key

        async def deliver() -> None:
            for cache, reserved in self.reserved:
                await cache.write_through_now(key, body, reserved)

        after_commit(self.session, deliver)


async def write_through(session: AsyncSession, key: keys.Key) -> WriteThrough:
    """See WriteThrough; call before the statement that writes the row."""
    engine = session.sync_session.get_bind()
    caches = caches_for(engine)  # type: ignore[arg-type]
    return WriteThrough(session, key, [(cache, await cache.reserve(key)) for cache in caches])


# --- one line per kind of write ----------------------------------------------------------------
def invalidate_data_sources(session: AsyncSession, project_id: int) -> None:
    """A data source was uploaded, deleted, or changed status/row counts (the stats list them)."""
    invalidate(session, keys.project_sources_ns(project_id), keys.project_stats_ns(project_id))


def invalidate_jobs(session: AsyncSession, project_id: int) -> None:
    """A job was created, cancelled, retried, progressed, completed or failed (the stats show the
    last job)."""
    invalidate(session, keys.project_jobs_ns(project_id), keys.project_stats_ns(project_id))


def invalidate_stats(session: AsyncSession, project_id: int) -> None:
    """Stats were (re)computed or matches were reviewed."""
    invalidate(session, keys.project_stats_ns(project_id))


def invalidate_project_lifecycle(
    session: AsyncSession, project_id: int, member_ids: Iterable[int]
) -> None:
    """A project was created or deleted: everything about it, and its members' lists."""
    invalidate(
        session,
        *keys.project_namespaces(project_id),
        keys.PROJECTS_ADMIN,
        *(keys.projects_of_ns(user_id) for user_id in member_ids),
    )


def invalidate_membership(session: AsyncSession, project_id: int, user_id: int) -> None:
    """A user joined, left, or changed role in a project."""
    invalidate(session, keys.project_members_ns(project_id), keys.projects_of_ns(user_id))


def invalidate_users(session: AsyncSession, *, auth: bool) -> None:
    """A user was created (``auth=False``) or had their role or active flag changed (``True``:
    every cached principal is looked up again)."""
    invalidate(session, keys.USERS, *((keys.USERS_AUTH,) if auth else ()))


def invalidate_token(session: AsyncSession, token_digest: str) -> None:
    """A bearer token was revoked."""
    invalidate(session, keys.token_ns(token_digest))
