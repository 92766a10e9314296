"""A deploy never serves what an older version cached: values in Redis carry the shape tag of the
code that stored them, while generations stay shared, so a write through either version still
invalidates what the other serves (a rolling deploy)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import keys
from tally.cache.shape import code_fingerprint
from tests.cache.conftest import AppFactory, cache_of


def loader(body: bytes) -> Callable[[AsyncSession], Awaitable[bytes]]:
    async def load(session: AsyncSession) -> bytes:
        return body

    return load


async def test_a_new_version_does_not_read_an_old_versions_values(make_app: AppFactory) -> None:
    key = keys.project(424_242)
    async with (
        make_app("redis-only", CACHE_SHAPE="v1") as (old_app, _),
        make_app("redis-only", CACHE_SHAPE="v2") as (new_app, _),
        make_app("redis-only", CACHE_SHAPE="v1") as (old_peer, _),
    ):
        old, new, peer = cache_of(old_app), cache_of(new_app), cache_of(old_peer)
        stored = await old.fetch(key, loader(b'{"name": "old shape"}'))
        assert stored is not None and stored.body == b'{"name": "old shape"}'

        served = await new.fetch(key, loader(b'{"title": "new shape"}'))
        assert served is not None and served.body == b'{"title": "new shape"}'
        # Servers of one version share their values.
        shared = await peer.fetch(key, loader(b"never loaded"))
        assert shared is not None and shared.body == b'{"name": "old shape"}'

        # One invalidation reaches both versions.
        await new.invalidate_now(key.namespaces)
        reloaded = await old.fetch(key, loader(b'{"name": "after the write"}'))
        assert reloaded is not None and reloaded.body == b'{"name": "after the write"}'


def test_the_default_tag_follows_the_code() -> None:
    tag = code_fingerprint()
    assert len(tag) == 16 and tag == code_fingerprint()
