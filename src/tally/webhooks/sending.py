"""One POST of a delivery, to the address tally.webhooks.addresses checked.

The request goes to the checked IP itself (the URL's host in the Host header and, for https,
in the TLS server name, so certificates are verified against the name): resolving the name again
at connect time would let a DNS answer that changed after the check reach an internal address.
Redirects are not followed, for the same reason.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from tally import __version__
from tally.config import Settings
from tally.webhooks.addresses import Target, UnsafeWebhookUrl, resolve_target
from tally.webhooks.signing import SIGNATURE_HEADER, signature_header

MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code (None without an answer), latency and error."""

    status_code: int | None
    latency_ms: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Outgoing:
    """A delivery ready to send."""

    delivery_id: int
    event: str
    event_key: str
    url: str
    secret: str
    payload: str


async def send(outgoing: Outgoing, settings: Settings) -> Outcome:
    """POST the delivery once; never raises for the receiver's or the network's failures."""
    try:
        target = await resolve_target(outgoing.url, settings)
    except UnsafeWebhookUrl as error:
        return Outcome(None, None, error.detail)
    body = outgoing.payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Tally-Webhooks/{__version__}",
        "Tally-Event": outgoing.event,
        "Tally-Event-Id": outgoing.event_key,
        "Tally-Delivery": str(outgoing.delivery_id),
        SIGNATURE_HEADER: signature_header(outgoing.secret, body),
    }
    url, host_header, extensions = _pinned(target)
    headers["Host"] = host_header
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(
            timeout=settings.webhook_timeout_seconds, follow_redirects=False
        ) as client:
            response = await client.post(url, content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as error:
        return Outcome(None, _since(started), _describe(error))
    latency = _since(started)
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, latency, None)
    detail = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if response.is_redirect:
        detail += " (redirects are not followed: register the final URL)"
    elif response.text:
        detail += f": {response.text[:MAX_ERROR_CHARS]}"
    return Outcome(response.status_code, latency, detail)


def _pinned(target: Target) -> tuple[str, str, dict[str, str]]:
    parts = urlsplit(target.url)
    address = str(target.address)
    if isinstance(target.address, ipaddress.IPv6Address):
        address = f"[{address}]"
    default_port = 443 if target.scheme == "https" else 80
    suffix = "" if target.port == default_port else f":{target.port}"
    host = f"[{target.host}]" if ":" in target.host else target.host
    url = urlunsplit(parts._replace(netloc=f"{address}{suffix}"))
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return url, f"{host}{suffix}", extensions


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _describe(error: httpx.HTTPError) -> str:
    kind = type(error).__name__
    text = str(error) or "no detail"
    return f"{kind}: {text}"[:MAX_ERROR_CHARS]
