"""The generations this process may trust, and how its writes bump them (``Cache.coherence``).

Without Redis, generations come from an in-process counter. With Redis they live there: a write
bumps them in Redis, the broadcast teaches every process's tier, and when Redis cannot take a bump
this process forgets those namespaces and stops trusting Redis until recovery has bumped the global
epoch (see the package docs, "Outages").
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time

import structlog

from tally.cache.breaker import CircuitBreaker
from tally.cache.keys import EPOCH
from tally.cache.listener import InvalidationListener
from tally.cache.local import Generations, LocalTier
from tally.cache.redis_tier import RedisTier, RedisUnavailable
from tally.cache.stats import CacheStats

log = structlog.get_logger("tally.cache")


class Coherence:
    """Generation bookkeeping of one cache: what it knows, what it bumps, when it flushes."""

    # Set by the cache once built: the tier and the listener call back into this object.
    redis: RedisTier | None = None
    listener: InvalidationListener | None = None

    def __init__(
        self,
        *,
        local: LocalTier | None,
        breaker: CircuitBreaker,
        stats: CacheStats,
        cooldown: float,
    ) -> None:
        self.local = local
        self.breaker = breaker
        self.stats = stats
        self.cooldown = cooldown
        self.generations = Generations()
        # Without Redis, generations come from this counter: strictly increasing, never reused.
        self._local_sequence = itertools.count(time.time_ns() // 1000)
        # Changes whenever the in-process tier is flushed: a value read before may not go in.
        self.version = 0
        # Invalidations Redis never received; recovery bumps the epoch before trusting Redis.
        self.undelivered = 0
        self.recovery: asyncio.Task[None] | None = None

    def local_ready(self) -> bool:
        """Whether the in-process tier may serve: with Redis, only while the subscription is
        provably live (every broadcast so far applied). An open breaker does not matter here:
        a failed read says nothing about missed broadcasts, and this process's own undelivered
        invalidations are forgotten from its generations (see bump)."""
        if self.local is None:
            return False
        if self.redis is None:
            return True
        return self.listener is not None and self.listener.fresh

    def known(self, namespaces: tuple[str, ...]) -> list[int] | None:
        """The generations of the epoch and ``namespaces`` as this process knows them; None if
        one is unknown and only Redis can tell (without Redis, an unknown one starts fresh)."""
        generations = self.generations
        values: list[int] = []
        for namespace in (EPOCH, *namespaces):
            value = generations.get(namespace)
            if value is None:
                if self.redis is not None:
                    return None
                value = self.next_local()
                generations.learn(namespace, value)
            values.append(value)
        return values

    def next_local(self) -> int:
        """A fresh generation without Redis."""
        return next(self._local_sequence)

    async def bump(self, namespaces: tuple[str, ...]) -> None:
        """Bump ``namespaces`` (after the writing transaction committed). Never raises."""
        self.stats.invalidations += 1
        if self.redis is None:
            for namespace in namespaces:
                self.generations.learn(namespace, self.next_local())
            return
        if self.breaker.is_closed:
            try:
                value = await self.redis.bump(namespaces)
            except RedisUnavailable:
                # Redis may still hold entries this write made stale: stop reading it until the
                # recovery task has bumped the epoch.
                if self.breaker.trip("invalidation not delivered"):
                    self.on_breaker_open()
            else:
                # This process sees its own write at once; the broadcast tells the others.
                for namespace in namespaces:
                    self.generations.learn(namespace, value)
                return
        self.undelivered += 1  # recovery bumps the epoch before Redis is trusted again
        self.stats.invalidation_failures += 1
        # Meanwhile this process must not serve what the write changed from its own tier: with
        # these generations unknown, such keys need Redis, which the open breaker refuses. And
        # a lookup already in flight must not learn them back from Redis (still the old ones)
        # nor store what it read: both require an unchanged coherence version.
        self.version += 1
        for namespace in namespaces:
            self.generations.forget(namespace)

    async def reserve(self, namespace: str) -> int | None:
        """Bump ``namespace`` before a write-through's write; the generation this gave, or None
        (the write then just invalidates)."""
        if self.redis is None:
            reserved = self.next_local()
            self.generations.learn(namespace, reserved)
            return reserved
        if not self.breaker.is_closed:
            return None
        try:
            reserved = await self.redis.bump((namespace,))
        except RedisUnavailable:
            return None
        self.generations.learn(namespace, reserved)
        return reserved

    def on_broadcast(self, generation: int, namespaces: list[str]) -> None:
        for namespace in namespaces:
            self.generations.learn(namespace, generation)
        if EPOCH in namespaces and self.local is not None:
            self.local.clear()  # all unreachable now; free the memory

    def on_subscription_reset(self, reason: str) -> None:
        self._flush_local()

    def on_breaker_open(self) -> None:
        log.warning("cache_error", operation="breaker", error="circuit breaker opened")
        if self.redis is not None and self.redis.pipe is not None:
            self.redis.pipe.close()  # it may have gone silent: the next call connects anew
        if self.recovery is None or self.recovery.done():
            self.recovery = asyncio.create_task(self._recover())

    def _flush_local(self) -> None:
        self.version += 1
        self.generations.clear()
        if self.local is not None:
            self.local.clear()
        self.stats.local_flushes += 1

    async def _recover(self) -> None:
        """Probe Redis in the background; once it answers, forget what it may hold stale and
        close the breaker."""
        assert self.redis is not None
        while True:
            await asyncio.sleep(self.cooldown * secrets.choice((0.8, 0.9, 1.0, 1.1, 1.2)))
            undelivered = self.undelivered
            try:
                await self.redis.ping()
                if undelivered:
                    # Entries stored before the undelivered invalidations are now unreachable in
                    # every process (each key embeds the epoch generation).
                    epoch = await self.redis.bump((EPOCH,))
                    self.generations.learn(EPOCH, epoch)  # before our broadcast arrives
                    self.stats.epoch_bumps += 1
            except RedisUnavailable:
                continue
            if self.undelivered != undelivered:
                continue  # another write failed meanwhile: bump again
            self.undelivered = 0
            self.breaker.reset()
            log.info("cache.breaker_closed", epoch_bumped=bool(undelivered))
            return
