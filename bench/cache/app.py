"""The app under benchmark: Tally as served, plus a baseline route returning precomputed bytes.

``GET /bench/raw`` is the denominator of the throughput ratio: a FastAPI endpoint returning the
same bytes as the cached read, on the same server (same middleware, same process), with no
authorization and no cache. It is the first route of the table, so FastAPI's matching costs it
the least it can (registered last, it would pay for every route before it, the web pages
included): the strictest denominator. ``PUT /bench/raw`` sets the bytes. Benchmark only.

``GET /bench/asgi`` answers the same bytes from a bare ASGI callable wrapped around the whole app,
before any middleware or routing: what the server itself (uvicorn, the event loop, HTTP parsing)
costs, the floor no framework can go under. ``create_bench_asgi`` serves both.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from tally.app import create_app

_BODY = {"bytes": b"{}"}


def create_bench_app() -> FastAPI:
    app = create_app()
    body = _BODY

    @app.get("/bench/raw", include_in_schema=False)
    async def raw() -> Response:
        return Response(body["bytes"], media_type="application/json")

    @app.put("/bench/raw", include_in_schema=False)
    async def set_raw(request: Request) -> Response:
        body["bytes"] = await request.body()
        return Response(status_code=204)

    routes = app.router.routes
    for route in [r for r in routes if getattr(r, "path", None) == "/bench/raw"]:
        routes.remove(route)
        routes.insert(0, route)
    return app


def create_bench_asgi() -> Any:
    """The bench app behind a bare ASGI answer for ``GET /bench/asgi`` (same bytes as /bench/raw)."""
    app = create_bench_app()
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json")],
    }

    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/bench/asgi":
            body = _BODY["bytes"]
            headers = [*start["headers"], (b"content-length", str(len(body)).encode())]  # type: ignore[misc]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return serve
