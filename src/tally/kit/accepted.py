"""202 Accepted: where to poll the work that was started, and how soon to ask again."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

# Seconds a client is asked to wait between two polls of background work (ingestion, a job).
POLL_AFTER_SECONDS = 2

ACCEPTED_HEADERS: dict[str, Any] = {
    "Location": {
        "description": "Where to poll the work started (its status moves on from there)",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before polling",
        "schema": {"type": "integer"},
    },
}


def accepted_response(description: str) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry documenting a 202's headers."""
    return {202: {"description": description, "headers": ACCEPTED_HEADERS}}


def mark_accepted(request: Request, response: Response, route: str, **path: Any) -> None:
    """Point the 202 at the resource to poll (the route named ``route``) and pace the polling."""
    location = request.app.url_path_for(route, **{k: str(v) for k, v in path.items()})
    response.headers["Location"] = str(location)
    response.headers["Retry-After"] = str(POLL_AFTER_SECONDS)
