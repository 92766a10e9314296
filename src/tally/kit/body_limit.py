"""Cap every request body that is not a file upload, before anything parses it.

JSON and form bodies are read whole into memory by the framework, including on routes reachable
without signing in (login): without a cap, one 200 MB body took the server from 559 MB to
1,390 MB. Multipart uploads stream to disk under their own limit (tally.kit.uploads), so they pass.
A declared Content-Length over the cap is refused at once; a chunked body is buffered up to the
cap and refused the moment it passes it. Either way the app never sees the body.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tally.kit.errors import error_response

_STREAMED_TYPES = (b"multipart/form-data",)


class BodyLimit:
    """Answer 413 ``BodyTooLarge`` to a non-upload body above ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._is_upload(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        if declared is not None or _header(scope, b"transfer-encoding") is None:
            await self.app(scope, _capped(receive, self.max_bytes), send)
            return
        # Chunked: read the body up to the cap first, then hand the app the buffered messages.
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    def _is_upload(scope: Scope) -> bool:
        content_type = _header(scope, b"content-type") or b""
        return content_type.lower().startswith(_STREAMED_TYPES)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "BodyTooLarge",
            f"The request body exceeds {self.max_bytes} bytes (TALLY_MAX_BODY_BYTES); "
            "files go through the upload endpoints",
        )
        # The client may still be sending; closing the connection is what makes it stop.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _capped(receive: Receive, max_bytes: int) -> Receive:
    """A receive that stops a body from growing past its declared, checked length."""
    received = 0

    async def wrapped() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > max_bytes:  # a body longer than its Content-Length: the server's job,
            return {"type": "http.disconnect"}  # but never parse more than the cap
        return message

    return wrapped


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None
