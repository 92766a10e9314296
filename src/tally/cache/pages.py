"""Cached pages assembled from per-item entries.

A page of a list whose items are also read one by one (projects) is cached as two things: the
page's *index* (the ids it lists, and the total) under the page's key, and each item's JSON bytes
under the item's own key. A write to one item's fields then invalidates that item's entry alone,
not every page of every list the item appears in (the projects list of each of its members); an
index changes only when the list's membership does. A hit joins stored bytes: it still skips the
database, the ORM and JSON encoding. Used by the endpoint and by ``tally.fast_reads``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from tally.cache.core import Loader, ManyLoader
from tally.cache.envelope import decoded, etag_for
from tally.cache.http import entry_response, get_cache, respond
from tally.cache.keys import Key
from tally.cache.local import Entry
from tally.kit.pagination import Cursor, Paging, cursor_page_json, page_json


def encode_index(ids: list[int], total: int) -> bytes:
    """``<total> <id> <id> ...`` (a cursor page's index holds 1 or 0, whether more follow)."""
    return b" ".join([b"%d" % total, *(b"%d" % item for item in ids)])


def decode_index(body: bytes) -> tuple[list[int], int]:
    total, *ids = body.split()
    return [int(item) for item in ids], int(total)


def index_of(entry: Entry) -> tuple[list[int], int]:
    """The decoded index of a cached entry (decoded once per in-process entry)."""
    index: tuple[list[int], int] = decoded(entry, decode_index)
    return index


def page_entry(entries: list[Entry], params: Paging, number: int) -> Entry:
    """The page's bytes and ETag, from its items' entries in page order; ``number`` is the
    index's count: the list's total (page form) or whether more follow (cursor form, 1 or 0)."""
    bodies = [entry.body for entry in entries]
    if isinstance(params, Cursor):
        body = cursor_page_json(bodies, bool(number))
    else:
        body = page_json(bodies, params, number)
    return Entry(body=body, etag=etag_for(body), expires_at=0.0, refresh_at=0.0)


async def cached_page(
    request: Request,
    params: Paging,
    *,
    index_key: Key,
    load_index: Loader,
    item_key: Callable[[int], Key],
    load_items: ManyLoader[int],
    load_page: Loader,
) -> Response:
    """The page from its cached index and items; ``load_page`` (the whole page in one session)
    when the cache is off, or when an item the index lists is gone (deleted after the index was
    read, before its deletion's invalidation arrived)."""
    cache = get_cache(request)
    if cache.enabled:
        index = await cache.fetch(index_key, load_index)
        if index is None:
            raise RuntimeError(f"loader for {index_key.name} returned nothing to serve")
        ids, total = index_of(index)
        items = await cache.fetch_many(ids, item_key, load_items)
        if len(items) == len(ids):
            page = page_entry([items[item] for item in ids], params, total)
            return respond(page, request.headers.get("if-none-match"))
    entry = await cache.load(index_key, load_page)
    if entry is None:
        raise RuntimeError(f"loader for {index_key.name} returned nothing to serve")
    return entry_response(request, entry)
