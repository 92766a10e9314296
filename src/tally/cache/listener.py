"""Keeps this process's generations in step with every other process's writes (pub/sub).

Why a small protocol of our own rather than redis-py's PubSub: redis-py hands messages to a reader
task, which runs one or more event-loop iterations after the bytes arrived, so a request arriving
just after a write elsewhere could still be served from this process's stale in-process tier.
Here every message is applied inside ``data_received``, in the very loop iteration its bytes are
read, before any request that iteration schedules can run; Redis writes the broadcast to every
subscriber before the writing process even sees the reply to its bump, so a request that follows
a write's response always finds the invalidation applied.

A PING every heartbeat proves the subscription alive. Replies come back in order, after any
message published before the PING, so an answered PING means nothing older is still pending. A
PING left unanswered for a while makes the subscription stale (the in-process tier is bypassed);
longer, or a dropped connection, resets it: the tier is flushed and the subscription is made again.
That bounds what a *hung* Redis can cost: writes elsewhere cannot reach Redis either (their
invalidations fail and are made good by an epoch bump on recovery), and this process stops
serving its own tier after ``stale_after`` (3 heartbeats + the call budget, 350 ms by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections import deque
from collections.abc import Callable
from typing import Any, cast

import structlog
from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection, parse_url

log = structlog.get_logger("tally.cache")


class RespError(Exception):
    """An error reply or a malformed frame on the subscription connection."""


def encode_command(*parts: str | bytes) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def parse_frame(buffer: bytearray | bytes, position: int) -> tuple[Any, int] | None:
    """One RESP2 value starting at ``position``: (value, next position), or None if incomplete."""
    end = buffer.find(b"\r\n", position)
    if end < 0:
        return None
    kind = buffer[position]
    line = bytes(buffer[position + 1 : end])
    after = end + 2
    if kind == 0x2B:  # + simple string
        return line, after
    if kind == 0x2D:  # - error
        return RespError(line.decode(errors="replace")), after
    if kind == 0x3A:  # : integer
        return int(line), after
    if kind == 0x24:  # $ bulk string
        length = int(line)
        if length < 0:
            return None, after
        if len(buffer) < after + length + 2:
            return None
        return bytes(buffer[after : after + length]), after + length + 2
    if kind == 0x2A:  # * array
        count = int(line)
        items: list[Any] = []
        for _ in range(max(count, 0)):
            parsed = parse_frame(buffer, after)
            if parsed is None:
                return None
            item, after = parsed
            items.append(item)
        return items, after
    raise RespError(f"unexpected RESP type byte {kind!r}")


class _SubscriberProtocol(asyncio.Protocol):
    def __init__(self, listener: InvalidationListener) -> None:
        self.listener = listener
        self.buffer = bytearray()
        self.subscribed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        position = 0
        try:
            while position < len(self.buffer):
                parsed = parse_frame(self.buffer, position)
                if parsed is None:
                    break
                value, position = parsed
                self._dispatch(value)
        except (RespError, ValueError, IndexError) as error:
            log.warning("cache_error", operation="subscription", error=str(error)[:200])
            if self.transport is not None:
                self.transport.abort()
        finally:
            del self.buffer[:position]

    def _dispatch(self, value: Any) -> None:
        if isinstance(value, RespError):
            raise value
        if not isinstance(value, list) or not value:
            return  # +OK to AUTH
        kind = value[0]
        if kind == b"message" and len(value) == 3:
            self.listener.deliver(value[2])
        elif kind == b"pong":
            self.listener.pong()
        elif kind == b"subscribe" and not self.subscribed.done():
            self.subscribed.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        # Synchronously, so the in-process tier stops serving in this very iteration.
        self.listener.connection_lost(self, exc)
        for future in (self.subscribed, self.closed):
            if not future.done():
                future.set_exception(ConnectionError("subscription connection lost"))
        # Nobody may await ``subscribed`` any more; avoid "exception never retrieved".
        if self.subscribed.done() and not self.subscribed.cancelled():
            self.subscribed.exception()
        self.closed.exception()


class InvalidationListener:
    def __init__(
        self,
        url: str,
        channel: str,
        *,
        on_message: Callable[[int, list[str]], None],
        on_reset: Callable[[str], None],
        heartbeat: float,
        timeout: float,
    ) -> None:
        self.channel = channel
        self._on_message = on_message
        self._on_reset = on_reset
        self.heartbeat = heartbeat
        self.timeout = timeout
        # Stale after a few missed beats (the tier is bypassed); dead a little later (flushed).
        self.stale_after = 3 * heartbeat + timeout
        self.dead_after = max(10 * heartbeat, 1.0)
        self._connect_kwargs: dict[str, Any] = dict(parse_url(url))
        self._protocol: _SubscriberProtocol | None = None
        self._subscribed = False
        self.last_pong = 0.0
        # When each unanswered PING was sent, oldest first (replies come back in order).
        self._unanswered: deque[float] = deque()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.connects = 0
        self.resets = 0
        self.messages = 0

    @property
    def fresh(self) -> bool:
        """Subscribed, and no PING unanswered for longer than ``stale_after``: nothing published
        before the last answered PING can still be pending.

        Measured from when PINGs were sent, not from the last PONG, so that a busy event loop
        (which sends its PINGs late too) does not make a live subscription look stale.
        """
        if not self._subscribed:
            return False
        return not self._unanswered or time.monotonic() - self._unanswered[0] < self.stale_after

    def pong(self) -> None:
        self.last_pong = time.monotonic()
        if self._unanswered:
            self._unanswered.popleft()

    def snapshot(self) -> dict[str, object]:
        return {
            "subscribed": self._subscribed,
            "fresh": self.fresh,
            "connects": self.connects,
            "resets": self.resets,
            "messages": self.messages,
            "unanswered_pings": len(self._unanswered),
            "last_pong_age_s": round(time.monotonic() - self.last_pong, 3)
            if self.last_pong
            else None,
        }

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="tally-cache-listener")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.abort()

    def deliver(self, payload: bytes) -> None:
        """Apply one broadcast: ``b"<generation> <namespace> <namespace>..."``."""
        self.messages += 1
        generation, *namespaces = payload.decode().split(" ")
        self._on_message(int(generation), namespaces)

    def connection_lost(self, protocol: _SubscriberProtocol, exc: Exception | None) -> None:
        if protocol is not self._protocol:
            return
        self._protocol = None
        self._reset(f"connection lost: {exc!r}" if exc else "connection closed")

    def _reset(self, reason: str) -> None:
        was_subscribed = self._subscribed
        self._subscribed = False
        if was_subscribed and not self._stopping:
            self.resets += 1
            log.warning("cache_error", operation="subscription", error=reason[:200])
        self._on_reset(reason)

    async def _run(self) -> None:
        delay = self.heartbeat
        while True:
            protocol: _SubscriberProtocol | None = None
            try:
                protocol = await self._subscribe()
                delay = self.heartbeat
                await self._beat(protocol)
            except (OSError, TimeoutError, ConnectionError, RespError) as error:
                if protocol is None and self.connects == 0:
                    log.warning("cache_error", operation="subscribe", error=repr(error)[:200])
            except Exception as error:  # never let the subscription die: the tier would stay off
                log.exception("cache_error", operation="subscription", error=repr(error)[:200])
            finally:
                if protocol is not None and protocol.transport is not None:
                    protocol.transport.abort()
                if protocol is not None and protocol is self._protocol:
                    self._protocol = None
                    self._reset("heartbeat lost")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def _subscribe(self) -> _SubscriberProtocol:
        loop = asyncio.get_running_loop()
        protocol = _SubscriberProtocol(self)
        kwargs = self._connect_kwargs
        try:
            async with asyncio.timeout(max(self.timeout * 4, 0.2)):
                if kwargs.get("connection_class") is UnixDomainSocketConnection:
                    await loop.create_unix_connection(lambda: protocol, kwargs["path"])
                else:
                    await loop.create_connection(
                        lambda: protocol,
                        kwargs.get("host", "localhost"),
                        kwargs.get("port", 6379),
                        ssl=_ssl_context(kwargs),
                    )
                self._protocol = protocol
                assert protocol.transport is not None
                if "password" in kwargs:
                    credentials = [kwargs["username"]] if "username" in kwargs else []
                    protocol.transport.write(
                        encode_command("AUTH", *credentials, kwargs["password"])
                    )
                protocol.transport.write(encode_command("SUBSCRIBE", self.channel))
                await protocol.subscribed
        except BaseException:
            if protocol.transport is not None:
                protocol.transport.abort()
            if self._protocol is protocol:
                self._protocol = None
            raise
        self.connects += 1
        self.last_pong = time.monotonic()
        self._unanswered.clear()
        # Whatever the tier held before this subscription may have missed broadcasts: start empty.
        self._on_reset("subscribed")
        self._subscribed = True
        return protocol

    async def _beat(self, protocol: _SubscriberProtocol) -> None:
        ping = encode_command("PING")
        while True:
            if protocol.transport is None or protocol.transport.is_closing():
                raise ConnectionError("subscription closed")
            self._unanswered.append(time.monotonic())
            protocol.transport.write(ping)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(protocol.closed), self.heartbeat)
            if self._unanswered and time.monotonic() - self._unanswered[0] > self.dead_after:
                raise TimeoutError("no PONG on the subscription")


def _ssl_context(kwargs: dict[str, Any]) -> ssl.SSLContext | None:
    if kwargs.get("connection_class") is not SSLConnection:
        return None
    context = ssl.create_default_context(cafile=kwargs.get("ssl_ca_certs"))
    if str(kwargs.get("ssl_cert_reqs", "required")).lower() in {"none", "certnone", "0"}:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
