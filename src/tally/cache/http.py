"""Serving cached bytes over HTTP: ETag, If-None-Match -> 304, no re-encoding on a hit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel

from tally.cache.core import Cache, Loader
from tally.cache.envelope import etag_for
from tally.cache.keys import Key
from tally.cache.local import Entry
from tally.kit.db import get_database, run_in_transaction
from tally.kit.errors import PreconditionFailed

# Responses are per caller (bearer token): browsers may keep them but must revalidate every time,
# which If-None-Match makes a cheap 304; shared caches must not keep them at all.
_CACHE_CONTROL = (b"cache-control", b"private, no-cache")
_VARY = (b"vary", b"Authorization")

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the ETag in If-None-Match is current"}
}


def get_cache(request: Request) -> Cache:
    cache: Cache | None = getattr(request.app.state, "cache", None)
    if cache is None:
        raise RuntimeError(
            "app.state.cache is built in the app's lifespan; run it "
            "(e.g. `async with app.router.lifespan_context(app): ...`)"
        )
    return cache


async def cached_response(request: Request, key: Key, load: Loader) -> Response:
    """The response for ``key``: from the cache, or ``load(session)``'s JSON bytes on a miss."""
    entry = await get_cache(request).fetch(key, load)
    if entry is None:
        raise RuntimeError(f"loader for {key.name} returned nothing to serve")
    return entry_response(request, entry)


async def cached_unless_polled(
    request: Request, key: Key, load: Loader, *, polled: bool
) -> Response:
    """``cached_response``, except for a poll's read (``updated_since``/``created_since``: a
    moment of its own each time, never read twice), which is loaded and not stored."""
    if not polled:
        return await cached_response(request, key, load)
    body = await run_in_transaction(get_database(request), load)
    return Response(body, media_type="application/json")


class _CachedBytes(Response):
    """A Response built from an entry without Starlette's header normalisation (a hit's hot path)."""

    def __init__(self, status_code: int, body: bytes, etag: bytes) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        headers = [(b"etag", etag), _CACHE_CONTROL, _VARY]
        if status_code == 200:
            headers.append((b"content-length", str(len(body)).encode()))
            headers.append((b"content-type", b"application/json"))
        self.raw_headers = headers


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag of the resource as read: the write applies only if it is still "
        "that version, 412 otherwise (optional: without it the write applies as before)",
    ),
]


def representation_etag(view: BaseModel) -> str:
    """The ETag of a resource as its read renders it (small rows: hashing them is cheap)."""
    return etag_for(view.model_dump_json().encode())


def require_current(if_match: str | None, current: BaseModel, what: str) -> None:
    """Refuse a write made over an older version than ``current`` (412), given If-Match."""
    if if_match is not None and not etag_matches(if_match, representation_etag(current)):
        raise PreconditionFailed(f"{what} changed since it was read; read it again")


ETAG_HEADER: dict[str, Any] = {
    "ETag": {
        "description": "The representation's version: send it in If-None-Match to poll (304 "
        "while unchanged) and in If-Match to write only over what was read (412 otherwise)",
        "schema": {"type": "string"},
    }
}


async def versioned_response(
    request: Request, version: str, render: Callable[[], Awaitable[bytes]]
) -> Response:
    """A read whose ETag derives from the version of what it shows (e.g. a row's updated_at and
    the query), not from its bytes: a poll whose answer did not change gets a 304 without the
    answer being loaded or encoded at all."""
    etag = etag_for(version.encode())
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag_matches(if_none_match, etag):
        return _CachedBytes(304, b"", etag.encode())
    return _CachedBytes(200, await render(), etag.encode())


def entry_response(request: Request, entry: Entry) -> Response:
    return respond(entry, request.headers.get("if-none-match"))


def respond(entry: Entry, if_none_match: str | None) -> Response:
    """200 with the stored bytes, or 304 when the client's ETag is current."""
    etag = entry.etag.encode()
    if if_none_match is not None and etag_matches(if_none_match, entry.etag):
        return _CachedBytes(304, b"", etag)
    return _CachedBytes(200, entry.body, etag)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match requires."""
    if if_none_match.strip() == "*":
        return True
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False
