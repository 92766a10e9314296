"""The Redis tier: every call within a tight budget, behind a circuit breaker, bytes only.

Generations live in Redis as ``{prefix}gen:{namespace}``. Their values come from one sequence
(``{prefix}gen-seq``), so a generation value is never reused: a bumped namespace, or one whose key
expired or was evicted and is initialised again, always gets a value no stored key has used. The
sequence is seeded from the server clock in microseconds when it is missing, so even a Redis that
lost everything hands out values above all earlier ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from tally.cache.breaker import CircuitBreaker
from tally.cache.stats import CacheStats

log = structlog.get_logger("tally.cache")

T = TypeVar("T")

# Connections per process. Waiting for one counts against the call's budget (a pool that stays
# exhausted for that long means Redis is too slow to help), instead of failing at once.
MAX_CONNECTIONS = 64

# A generation key outlives any entry TTL by far; when one expires anyway the namespace just gets
# a fresh value (all its entries become unreachable), which is always safe.
GENERATION_TTL_S = 7 * 24 * 3600

_NEXT_GENERATION = """
local function next_generation(sequence)
  if redis.call('EXISTS', sequence) == 0 then
    local now = redis.call('TIME')
    redis.call('SET', sequence, now[1] .. string.format('%06d', tonumber(now[2])))
  end
  return redis.call('INCR', sequence)
end
"""

# KEYS[1]: the sequence; KEYS[2..]: generation keys. ARGV[1]: their TTL.
# Returns the generations, giving each missing key a fresh value.
_INIT_GENERATIONS = (
    _NEXT_GENERATION
    + """
local out = {}
for i = 2, #KEYS do
  local value = redis.call('GET', KEYS[i])
  if value then
    value = tonumber(value)
  else
    value = next_generation(KEYS[1])
    redis.call('SET', KEYS[i], string.format('%d', value), 'EX', ARGV[1])
  end
  out[#out + 1] = value
end
return out
"""
)

# KEYS[1]: the sequence; KEYS[2..]: generation keys to bump. ARGV: TTL, channel, namespaces.
# One new value for all of them, then one broadcast "<generation> <namespace> ..." to every
# process's in-process tier.
_BUMP = (
    _NEXT_GENERATION
    + """
local value = string.format('%d', next_generation(KEYS[1]))
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], value, 'EX', ARGV[1])
end
redis.call('PUBLISH', ARGV[2], value .. ' ' .. ARGV[3])
return tonumber(value)
"""
)

# KEYS: generation keys (the epoch first); ARGV[1]: the value key without its generations.
# One round trip for a lookup whose generations this process does not know: {value, gen...}, or
# {false} when a generation is missing (the caller initialises it, then reads).
_READ = """
local generations = redis.call('MGET', unpack(KEYS))
for i = 1, #generations do
  if not generations[i] then
    return {false}
  end
end
local value = redis.call('GET', ARGV[1] .. table.concat(generations, '.'))
return {value, unpack(generations)}
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisUnavailable(Exception):
    """A Redis call failed, ran out of its budget, or was not made because the breaker is open."""


