"""The HTTP protocol `tally serve` runs: uvicorn's, plus deadlines for slow clients.

uvicorn bounds only the idle time between two requests (keep-alive); a client that opens a
connection and sends its headers slowly, or never, holds the connection for good (3,000 half-open
connections were all still held after 60 s). Here a request's head must arrive within
TALLY_HEADER_TIMEOUT_SECONDS of its first byte (or of the connection opening), and a body must not
stall for longer than that between two chunks; otherwise the connection is closed. A slow but
moving upload is never cut. In production a reverse proxy in front sets the same deadlines
(docs/deployment.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from tally.config import Settings, get_settings
from tally.kit.logging import server_log_config


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for `tally serve`: the slow-client guard, keep-alive, and which proxies
    may state the client's address and scheme (X-Forwarded-For/-Proto: HTTPS cookies, throttling)."""
    return {
        "http": SlowClientGuard,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_config": server_log_config(),
    }


class SlowClientGuard(HttpToolsProtocol):
    """uvicorn's httptools protocol that closes connections whose client stalls mid-request."""

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # the first request's head must arrive in time too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()  # from the first byte, not re-armed by further bytes of the head

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
        self._arm()  # the body, if any, must keep moving

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._arm()

    def on_message_complete(self) -> None:
        self._disarm()  # the app runs now; uvicorn's keep-alive timer covers the idle time after
        super().on_message_complete()

    def _arm(self) -> None:
        self._disarm()
        timeout = get_settings().header_timeout_seconds
        self._deadline = self.loop.call_later(timeout, self._on_stalled)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _on_stalled(self) -> None:
        self._deadline = None
        if self.flow.read_paused:  # the app is behind on the body, not the client: wait on
            self._arm()
        elif not self.transport.is_closing():
            self.transport.close()
