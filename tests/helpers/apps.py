"""Run the app in-process with its lifespan (which builds the cache), under chosen settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database


def settings_with(base: Settings, **overrides: Any) -> Settings:
    """``base`` with fields overridden by their environment names (``ENABLE_CACHE=False``...)."""
    values = {**base.model_dump(by_alias=True), **overrides}
    return Settings(**values)


@asynccontextmanager
async def running_app(
    db: Database, settings: Settings
) -> AsyncIterator[tuple[FastAPI, AsyncClient]]:
    app = create_app(settings, database=db)
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://tally.test") as http,
    ):
        yield app, http
