"""The Redis tier: every call within a tight budget, behind a circuit breaker, bytes only.

Generations live in Redis as ``{prefix}gen:{namespace}``. Their values come from one sequence
(``{prefix}gen-seq``), so a generation value is never reused: a bumped namespace, or one whose key
expired or was evicted and is initialised again, always gets a value no stored key has used. The
sequence is seeded from the server clock in microseconds when it is missing, so even a Redis that
lost everything hands out values above all earlier ones.

The Lua scripts (lookups, bumps, leases, write-throughs) and the GET of a value whose generations
this process knows go over one pipelined connection (``redis_pipe.py``), which also keeps their
time budget; the rest uses redis.asyncio.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from tally.cache.breaker import CircuitBreaker
from tally.cache.keys import EPOCH
from tally.cache.redis_pipe import RedisPipe, ReplyError
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

# KEYS[1]: the sequence, KEYS[2]: a generation key, KEYS[3]: the epoch's. ARGV: TTL, channel,
# namespace, the generation the writer reserved, the value key without its generations, the
# value, its TTL (ms). Bumps (and broadcasts) like _BUMP; stores the value under the new
# generation only if the namespace was still at the reserved one. Returns {generation, epoch or
# false when nothing was stored}.
_WRITE_THROUGH = (
    _NEXT_GENERATION
    + """
local current = redis.call('GET', KEYS[2])
local epoch = redis.call('GET', KEYS[3])
local value = string.format('%d', next_generation(KEYS[1]))
redis.call('SET', KEYS[2], value, 'EX', ARGV[1])
redis.call('PUBLISH', ARGV[2], value .. ' ' .. ARGV[3])
if current == ARGV[4] and epoch then
  redis.call('SET', ARGV[5] .. epoch .. '.' .. value, ARGV[6], 'PX', ARGV[7])
  return {tonumber(value), tonumber(epoch)}
