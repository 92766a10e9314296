"""One pipelined Redis connection for the cache's hot path: a hit's single lookup script.

Why: redis.asyncio costs more per call (connection pool, pure-Python RESP3 parser line by line,
command objects) than a FastAPI endpoint's whole request, which made a Redis-only cache hit a
third of the endpoint's throughput (bench/cache/REPORT.md). Here every call is written straight
to one shared connection and its reply matched by order (Redis answers a connection's commands in
the order they came), parsed by the small RESP2 reader below.

Only what the hot path needs: EVALSHA (and EVAL when Redis lost the script), GET, AUTH and SELECT
from the URL. Everything else (stores, generations, pub/sub) stays on redis.asyncio. A lost
connection fails every call waiting on it; the next call connects again. Timeouts are the
caller's (``RedisTier._call``); when they open the circuit breaker, the tier closes this
connection (``close``), so a connection that went silent is never reused.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any
from urllib.parse import unquote, urlsplit

from redis.exceptions import ResponseError


class ReplyError(ResponseError):
    """Redis answered with an error (``-ERR ...``)."""


class _Incomplete(Exception):
    """The buffer ends inside a reply."""


def pack(*parts: bytes | str | int) -> bytes:
    """A command in RESP: an array of bulk strings."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def parse(buffer: bytes | bytearray, start: int) -> tuple[Any, int]:
    """One RESP2 reply from ``buffer[start:]``: (value, where the next one starts); raises
    _Incomplete. Errors come back as ReplyError values, for the caller to raise."""
    end = buffer.find(b"\r\n", start)
    if end < 0:
        raise _Incomplete
    kind, line = buffer[start : start + 1], bytes(buffer[start + 1 : end])
    position = end + 2
    if kind == b"$":
        length = int(line)
        if length < 0:
            return None, position
        if len(buffer) < position + length + 2:
            raise _Incomplete
        return bytes(buffer[position : position + length]), position + length + 2
    if kind == b"*":
        count = int(line)
        if count < 0:
            return None, position
        items = []
        for _ in range(count):
            item, position = parse(buffer, position)
            items.append(item)
        return items, position
    if kind == b":":
        return int(line), position
    if kind == b"+":
        return line, position
    if kind == b"-":
        return ReplyError(line.decode(errors="replace")), position
    raise ConnectionError(f"not a RESP reply: {bytes(buffer[start : start + 20])!r}")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiting: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.buffer = bytearray()
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        position = 0
        try:
            while position < len(self.buffer):
                reply, position = parse(self.buffer, position)
                waiter = self.waiting.popleft()
                if not waiter.done():  # not given up on by its caller
                    waiter.set_result(reply)
        except _Incomplete:
            pass
        except (ConnectionError, ValueError, IndexError) as error:
            self.fail(ConnectionError(f"unreadable reply: {error}"))
            return
        del self.buffer[:position]

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.fail(ConnectionError("connection to Redis lost"))

    def fail(self, error: Exception) -> None:
        self.lost = True
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_exception(error)
        if self.transport is not None:
            self.transport.close()


class RedisPipe:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError("RedisPipe speaks plain TCP (redis://) only")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 6379
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        path = parts.path.strip("/")
        self.db = int(path) if path else 0
        self._protocol: _Protocol | None = None
        self._connecting: asyncio.Future[_Protocol] | None = None

    async def call(self, *parts: bytes | str | int, budget_s: float | None = None) -> Any:
        """Send one command and return its reply; ReplyError if Redis answered with one,
        TimeoutError if it had not answered ``budget_s`` seconds after the command was sent.

        The time limit is this connection's own rather than a cancellation (asyncio.timeout):
        an event loop busy with other requests runs the read of a reply that arrived in time
        before the timer that would expire it, so a slow loop is not taken for a slow Redis.
        """
        protocol = self._protocol
        if protocol is None or protocol.lost:
            connecting = self._connect()
            protocol = await (
                connecting if budget_s is None else asyncio.wait_for(connecting, budget_s)
            )
        transport = protocol.transport
        if protocol.lost or transport is None or transport.is_closing():
            raise ConnectionError("connection to Redis closed")  # closed while connecting
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        protocol.waiting.append(waiter)
        transport.write(pack(*parts))
        # A caller that runs out of time leaves its (expired) waiter in the queue: its reply,
        # when it comes, is skipped, and the replies after it still match their calls.
        expiry = None if budget_s is None else loop.call_later(budget_s, _expire, waiter)
        try:
            reply = await waiter
        finally:
            if expiry is not None:
                expiry.cancel()
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    async def _connect(self) -> _Protocol:
        # Concurrent callers share one connection attempt.
        connecting = self._connecting
        if connecting is None or connecting.done():
            connecting = self._connecting = asyncio.ensure_future(self._open())
            connecting.add_done_callback(_retrieve_exception)
        return await asyncio.shield(connecting)

    async def _open(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(_Protocol, self.host, self.port)
        self._protocol = protocol
        handshake = []
        if self.password is not None:
            auth = (self.username, self.password) if self.username else (self.password,)
            handshake.append(("AUTH", *auth))
        if self.db:
            handshake.append(("SELECT", str(self.db)))
        for command in handshake:
            await self.call(*command)
        return protocol

    def close(self) -> None:
        if self._protocol is not None:
            self._protocol.fail(ConnectionError("connection to Redis closed"))
        self._protocol = None


def _retrieve_exception(future: asyncio.Future[Any]) -> None:
    # Every caller awaiting the connection re-raises it; this only keeps asyncio from logging it
    # when they all gave up first.
    if not future.cancelled():
        future.exception()


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("Redis did not answer in time"))