class RedisTier:
    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        timeout: float,
        breaker: CircuitBreaker,
        stats: CacheStats,
        on_breaker_open: Callable[[], None],
    ) -> None:
        self.prefix = prefix
        self.timeout = timeout
        self.breaker = breaker
        self.stats = stats
        self.channel = f"{prefix}invalidations"
        self._sequence_key = f"{prefix}gen-seq"
        self._on_breaker_open = on_breaker_open
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=MAX_CONNECTIONS,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # No retries: a failed call falls back to the database at once, and the breaker (not
            # a retry loop) decides when Redis is worth calling again.
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
            client_name="tally-cache",
            decode_responses=False,
        )
        self.client: Redis = Redis(connection_pool=pool)
        self._init_generations = self.client.register_script(_INIT_GENERATIONS)
        self._bump = self.client.register_script(_BUMP)
        self._release = self.client.register_script(_RELEASE)
        self._read = self.client.register_script(_READ)

    # --- keys -----------------------------------------------------------------------------------
    def value_key(self, storage_key: str) -> str:
        return f"{self.prefix}v:{storage_key}"

    def lock_key(self, storage_key: str) -> str:
        return f"{self.prefix}lock:{storage_key}"

    def generation_key(self, namespace: str) -> str:
        return f"{self.prefix}gen:{namespace}"

    # --- operations -----------------------------------------------------------------------------
    async def generations(self, namespaces: tuple[str, ...]) -> list[int]:
        keys = [self.generation_key(namespace) for namespace in namespaces]
        values: list[bytes | None] = await self._call("generations", lambda: self.client.mget(keys))
        if all(value is not None for value in values):
            return [int(value) for value in values if value is not None]
        missing = [key for key, value in zip(keys, values, strict=True) if value is None]
        initialised: list[int] = await self._call(
            "generations_init",
            lambda: self._init_generations(
                keys=[self._sequence_key, *missing], args=[GENERATION_TTL_S]
            ),
        )
        fresh = dict(zip(missing, initialised, strict=True))
        return [
            int(value) if value is not None else fresh[key]
            for key, value in zip(keys, values, strict=True)
        ]

    async def read(
        self, name: str, namespaces: tuple[str, ...]
    ) -> tuple[list[int], bytes | None] | None:
        """The generations of ``namespaces`` and the value stored under them, in one round trip;
        None when a generation is missing."""
        keys = [self.generation_key(namespace) for namespace in namespaces]
        prefix = self.value_key(f"{name}@")
        reply: list[Any] = await self._call("read", lambda: self._read(keys=keys, args=[prefix]))
        if len(reply) == 1:
            return None
        return [int(generation) for generation in reply[1:]], reply[0]

    async def bump(self, namespaces: tuple[str, ...]) -> int:
        keys = [self._sequence_key, *(self.generation_key(namespace) for namespace in namespaces)]
        args: list[str | int] = [GENERATION_TTL_S, self.channel, " ".join(namespaces)]
        value: int = await self._call("bump", lambda: self._bump(keys=keys, args=args), force=True)
        return int(value)

    async def get(self, storage_key: str) -> bytes | None:
        key = self.value_key(storage_key)
        value: bytes | None = await self._call("get", lambda: self.client.get(key))
        return value

    async def set(self, storage_key: str, value: bytes, ttl_s: float) -> None:
        key = self.value_key(storage_key)
        ttl_ms = max(int(ttl_s * 1000), 1)
        await self._call("set", lambda: self.client.set(key, value, px=ttl_ms))

    async def poll(self, storage_key: str) -> tuple[bytes | None, bool]:
        """(the value if stored yet, whether someone still holds the lease to load it)."""
        keys = [self.value_key(storage_key), self.lock_key(storage_key)]
        value, holder = await self._call("lease_poll", lambda: self.client.mget(keys))
        return value, holder is not None

    async def acquire(self, storage_key: str, token: str, ttl_s: float) -> bool:
        key = self.lock_key(storage_key)
        ttl_ms = max(int(ttl_s * 1000), 1)
        acquired = await self._call(
            "lease", lambda: self.client.set(key, token, nx=True, px=ttl_ms)
        )
        return bool(acquired)

    async def release(self, storage_key: str, token: str) -> None:
        key = self.lock_key(storage_key)
        await self._call("lease_release", lambda: self._release(keys=[key], args=[token]))

    async def ping(self) -> None:
        await self._call("ping", self.client.ping, force=True)

    async def memory(self) -> dict[str, Any]:
        info: dict[str, Any] = await self._call("info", lambda: self.client.info("memory"))
        return {
            "used_memory": info.get("used_memory"),
            "used_memory_human": info.get("used_memory_human"),
            "maxmemory": info.get("maxmemory"),
            "maxmemory_policy": info.get("maxmemory_policy"),
        }

    async def close(self) -> None:
        # Closing a dead connection is not worth an error.
        with contextlib.suppress(RedisError, OSError):
            await self.client.aclose()

    # --- plumbing -------------------------------------------------------------------------------
    async def _call(
        self, operation: str, call: Callable[[], Awaitable[Any]], *, force: bool = False
    ) -> Any:
        """Run one Redis call within the budget; RedisUnavailable on any failure.

        ``force`` skips the open-breaker check: invalidations and recovery probes must try.
        """
        if not force and not self.breaker.is_closed:
            raise RedisUnavailable("circuit breaker open")
        if not force:
            self.stats.redis_calls += 1
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                result = await call()
        except (RedisError, OSError, TimeoutError) as error:
            self._record_failure(operation, error)
            raise RedisUnavailable(f"{operation}: {type(error).__name__}") from error
        self.breaker.record_success()
        self.stats.latency["redis", operation].observe(time.perf_counter() - started)
        return result

    def _record_failure(self, operation: str, error: BaseException) -> None:
        self.stats.errors[operation] += 1
        description = f"{type(error).__name__}: {error}"[:200]
        log.warning("cache_error", operation=operation, error=description)
        if self.breaker.record_failure(description):
            self._on_breaker_open()
