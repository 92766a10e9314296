"""`tally serve` behind a reverse proxy that terminates TLS: cookies get `Secure` when the proxy
says the client came over HTTPS (X-Forwarded-Proto), and only when that proxy is trusted
(TALLY_FORWARDED_ALLOW_IPS); anyone else sending the header is ignored."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.helpers.processes import TallyServer

pytestmark = pytest.mark.slow

FORWARDED_HTTPS = {"X-Forwarded-Proto": "https"}


def _login_cookie(server: TallyServer, headers: dict[str, str]) -> str:
    page = httpx.get(f"{server.base_url}/login", headers=headers, timeout=60)
    assert page.status_code == 200, page.text
    return page.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    ("allowed", "secure"), [("127.0.0.1", True), ("192.0.2.7", False)], ids=["trusted", "not"]
)
def test_cookies_are_secure_when_a_trusted_proxy_forwards_https(
    tmp_path: Path, allowed: str, secure: bool
) -> None:
    env = {
        "TALLY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "TALLY_FORWARDED_ALLOW_IPS": allowed,
    }
    server = TallyServer(env, tmp_path / "server.log")
    try:
        assert "secure" not in _login_cookie(server, {})  # plain HTTP, no proxy header
        assert ("secure" in _login_cookie(server, FORWARDED_HTTPS)) is secure
    finally:
        server.stop()
