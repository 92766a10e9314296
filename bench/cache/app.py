"""The app under benchmark: Tally as served, plus a baseline route returning precomputed bytes.

``GET /bench/raw`` is the denominator of the throughput ratio: a FastAPI endpoint returning the
same bytes as the cached read, on the same server (same middleware, same process), with no
authorization and no cache. It is the first route of the table, so FastAPI's matching costs it
the least it can (registered last, it would pay for every route before it, the web pages
included): the strictest denominator. ``PUT /bench/raw`` sets the bytes. Benchmark only.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from tally.app import create_app


def create_bench_app() -> FastAPI:
    app = create_app()
    body = {"bytes": b"{}"}

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
