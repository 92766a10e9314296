"""What the transport tells about a request: HTTPS or not (also behind a proxy that says so),
and the Strict-Transport-Security header production responses carry.

`tally serve` lets uvicorn rewrite the scheme and client address from X-Forwarded-Proto/-For when
the connection comes from an address in TALLY_FORWARDED_ALLOW_IPS, so ``request.url.scheme`` is
already the client's scheme here: a header from anyone else is ignored.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS_VALUE = b"max-age=31536000; includeSubDomains"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


class StrictTransportSecurity:
    """Add HSTS to every response (in production: browsers then never downgrade to HTTP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"strict-transport-security", HSTS_VALUE),
                ]
            await send(message)

        await self.app(scope, receive, send_with_hsts)