end
return {tonumber(value), false}
"""
)

# KEYS: the generation keys of several values, one value's after another (each list starting with
# the epoch); ARGV: for each value, how many generation keys it has and its key without them.
# One round trip for all of a request's lookups: per value {value, gen...}, or {false} when a
# generation is missing.
_READ_MANY = """
local out, first = {}, 1
for i = 1, #ARGV, 2 do
  local count = tonumber(ARGV[i])
  local generations = redis.call('MGET', unpack(KEYS, first, first + count - 1))
  first = first + count
  local complete = true
  for j = 1, count do
    if not generations[j] then
      complete = false
    end
  end
  if complete then
    local value = redis.call('GET', ARGV[i + 1] .. table.concat(generations, '.'))
    out[#out + 1] = {value, unpack(generations)}
  else
    out[#out + 1] = {false}
  end
end
return out
"""

# KEYS[1]: a value key, KEYS[2]: its lease. ARGV: token, lease TTL (ms). The value if someone
# stored it meanwhile ({1, value}), else the lease if free ({2}), else {0}: it is held.
_LOAD_OR_LEASE = """
local value = redis.call('GET', KEYS[1])
if value then
  return {1, value}
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {2}
end
return {0}
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
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
        shape: str,
        timeout: float,
        breaker: CircuitBreaker,
        stats: CacheStats,
        on_breaker_open: Callable[[], None],
    ) -> None:
        self.prefix = prefix
        self.values_prefix = f"{prefix}v:{shape}:"
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
        self.pipe = RedisPipe(url) if url.startswith("redis://") else None
        self._init_generations = self.client.register_script(_INIT_GENERATIONS)
        self._bump = self.client.register_script(_BUMP)
        self._release = self.client.register_script(_RELEASE)
        self._read_many = self.client.register_script(_READ_MANY)
        self._load_or_lease = self.client.register_script(_LOAD_OR_LEASE)
        self._write_through = self.client.register_script(_WRITE_THROUGH)
        self._renew = self.client.register_script(_RENEW)

    # --- keys -----------------------------------------------------------------------------------
    def value_key(self, storage_key: str) -> str:
        return f"{self.values_prefix}{storage_key}"

    def lock_key(self, storage_key: str) -> str:
        # Per shape like the value: two versions loading one key each store their own shape.
        return f"{self.values_prefix}lock:{storage_key}"

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
        return (await self.read_many([(name, namespaces)]))[0]

    async def read_many(
        self, lookups: list[tuple[str, tuple[str, ...]]]
    ) -> list[tuple[list[int], bytes | None] | None]:
        """``read`` for several (name, namespaces), in one round trip."""
        keys: list[str] = []
        args: list[str | int] = []
        for name, namespaces in lookups:
            keys += [self.generation_key(namespace) for namespace in namespaces]
            args += [len(namespaces), self.value_key(f"{name}@")]
        replies: list[list[Any]] = await self._script("read_many", self._read_many, keys, args)
        return [
            None if len(reply) == 1 else ([int(generation) for generation in reply[1:]], reply[0])
            for reply in replies
        ]

    async def bump(self, namespaces: tuple[str, ...]) -> int:
        keys = [self._sequence_key, *(self.generation_key(namespace) for namespace in namespaces)]
        args: list[str | int] = [GENERATION_TTL_S, self.channel, " ".join(namespaces)]
        value: int = await self._script("bump", self._bump, keys, args, force=True)
        return int(value)

    async def write_through(
        self, namespace: str, reserved: int, name: str, value: bytes, ttl_s: float
    ) -> tuple[int, int | None]:
        """(the namespace's new generation, the epoch's if ``value`` was stored under it)."""
        keys = [
            self._sequence_key,
            self.generation_key(namespace),
            self.generation_key(EPOCH),
        ]
        args: list[str | int | bytes] = [
            GENERATION_TTL_S,
            self.channel,
            namespace,
            reserved,
            self.value_key(name),
            value,
            max(int(ttl_s * 1000), 1),
        ]
        reply: list[Any] = await self._script(
            "write_through", self._write_through, keys, args, force=True
        )
        return int(reply[0]), None if reply[1] is None else int(reply[1])

    async def get(self, storage_key: str) -> bytes | None:
        key = self.value_key(storage_key)
        pipe = self.pipe
        if pipe is None:
            value: bytes | None = await self._call("get", lambda: self.client.get(key))
            return value
        # A hit of a value whose generations this process knows: the hot path too.
        return await self._call(  # type: ignore[no-any-return]
            "get", lambda: pipe.call("GET", key, budget_s=self.timeout), timed_by_pipe=True
        )

    async def set(self, storage_key: str, value: bytes, ttl_s: float) -> None:
        key = self.value_key(storage_key)
        ttl_ms = max(int(ttl_s * 1000), 1)
        await self._call("set", lambda: self.client.set(key, value, px=ttl_ms))

    async def set_many(self, values: list[tuple[str, bytes, float]]) -> None:
        """``set`` for several (storage key, value, TTL in seconds), in one round trip."""

        async def pipelined() -> None:
            async with self.client.pipeline(transaction=False) as pipeline:
                for storage_key, value, ttl_s in values:
                    pipeline.set(self.value_key(storage_key), value, px=max(int(ttl_s * 1000), 1))
                await pipeline.execute()

        await self._call("set_many", pipelined)

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

    async def value_or_lease(
        self, storage_key: str, token: str, ttl_s: float
    ) -> tuple[bytes | None, bool]:
        """(the value, if stored meanwhile; else whether the lease to load it is now ours)."""
        keys = [self.value_key(storage_key), self.lock_key(storage_key)]
        args: list[str | int] = [token, max(int(ttl_s * 1000), 1)]
        reply: list[Any] = await self._script("lease", self._load_or_lease, keys, args)
        return (reply[1], False) if reply[0] == 1 else (None, reply[0] == 2)

    async def renew(self, storage_key: str, token: str, ttl_s: float) -> None:
        """Extend our lease (a load still running); nothing if it is no longer ours."""
        keys = [self.lock_key(storage_key)]
        args: list[str | int] = [token, max(int(ttl_s * 1000), 1)]
        await self._script("lease_renew", self._renew, keys, args)

    async def release(self, storage_key: str, token: str) -> None:
        key = self.lock_key(storage_key)
        await self._script("lease_release", self._release, [key], [token])

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
        if self.pipe is not None:
            self.pipe.close()
        with contextlib.suppress(RedisError, OSError):
            await self.client.aclose()

    # --- plumbing -------------------------------------------------------------------------------
    async def _script(
        self,
        operation: str,
        script: AsyncScript,
        keys: list[str],
        args: Sequence[str | int | bytes],
        *,
        force: bool = False,
    ) -> Any:
        """``_call`` of a Lua script: through the pipelined connection when there is one."""
        return await self._call(
            operation,
            lambda: self._run(script, keys, args),
            force=force,
            timed_by_pipe=self.pipe is not None,
        )

    async def _run(
        self, script: AsyncScript, keys: list[str], args: Sequence[str | int | bytes]
    ) -> Any:
        """A script through the pipelined connection (the hot path), or redis.asyncio."""
        if self.pipe is None:
            return await script(keys=keys, args=args)
        budget = self.timeout
        try:
            return await self.pipe.call(
                "EVALSHA", script.sha, len(keys), *keys, *args, budget_s=budget
            )
        except ReplyError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
            # Redis restarted or flushed its scripts: EVAL sends the script and caches it again.
            source = script.script
            text = source if isinstance(source, str | bytes) else bytes(source)
            return await self.pipe.call("EVAL", text, len(keys), *keys, *args, budget_s=budget)

    async def _call(
        self,
        operation: str,
        call: Callable[[], Awaitable[Any]],
        *,
        force: bool = False,
        timed_by_pipe: bool = False,
    ) -> Any:
        """Run one Redis call within the budget; RedisUnavailable on any failure.

        ``force`` skips the open-breaker check: invalidations and recovery probes must try.
        ``timed_by_pipe``: the call keeps the budget itself (``RedisPipe.call``).
        """
        if not force and not self.breaker.is_closed:
            raise RedisUnavailable("circuit breaker open")
        if not force:
            self.stats.redis_calls += 1
        started = time.perf_counter()
        try:
            async with asyncio.timeout(None if timed_by_pipe else self.timeout):
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
