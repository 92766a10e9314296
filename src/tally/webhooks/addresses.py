"""Where a hook may point: never at the server's own network (SSRF), unless settings allow.

A hook URL is the one place a project member makes the server send requests to an address of
their choosing; without this check a hook on ``http://169.254.169.254/`` or ``http://10.0.0.5``
would probe the cloud metadata service or the internal network. The host is resolved and every
address it resolves to must be global; the request then goes to that checked address (see
tally.webhooks.sending), so a DNS answer that changes between the check and the request cannot
slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from tally.config import Settings
from tally.kit.errors import TallyError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class UnsafeWebhookUrl(TallyError):
    """The URL is not one Tally will send to: not https, malformed, or an internal address."""

    status_code = 422


@dataclass(frozen=True)
class Target:
    """A checked URL: its parts, and the address the request must go to."""

    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress


def check_url(url: str, settings: Settings) -> tuple[str, str, int]:
    """Scheme, host and port of ``url`` if its form is acceptable (no DNS lookup)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeWebhookUrl(f"Not a valid URL: {error}") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UnsafeWebhookUrl("A webhook URL starts with https:// and names a host")
    if parts.username or parts.password:
        raise UnsafeWebhookUrl("Put credentials in the hook's secret, not in its URL")
    if parts.scheme == "http" and not (settings.webhook_allow_http or host in LOOPBACK_NAMES):
        raise UnsafeWebhookUrl("A webhook URL must use https://")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def resolve_target(url: str, settings: Settings) -> Target:
    """Check ``url``, resolve its host, and pick the address to send to.

    Every address the name resolves to must be public (one internal address among public ones
    is refused too), unless TALLY_WEBHOOK_ALLOW_PRIVATE_ADDRESSES is set.
    """
    scheme, host, port = check_url(url, settings)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except OSError as error:
        raise UnsafeWebhookUrl(f"The host {host} does not resolve: {error}") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise UnsafeWebhookUrl(f"The host {host} does not resolve")
    if not settings.webhook_allow_private_addresses:
        internal = [str(a) for a in addresses if not is_public(a)]
        if internal:
            raise UnsafeWebhookUrl(
                f"The host {host} resolves to an internal address ({', '.join(internal)}); "
                "webhooks go to public addresses only"
            )
    return Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])
