"""The transport half of idempotent writes: hash the body of a keyed POST as it streams through,
and hold its response until the owner of the key (tally.idempotency) has stored it.

The body is hashed on the fly, never buffered, so a keyed upload of any size costs no memory. A
multipart body is hashed without its boundary, which a client picks at random for every attempt.
The response is held only when a key was taken for it: those are small JSON bodies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "Idempotency-Key"
STATE_KEY = "idempotent_write"
_HEADER_NAME = HEADER.lower().encode()

# (status, body, headers) of the response -> stores or releases the key.
Finish = Callable[[int, bytes, list[tuple[bytes, bytes]]], Awaitable[None]]


class _BodyHash:
    """sha256 of a body as it arrives, with every occurrence of ``boundary`` left out."""

    def __init__(self, boundary: bytes | None) -> None:
        self._hash = hashlib.sha256()
        self._boundary = boundary
        self._carry = b""

    def update(self, chunk: bytes) -> None:
        if not self._boundary:
            self._hash.update(chunk)
            return
        data = (self._carry + chunk).replace(self._boundary, b"")
        keep = len(self._boundary) - 1  # a boundary may straddle two chunks
        self._hash.update(data[:-keep] if keep else data)
        self._carry = data[-keep:] if keep else b""

    def hexdigest(self) -> str:
        final = self._hash.copy()
        final.update(self._carry)
        return final.hexdigest()


@dataclass
class KeyedWrite:
    """What a keyed POST carries through the app: the key, its body's hash so far, and (once the
    key's owner took the key for this request) what to do with the response."""

    key: str
    method: str
    path: str
    body: _BodyHash
    finish: Finish | None = None
    drained: bool = field(default=False)

    def fingerprint(self) -> str:
        """The request as a retry must repeat it: method, path and body."""
        parts = (self.method, self.path, self.body.hexdigest())
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _boundary(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"content-type" and value.startswith(b"multipart/"):
            for part in value.split(b";"):
                label, _, boundary = part.strip().partition(b"=")
                if label == b"boundary" and boundary:
                    return bytes(boundary.strip(b'"'))
    return None


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope) if scope["type"] == "http" and scope["method"] == "POST" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        write = KeyedWrite(key, scope["method"], scope["path"], _BodyHash(_boundary(scope)))
        scope.setdefault("state", {})[STATE_KEY] = write

        async def hashing_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                write.body.update(message.get("body", b""))
                write.drained = not message.get("more_body", False)
            return message

        start: dict[str, Any] = {}
        body = bytearray()

        async def holding_send(message: Message) -> None:
            if write.finish is None:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            # A route that never read its body (none expected) still has it hashed, so that a
            # retry is compared with all it sent.
            while not write.drained:
                if (await hashing_receive())["type"] == "http.disconnect":
                    break
            await write.finish(start["status"], bytes(body), list(start.get("headers", [])))
            write.finish = None
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        try:
            await self.app(scope, hashing_receive, holding_send)
        finally:
            if write.finish is not None:  # no response was completed: the key is released
                await write.finish(500, b"", [])


def _key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _HEADER_NAME:
            return str(value.decode("latin-1"))
    return None
