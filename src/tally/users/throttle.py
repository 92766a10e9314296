"""Login throttling: failed sign-ins counted per account and per client address.

Past TALLY_LOGIN_MAX_FAILURES failures for one email (or TALLY_LOGIN_ADDRESS_MAX_FAILURES from one
address) within TALLY_LOGIN_WINDOW_SECONDS, logins answer 429 with Retry-After until the window
ends, whether the password is right or not, so guessing stops being worth it. A success clears the
account's count. The counts live in Redis when REDIS_URL is set (shared by every server process)
and in this process otherwise, or while Redis is unreachable.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tally.config import Settings
from tally.kit.errors import TallyError

log = structlog.get_logger("tally.auth")

# INCR with the window's expiry set on the first failure; returns the count and seconds left.
_RECORD_FAILURE = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}
"""
_LOCAL_MAX_KEYS = 100_000  # bounded memory whatever the number of addresses trying


class TooManyLogins(TallyError):
    """Too many failed sign-ins for this account or from this address; retry after a pause."""

    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many failed sign-ins; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


@dataclass(frozen=True, slots=True)
class _Counter:
    key: str
    limit: int
    scope: str


class LoginThrottle:
    """Counts failed logins; ``check`` raises TooManyLogins while a count is over its limit."""

    def __init__(self, settings: Settings) -> None:
        self.window = settings.login_window_seconds
        self.account_limit = settings.login_max_failures
        self.address_limit = settings.login_address_max_failures
        self.prefix = f"{settings.cache_key_prefix}login:"
        self.redis: Redis | None = None
        if settings.redis_url:
            self.redis = Redis.from_url(
                settings.redis_url, socket_timeout=0.2, socket_connect_timeout=0.2
            )
        self._local: dict[str, tuple[int, float]] = {}  # key -> (failures, window end)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    def _counters(self, email: str, address: str) -> tuple[_Counter, _Counter]:
        account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return (
            _Counter(f"{self.prefix}account:{account}", self.account_limit, "account"),
            _Counter(f"{self.prefix}address:{address}", self.address_limit, "address"),
        )

    async def check(self, email: str, address: str) -> None:
        """Raise TooManyLogins (and log it) if the account or the address is paused."""
        for counter in self._counters(email, address):
            failures, retry_after = await self._read(counter.key)
            if failures >= counter.limit:
                log.warning(
                    "auth.login_throttled",
                    scope=counter.scope,
                    address=address,
                    failures=failures,
                    retry_after=retry_after,
                )
                raise TooManyLogins(retry_after)

    async def record_failure(self, email: str, address: str) -> None:
        for counter in self._counters(email, address):
            failures = await self._increment(counter.key)
            log.info("auth.login_failed", scope=counter.scope, address=address, failures=failures)

    async def record_success(self, email: str, address: str) -> None:
        account, _address = self._counters(email, address)
        self._local.pop(account.key, None)
        if self.redis is not None:
            try:
                await self.redis.delete(account.key)
            except RedisError as error:
                log.warning("auth.throttle_redis_error", error=type(error).__name__)

    async def _read(self, key: str) -> tuple[int, int]:
        if self.redis is not None:
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.get(key)
                    pipe.ttl(key)
                    count, ttl = await pipe.execute()
                return int(count or 0), max(int(ttl), 1)
            except RedisError as error:
                log.warning("auth.throttle_redis_error", error=type(error).__name__)
        failures, ends = self._local.get(key, (0, 0.0))
        left = ends - time.monotonic()
        return (failures, max(math.ceil(left), 1)) if left > 0 else (0, 0)

    async def _increment(self, key: str) -> int:
        if self.redis is not None:
            try:
                count, _ttl = await self.redis.eval(_RECORD_FAILURE, 1, key, self.window)
                return int(count)
            except RedisError as error:
                log.warning("auth.throttle_redis_error", error=type(error).__name__)
        now = time.monotonic()
        failures, ends = self._local.get(key, (0, 0.0))
        if ends <= now:
            failures, ends = 0, now + self.window
        if len(self._local) >= _LOCAL_MAX_KEYS:
            self._prune(now)
        self._local[key] = (failures + 1, ends)
        return failures + 1

    def _prune(self, now: float) -> None:
        for key in [key for key, (_, ends) in self._local.items() if ends <= now]:
            del self._local[key]
        while len(self._local) >= _LOCAL_MAX_KEYS:  # all live: drop the oldest windows
            del self._local[next(iter(self._local))]
