"""`tally serve` closes connections whose client stalls before finishing its request, and keeps
serving everyone else (3,000 half-open connections were all still held after 60 s before)."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from tests.helpers.processes import TallyServer

pytestmark = pytest.mark.slow


def _closed_by_server(port: int, sent: bytes) -> bool:
    """Whether the server closes a connection on which the client sent ``sent`` and stalled.
    The socket timeout only guards the test; the server's deadline is far shorter."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.settimeout(120)
        if sent:
            connection.sendall(sent)
        try:
            return connection.recv(1024) == b""
        except TimeoutError:
            return False


def test_stalled_heads_and_bodies_are_cut_off(tmp_path: Path) -> None:
    env = {
        "TALLY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "TALLY_HEADER_TIMEOUT_SECONDS": "1",
    }
    server = TallyServer(env, tmp_path / "server.log")
    try:
        assert _closed_by_server(server.port, b"")  # connected, never sent a byte
        assert _closed_by_server(server.port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
        body_stalls = (
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        assert _closed_by_server(server.port, body_stalls)
        assert httpx.get(f"{server.base_url}/healthz", timeout=30).status_code == 200
    finally:
        server.stop()
