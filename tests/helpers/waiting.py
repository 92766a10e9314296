from __future__ import annotations

import asyncio
import time
from typing import Any

from httpx import AsyncClient


async def wait_for(
    client: AsyncClient, url: str, headers: dict[str, str], *, until: set[str], timeout: float = 60
) -> dict[str, Any]:
    """Poll ``url`` until its ``status`` is one of ``until``; returns the last body."""
    deadline = time.monotonic() + timeout
    while True:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in until:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} still {body['status']} after {timeout} s: {body}")
        await asyncio.sleep(0.05)
