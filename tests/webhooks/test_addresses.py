"""No hook reaches the server's own network unless a setting allows it (SSRF)."""

from __future__ import annotations

import ipaddress

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.webhooks.addresses import UnsafeWebhookUrl, check_url, is_public, resolve_target
from tally.webhooks.signing import InvalidSignature, signature_header, verify_signature
from tests.helpers.projects import create_project
from tests.helpers.users import create_user


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",  # an internal IPv4 address written as IPv6
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_global_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com/hook", "https"),
        ("ftp://example.com/hook", "https"),
        ("https:///nohost", "https"),
        ("https://user:pw@example.com/hook", "credentials"),
        ("https://example.com:99999/", "valid"),
    ],
)
def test_url_forms_that_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeWebhookUrl, match=reason):
        check_url(url, Settings(TALLY_ENV="test"))


def test_plain_http_only_to_loopback_or_when_allowed() -> None:
    settings = Settings(TALLY_ENV="test")
    assert check_url("http://127.0.0.1:8080/x", settings) == ("http", "127.0.0.1", 8080)
    assert check_url("http://localhost/x", settings) == ("http", "localhost", 80)
    allowed = Settings(TALLY_ENV="test", TALLY_WEBHOOK_ALLOW_HTTP=True)
    assert check_url("http://example.com/x", allowed) == ("http", "example.com", 80)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "http://localhost:8080/hook",
    ],
)
async def test_internal_targets_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(UnsafeWebhookUrl, match="internal address"):
        await resolve_target(url, Settings(TALLY_ENV="test"))
    allowed = Settings(TALLY_ENV="test", TALLY_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
    target = await resolve_target(url, allowed)
    assert not is_public(target.address)


async def test_the_api_refuses_an_internal_hook(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    for url in ("https://169.254.169.254/x", "http://127.0.0.1:9/x", "http://example.com/x"):
        response = await client.post(
            f"/api/v1/projects/{project.id}/webhooks",
            json={"url": url, "events": ["job.completed"]},
            headers=owner.headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "UnsafeWebhookUrl"
    listed = await client.get(f"/api/v1/projects/{project.id}/webhooks", headers=owner.headers)
    assert listed.json() == {"items": [], "has_more": False}


async def test_an_unknown_event_is_refused(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    response = await client.post(
        f"/api/v1/projects/{project.id}/webhooks",
        json={"url": "https://example.com/x", "events": ["job.exploded"]},
        headers=owner.headers,
    )
    assert response.status_code == 422


def test_signatures_expire_and_bind_the_body() -> None:
    header = signature_header("whsec_k", b"{}", timestamp=1_000)
    assert verify_signature("whsec_k", header, b"{}", now=1_100) == 1_000
    with pytest.raises(InvalidSignature, match="window"):
        verify_signature("whsec_k", header, b"{}", now=1_000 + 301)
    with pytest.raises(InvalidSignature, match="no signature matches"):
        verify_signature("whsec_k", header, b"{ }", now=1_100)
    with pytest.raises(InvalidSignature, match="no t="):
        verify_signature("whsec_k", "v1=abc", b"{}", now=1_100)
    both = header + ",v1=" + "0" * 64  # a second signature (a secret being rotated) is accepted
    assert verify_signature("whsec_k", both, b"{}", now=1_100) == 1_000
