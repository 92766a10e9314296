"""The read-through cache: versioned keys, two tiers, single flight, leases, early refresh.

Which generations it may trust and how writes bump them is ``coherence.py``."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import partial
from typing import Any, NamedTuple, TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache.breaker import CircuitBreaker
from tally.cache.coherence import Coherence
from tally.cache.envelope import decode_envelope, decoded, encode_envelope, etag_for
from tally.cache.invalidation import register_cache, unregister_cache
from tally.cache.keys import DEFAULT_TTLS, EPOCH, Key
from tally.cache.listener import InvalidationListener
from tally.cache.local import Entry, LocalTier
from tally.cache.redis_tier import RedisTier, RedisUnavailable
from tally.cache.shape import code_fingerprint
from tally.cache.stats import CacheStats
from tally.config import Settings
from tally.kit.db import Database

log = structlog.get_logger("tally.cache")

T = TypeVar("T")

# Loads a value from the database in a session of its own; None means "nothing to cache".
Loader = Callable[[AsyncSession], Awaitable[bytes | None]]
# Loads several values in one session: item -> its bytes; an item left out has nothing to cache.
ManyLoader = Callable[[AsyncSession, list[T]], Awaitable[dict[T, bytes]]]

# How a process that lost the lease polls for the value the lease holder is loading, and for how
# many lease TTLs at most (the holder renews its lease while it loads).
_LEASE_POLL_DELAYS_S = (0.002, 0.005, 0.01, 0.02, 0.04)
_LEASE_WAIT_LIMIT = 10


class Cache:
    """Read-through cache of serialized responses and of authorization lookups.

    Modes: ``disabled`` (ENABLE_CACHE=false: every read loads), ``local`` (no REDIS_URL: the
    in-process tier, one process), ``redis`` (CACHE_LOCAL_MAX_BYTES=0) and ``redis+local``
    (the in-process tier kept coherent by the invalidation broadcast).
    """

    def __init__(self, settings: Settings, database: Database, *, serve_reads: bool = True) -> None:
        """``serve_reads=False``: a process that only writes (``tally worker``, the CLI) and only
        needs its invalidations delivered: no in-process tier, no subscription."""
        self.database = database
        self.enabled = settings.enable_cache
        if self.enabled and serve_reads and not settings.redis_url and _other_writers(settings):
            # Without Redis, generations live in this process only, and writes made by the task
            # workers could never reach it: serving from it would serve stale data.
            log.warning(
                "cache.disabled", reason="tasks run in other processes and REDIS_URL is unset"
            )
            self.enabled = False
        self.ttls: dict[str, int] = {**DEFAULT_TTLS, **settings.cache_ttls}
        self.default_ttl = settings.cache_ttl
        self.early_refresh = settings.cache_early_refresh
        self.lock_ttl = settings.cache_lock_ttl
        self.stats = CacheStats()
        self.breaker = CircuitBreaker(settings.cache_breaker_threshold)
        self.local: LocalTier | None = None
        self.redis: RedisTier | None = None
        self.listener: InvalidationListener | None = None
        if self.enabled and serve_reads and settings.cache_local_max_bytes > 0:
            self.local = LocalTier(settings.cache_local_max_bytes)
        self.coherence = Coherence(
            local=self.local,
            breaker=self.breaker,
            stats=self.stats,
            cooldown=settings.cache_breaker_cooldown,
        )
        if self.enabled and settings.redis_url:
            self.redis = RedisTier(
                settings.redis_url,
                prefix=settings.cache_key_prefix,
                shape=settings.cache_shape or code_fingerprint(),
                timeout=settings.cache_redis_timeout,
                breaker=self.breaker,
                stats=self.stats,
                on_breaker_open=self.coherence.on_breaker_open,
            )
            if self.local is not None:
                self.listener = InvalidationListener(
                    settings.redis_url,
                    self.redis.channel,
                    on_message=self.coherence.on_broadcast,
                    on_reset=self.coherence.on_subscription_reset,
                    heartbeat=settings.cache_heartbeat,
                    timeout=settings.cache_redis_timeout,
                )
        self.coherence.redis = self.redis
        self.coherence.listener = self.listener
        self._flights: dict[str, asyncio.Task[Entry | None]] = {}
        self._shared_calls: dict[str, asyncio.Future[Any]] = {}
        self._tasks: set[asyncio.Task[Entry | None]] = set()
        self._log_lookups = _debug_enabled()

    # --- lifecycle ------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        if not self.enabled:
            return "disabled"
        if self.redis is None:
            return "local" if self.local is not None else "disabled"
        return "redis+local" if self.local is not None else "redis"

    async def start(self) -> None:
        """Subscribe to invalidations and register for ``invalidate()`` on this database."""
        register_cache(self.database.engine.sync_engine, self)
        if self.listener is not None:
            await self.listener.start()
            # Give the first subscription a moment, so a fresh process serves local hits at once.
            for _ in range(20):
                if self.listener.fresh:
                    break
                await asyncio.sleep(0.005)

    async def stop(self) -> None:
        unregister_cache(self.database.engine.sync_engine, self)
        recovery = self.coherence.recovery
        tasks: list[asyncio.Task[Any]] = [*self._tasks, *([recovery] if recovery else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.listener is not None:
            await self.listener.stop()
        if self.redis is not None:
            await self.redis.close()

    def ttl(self, key: Key) -> int:
        return self.ttls.get(key.family, self.default_ttl)

    # --- reads ----------------------------------------------------------------------------------
    async def fetch(self, key: Key, load: Loader) -> Entry | None:
        """The cached value of ``key``, loading it (once, for every concurrent caller) on a miss.

        Authorization must already have run: the cache trusts that the caller may see ``key``.
        """
        if not self.enabled:
            return await self._load(key, load)
        found = await self._lookup(key)
        family = self.stats.families[key.family]
        if found.entry is not None:
            self.count_hit(key, found.tier)
            self._maybe_refresh(key, found.storage_key, found.entry, load, found.coherence)
            return found.entry
        if found.bypass:
            family.bypassed += 1
            return await self._load(key, load)
        family.misses += 1
        if self._log_lookups:
            log.debug("cache_miss", key=key.name)
        return await self._single_flight(key, found.storage_key, load, found.coherence)

    async def peek(self, key: Key) -> tuple[Entry, str] | None:
        """(entry, tier) if ``key`` is cached and not due for a refresh; never loads.

        For the fast path (``tally.fast_reads``), which counts the hits it serves itself
        (``count_hit``); anything else falls through to an endpoint, which fetches.
        """
        if not self.enabled:
            return None
        found = await self._lookup(key)
        entry = found.entry
        if entry is None or (self.early_refresh > 0 and time.time() >= entry.refresh_at):
            return None
        return entry, found.tier

    async def peek_many(self, keys: list[Key]) -> list[tuple[Entry, str] | None]:
        """``peek`` for several keys; without a usable in-process tier, one Redis round trip."""
        if not self.enabled:
            return [None] * len(keys)
        if self.redis is None or self.coherence.local_ready():
            return [await self.peek(key) for key in keys]
        started = time.perf_counter()
        try:
            reads = await self.redis.read_many(
                [(key.name, (EPOCH, *key.namespaces)) for key in keys]
            )
        except RedisUnavailable:
            return [None] * len(keys)
        now = time.time()
        found: list[tuple[Entry, str] | None] = []
        for read in reads:
            entry = decode_envelope(read[1]) if read is not None and read[1] is not None else None
            if entry is None or entry.expires_at <= now:
                found.append(None)
            elif self.early_refresh > 0 and now >= entry.refresh_at:
                found.append(None)  # the endpoint's fetch refreshes it
            else:
                found.append((entry, "redis"))
        self.stats.latency["cache", "redis_hit"].observe(time.perf_counter() - started)
        return found

    def count_hit(self, key: Key, tier: str) -> None:
        family = self.stats.families[key.family]
        if tier == "local":
            family.hits_local += 1
        else:
            family.hits_redis += 1
        if self._log_lookups:
            log.debug("cache_hit", key=key.name, tier=tier)

    async def _lookup(self, key: Key) -> _Lookup:
        """Both tiers, no loading, no counting."""
        now = time.time()
        local_ready = self.coherence.local_ready()
        coherence = self.coherence.version if local_ready else None
        generations = self.coherence.known(key.namespaces) if local_ready else None
        storage_key = ""
        if generations is not None:
            storage_key = _storage_key(key, generations)
            assert self.local is not None
            entry = self.local.get(storage_key, now)
            if entry is not None:
                return _Lookup(entry, "local", storage_key, coherence)
        if self.redis is not None:
            started = time.perf_counter()
            redis = self.redis
            try:
                read = None
                if generations is None and coherence is None:
                    # No in-process generations to trust: generations and value in one trip.
                    read = await redis.read(key.name, (EPOCH, *key.namespaces))
                if read is not None:
                    generations, raw = read
                    storage_key = _storage_key(key, generations)
                else:
                    if generations is None:
                        generations = await self._redis_generations(key, coherence)
                        storage_key = _storage_key(key, generations)
                    # Shared by concurrent readers of one storage key: it never gets older.
                    raw = await self._shared(f"v {storage_key}", lambda: redis.get(storage_key))
            except RedisUnavailable:
                return _Lookup(None, "", storage_key, coherence, bypass=True)
            entry = decode_envelope(raw) if raw is not None else None
            if entry is not None and entry.expires_at > now:
                self.stats.latency["cache", "redis_hit"].observe(time.perf_counter() - started)
                self._store_local(storage_key, entry, coherence)
                return _Lookup(entry, "redis", storage_key, coherence)
        return _Lookup(None, "", storage_key, coherence)

    async def fetch_many(
        self,
        items: Sequence[T],
        key_of: Callable[[T], Key],
        load: ManyLoader[T],
    ) -> dict[T, Entry]:
        """The cached values of several keys, every missing one loaded by one ``load(session,
        missing items)`` call (one query for all of them). Items the loader found nothing for are
        absent from the result.

        Each value is stored under the generations read before the load, exactly as ``fetch``
        does, and concurrent requests missing the same key join its load (per process). Made for
        a page assembled from entries that are also read one by one (a projects page from the
        ``project:{id}`` entries): a write to one item invalidates that entry alone.
        """
        if not items:
            return {}
        keyed = [(item, key_of(item)) for item in items]
        if not self.enabled:
            return await self._load_many([(item, key, None) for item, key in keyed], load)
        lookups = await asyncio.gather(*(self._lookup(key) for _, key in keyed))
        found: dict[T, Entry] = {}
        bypassed: list[tuple[T, Key, None]] = []
        missing: list[tuple[T, Key, _Lookup]] = []
        waiting: list[tuple[T, asyncio.Task[Entry | None]]] = []
        for (item, key), lookup in zip(keyed, lookups, strict=True):
            family = self.stats.families[key.family]
            if lookup.entry is not None:
                self.count_hit(key, lookup.tier)
                self._maybe_refresh(
                    key, lookup.storage_key, lookup.entry, _one_of(load, item), lookup.coherence
                )
                found[item] = lookup.entry
            elif lookup.bypass:
                family.bypassed += 1
                bypassed.append((item, key, None))
            else:
                family.misses += 1
                flight = self._flights.get(lookup.storage_key)
                if flight is None:
                    missing.append((item, key, lookup))
                else:
                    waiting.append((item, flight))
        if missing:
            batch = asyncio.create_task(self._load_many_and_store(missing, load))
            batch.add_done_callback(_retrieve_exception)  # each item's flight re-raises it
            for item, _, lookup in missing:
                flight = asyncio.create_task(_entry_of(batch, item))
                self._flights[lookup.storage_key] = flight
                flight.add_done_callback(partial(self._end_flight, lookup.storage_key))
                waiting.append((item, flight))
        if bypassed:
            found |= await self._load_many(bypassed, load)
        for item, flight in waiting:
            entry = await asyncio.shield(flight)
            if entry is not None:
                found[item] = entry
        return found

    async def _load_many(
        self, missing: Sequence[tuple[T, Key, _Lookup | None]], load: ManyLoader[T]
    ) -> dict[T, Entry]:
        family = self.stats.families[missing[0][1].family]
        started = time.perf_counter()
        try:
            async with self.database.sessionmaker() as session:
                # A session of its own, begun after every generation was read (see _load).
                bodies = await load(session, [item for item, _, _ in missing])
        except BaseException:
            family.load_errors += 1
            raise
        family.loads += 1
        family.load_seconds.observe(time.perf_counter() - started)
        return {
            item: self._new_entry(key, bodies[item]) for item, key, _ in missing if item in bodies
        }

    async def _load_many_and_store(
        self, missing: list[tuple[T, Key, _Lookup]], load: ManyLoader[T]
    ) -> dict[T, Entry]:
        entries = await self._load_many(missing, load)
        stored = [
            (lookup.storage_key, entries[item], lookup.coherence, key)
            for item, key, lookup in missing
            if item in entries
        ]
        if self.redis is not None and stored:
            with contextlib.suppress(RedisUnavailable):
                await self.redis.set_many(
                    [
                        (storage_key, encode_envelope(entry), entry.expires_at - time.time())
                        for storage_key, entry, _, _ in stored
                    ]
                )
                for _, _, _, key in stored:
                    self.stats.families[key.family].stores += 1
        for storage_key, entry, coherence, _ in stored:
            self._store_local(storage_key, entry, coherence)
        return entries

    async def load(self, key: Key, load: Loader) -> Entry | None:
        """``load``'s value in a session of its own, neither looked up nor stored (for a read
        that found the cache inconsistent with itself, e.g. a page listing a deleted item)."""
        return await self._load(key, load)

    async def fetch_decoded(
        self, key: Key, load: Loader, decode: Callable[[bytes], Any]
    ) -> Any | None:
        """Like fetch, returning ``decode(body)``, decoded once per in-process entry."""
        entry = await self.fetch(key, load)
        return None if entry is None else decoded(entry, decode)

    async def _redis_generations(self, key: Key, coherence: int | None) -> list[int]:
        redis = self.redis
        assert redis is not None
        namespaces = (EPOCH, *key.namespaces)
        if coherence is None:
            return await redis.generations(namespaces)
        # Concurrent readers share one lookup. One that joined late (after a write elsewhere) may
        # get values read before that write, but the write's broadcast reached this process
        # before its request did, so merging in what the process knows makes them current.
        values: list[int] = await self._shared(
            "g " + " ".join(namespaces), lambda: redis.generations(namespaces)
        )
        # Flushed meanwhile: what we knew is gone, ask again.
        if coherence != self.coherence.version:
            return await redis.generations(namespaces)
        merged = []
        for namespace, value in zip(namespaces, values, strict=True):
            self.coherence.generations.learn(namespace, value)
            merged.append(max(value, self.coherence.generations.get(namespace) or value))
        return merged

    async def _shared(self, name: str, call: Callable[[], Awaitable[T]]) -> T:
        """One in-flight call per name; concurrent callers await the same result."""
        pending = self._shared_calls.get(name)
        if pending is None:
            pending = asyncio.ensure_future(call())
            self._shared_calls[name] = pending

            def done(future: asyncio.Future[Any]) -> None:
                if self._shared_calls.get(name) is future:
                    del self._shared_calls[name]
                if not future.cancelled():
                    future.exception()  # every caller re-raises it

            pending.add_done_callback(done)
        result: T = await asyncio.shield(pending)
        return result

    async def _single_flight(
        self, key: Key, storage_key: str, load: Loader, coherence: int | None
    ) -> Entry | None:
        # The flight is keyed by the *versioned* key: a request that read newer generations (it
        # started after an invalidation) never joins a load that may have started before it.
        flight = self._flights.get(storage_key)
        joined_refresh = flight is not None and flight in self._tasks
        if flight is None:
            flight = asyncio.create_task(self._load_and_store(key, storage_key, load, coherence))
            self._flights[storage_key] = flight
            flight.add_done_callback(lambda done: self._end_flight(storage_key, done))
        entry = await asyncio.shield(flight)
        if entry is None and joined_refresh:
            # An early refresh gives up quietly (its load failed, or another process refreshes):
            # this caller still needs the value, or its own load's error (a 503, never a 500).
            return await self._load(key, load)
        return entry

    def _end_flight(self, storage_key: str, flight: asyncio.Task[Entry | None]) -> None:
        if self._flights.get(storage_key) is flight:
            del self._flights[storage_key]
        if not flight.cancelled():
            flight.exception()  # retrieved here; every waiter re-raises it

    async def _load_and_store(
        self, key: Key, storage_key: str, load: Loader, coherence: int | None
    ) -> Entry | None:
        # Whoever looked the key up before the previous flight stored its value (the reply was
        # on its way) starts a new flight: it must find that value, not load again.
        if self.local is not None and coherence == self.coherence.version:
            entry = self.local.get(storage_key, time.time())
            if entry is not None:
                return entry
        redis = self.redis
        lease: str | None = None
        redis_ok = redis is not None
        if redis is not None:
            token = secrets.token_hex(8)
            try:
                raw, leased = await redis.value_or_lease(storage_key, token, self.lock_ttl)
                stored = decode_envelope(raw) if raw is not None else None
                if stored is not None and stored.expires_at > time.time():
                    self._store_local(storage_key, stored, coherence)
                    return stored
                if leased:
                    lease = token
                else:
                    self.stats.families[key.family].lease_waits += 1
                    entry = await self._wait_for_lease_holder(storage_key)
                    if entry is not None:
                        self._store_local(storage_key, entry, coherence)
                        return entry
            except RedisUnavailable:
                redis_ok = False
        renewal = None
        if lease is not None:
            renewal = asyncio.create_task(self._renew_lease(storage_key, lease))
        try:
            entry = await self._load(key, load)
            if entry is None:
                return None
            if redis is not None and redis_ok:
                with contextlib.suppress(RedisUnavailable):
                    await redis.set(
                        storage_key, encode_envelope(entry), entry.expires_at - time.time()
                    )
                    self.stats.families[key.family].stores += 1
            self._store_local(storage_key, entry, coherence)
            return entry
        finally:
            if renewal is not None:
                renewal.cancel()
            if lease is not None and redis is not None:
                with contextlib.suppress(RedisUnavailable):
                    await redis.release(storage_key, lease)

    async def _renew_lease(self, storage_key: str, token: str) -> None:
        """Keep the lease while the load runs, however long the machine makes it take: the other
        processes wait for this value as long as the lease is held."""
        assert self.redis is not None
        while True:
            await asyncio.sleep(self.lock_ttl / 3)
            with contextlib.suppress(RedisUnavailable):
                await self.redis.renew(storage_key, token, self.lock_ttl)

    async def _wait_for_lease_holder(self, storage_key: str) -> Entry | None:
        """Poll for the value another process is loading; None once its lease is gone (it failed,
        found nothing to cache, or died), or after _LEASE_WAIT_LIMIT lease TTLs."""
        assert self.redis is not None
        deadline = time.monotonic() + self.lock_ttl * _LEASE_WAIT_LIMIT
        delays = itertools.chain(_LEASE_POLL_DELAYS_S, itertools.repeat(_LEASE_POLL_DELAYS_S[-1]))
        while time.monotonic() < deadline:
            await asyncio.sleep(next(delays))
            raw, held = await self.redis.poll(storage_key)
            if raw is not None:
                entry = decode_envelope(raw)
                if entry is not None:
                    return entry
            if not held:
                return None  # load ourselves
        return None

    async def _load(self, key: Key, load: Loader) -> Entry | None:
        family = self.stats.families[key.family]
        started = time.perf_counter()
        try:
            async with self.database.sessionmaker() as session:
                # A session of its own: its snapshot starts after the generations were read, so
                # what it loads is at least as new as those generations, on every backend.
                body = await load(session)
        except BaseException:
            family.load_errors += 1
            raise
        family.loads += 1
        family.load_seconds.observe(time.perf_counter() - started)
        return None if body is None else self._new_entry(key, body)

    def _new_entry(self, key: Key, body: bytes) -> Entry:
        ttl = self.ttl(key)
        now = time.time()
        return Entry(
            body=body,
            etag=etag_for(body),
            expires_at=now + ttl,
            refresh_at=now + ttl * (1 - self.early_refresh),
        )

    def _store_local(self, storage_key: str, entry: Entry, coherence: int | None) -> None:
        if (
            self.local is not None
            and coherence is not None
            and coherence == self.coherence.version
            and self.coherence.local_ready()
        ):
            self.local.put(storage_key, entry)

    # --- early refresh --------------------------------------------------------------------------
    def _maybe_refresh(
        self, key: Key, storage_key: str, entry: Entry, load: Loader, coherence: int | None
    ) -> None:
        now = time.time()
        if self.early_refresh <= 0 or now < entry.refresh_at or storage_key in self._flights:
            return
        # Not again from this entry for a while, whatever happens to this refresh.
        entry.refresh_at = now + max(1.0, self.ttl(key) * self.early_refresh / 4)
        self.stats.families[key.family].early_refreshes += 1
        flight = asyncio.create_task(self._refresh(key, storage_key, load, coherence))
        self._flights[storage_key] = flight
        flight.add_done_callback(lambda done: self._end_flight(storage_key, done))
        self._tasks.add(flight)
        flight.add_done_callback(self._tasks.discard)

    async def _refresh(
        self, key: Key, storage_key: str, load: Loader, coherence: int | None
    ) -> Entry | None:
        """Reload an entry about to expire while requests keep getting the current one."""
        redis = self.redis
        token = secrets.token_hex(8)
        try:
            if redis is not None and not await redis.acquire(storage_key, token, self.lock_ttl):
                return None  # another process is refreshing it
            entry = await self._load(key, load)
            if entry is None:
                return None
            if redis is not None:
                await redis.set(storage_key, encode_envelope(entry), entry.expires_at - time.time())
            self._store_local(storage_key, entry, coherence)
            return entry
        except RedisUnavailable:
            return None
        except Exception as error:  # a failed refresh leaves the current entry to expire
            log.warning("cache_error", operation="refresh", key=key.name, error=repr(error)[:200])
            return None
        finally:
            if redis is not None:
                with contextlib.suppress(RedisUnavailable):
                    await redis.release(storage_key, token)

    # --- invalidation ---------------------------------------------------------------------------
    async def invalidate_now(self, namespaces: Iterable[str]) -> None:
        """Bump ``namespaces`` (after the writing transaction committed). Never raises."""
        unique = tuple(dict.fromkeys(namespaces))
        if not self.enabled or not unique:
            return
        await self.coherence.bump(unique)

    async def reserve(self, key: Key) -> int | None:
        """The first half of a write-through (``invalidation.WriteThrough``): bump the key's
        namespace before the write. Returns the generation this gave, or None (the write then
        just invalidates)."""
        if not self.enabled:
            return None
        (namespace,) = key.namespaces
        return await self.coherence.reserve(namespace)

    async def write_through_now(self, key: Key, body: bytes, reserved: int | None) -> None:
        """The second half, after commit: bump the namespace again and, if nothing bumped it
        since ``reserve`` (every write that committed after this one bumps it after its commit,
        so none has), store ``body`` as the key's value under the new generation. Otherwise, or without a reservation, this is a plain invalidation: a slow
        write never stores a value older than a later one. Never raises."""
        if reserved is None or not self.enabled:
            await self.invalidate_now(key.namespaces)
            return
        (namespace,) = key.namespaces
        entry = self._new_entry(key, body)
        if self.redis is None:
            if self.local is None or self.coherence.generations.get(namespace) != reserved:
                await self.invalidate_now(key.namespaces)
                return
            self.stats.invalidations += 1
            self.coherence.generations.learn(namespace, self.coherence.next_local())
            generations = self.coherence.known(key.namespaces)
            assert generations is not None  # never None without Redis
            self.local.put(_storage_key(key, generations), entry)
            self.stats.families[key.family].stores += 1
            return
        coherence = self.coherence.version
        try:
            if not self.breaker.is_closed:
                raise RedisUnavailable("circuit breaker open")
            generation, epoch = await self.redis.write_through(
                namespace, reserved, f"{key.name}@", encode_envelope(entry), self.ttl(key)
            )
        except RedisUnavailable:
            await self.invalidate_now(key.namespaces)  # delivers it, or records the failure
            return
        self.stats.invalidations += 1
        self.coherence.generations.learn(namespace, generation)
        if epoch is not None:
            self.stats.families[key.family].stores += 1
            self._store_local(_storage_key(key, [epoch, generation]), entry, coherence)

    async def snapshot(self) -> dict[str, Any]:
        stats = self.stats
        local = self.local
        redis_memory: dict[str, Any] | None = None
        if self.redis is not None and self.breaker.is_closed:
            with contextlib.suppress(RedisUnavailable):
                redis_memory = await self.redis.memory()
        return {
            "enabled": self.enabled,
            "mode": self.mode,
            "totals": stats.totals(),
            "families": {
                name: family.snapshot() for name, family in sorted(stats.families.items())
            },
            "local": None
            if local is None
            else {
                "entries": len(local),
                "bytes": local.bytes,
                "max_bytes": local.max_bytes,
                "evictions": local.evictions,
                "expirations": local.expirations,
                "rejected": local.rejected,
                "generations_known": len(self.coherence.generations),
                "usable": self.coherence.local_ready(),
                "flushes": stats.local_flushes,
            },
            "redis": None
            if self.redis is None
            else {
                "breaker": self.breaker.snapshot(),
                "errors": dict(stats.errors),
                "memory": redis_memory,
                "subscription": self.listener.snapshot() if self.listener else None,
                "undelivered_invalidations": self.coherence.undelivered,
            },
            "invalidations": {
                "delivered_or_local": stats.invalidations - stats.invalidation_failures,
                "failed": stats.invalidation_failures,
                "epoch_bumps": stats.epoch_bumps,
            },
            "fast_path_hits": stats.fast_path_hits,
            "in_flight": len(self._flights),
            "ttls": {
                **{str(name): ttl for name, ttl in self.ttls.items()},
                "default": self.default_ttl,
            },
        }


def _other_writers(settings: Settings) -> bool:
    return settings.effective_task_backend != "embedded"


class _Lookup(NamedTuple):
    entry: Entry | None
    tier: str  # "local" or "redis" when found
    storage_key: str  # the versioned key ("" when generations could not be read)
    coherence: int | None  # the in-process tier's epoch when the lookup began, if usable
    bypass: bool = False  # Redis failed: serve uncached


def _one_of(load: ManyLoader[T], item: T) -> Loader:
    """``load`` for one item: what an early refresh of that item's entry runs."""

    async def load_one(session: AsyncSession) -> bytes | None:
        return (await load(session, [item])).get(item)

    return load_one


def _retrieve_exception(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


async def _entry_of(batch: asyncio.Task[dict[T, Entry]], item: T) -> Entry | None:
    return (await asyncio.shield(batch)).get(item)


def _storage_key(key: Key, generations: list[int]) -> str:
    return f"{key.name}@{'.'.join(map(str, generations))}"


def _debug_enabled() -> bool:
    # structlog's filtering logger drops debug calls, but building the call still costs a few
    # microseconds per hit; check the level once instead.
    return logging.getLogger().isEnabledFor(logging.DEBUG)
