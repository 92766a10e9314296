"""One id per request: taken from the caller's ``X-Request-ID`` (when it is a sane token) or made
here, sent back on every response, put in every error body and bound to every log line."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
_HEADER_NAME = HEADER.lower().encode()
# What a caller's id may be: a token safe to echo into headers, logs and JSON.
_ACCEPTED = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")

current_request_id: ContextVar[str | None] = ContextVar("tally_request_id", default=None)


def request_id_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == _HEADER_NAME and _ACCEPTED.fullmatch(value):
            return str(value.decode("ascii"))
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost, so responses answered early (the cached fast path, errors) carry the id too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        header = (_HEADER_NAME, request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != _HEADER_NAME]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        token = current_request_id.set(request_id)
        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id):
                await self.app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(token)
