from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import text

from tally.kit.db import get_database
from tally.kit.errors import ServiceUnavailable, error_responses

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health_live")
async def healthz() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz", operation_id="health_ready", responses=error_responses(ServiceUnavailable))
async def readyz(request: Request) -> Response:
    """The database answers a trivial query."""
    database = get_database(request)
    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return Response(b'{"status":"ready"}', media_type="application/json")
