"""Cache hits of the six cached reads, answered before FastAPI's routing and dependencies.

Why: on a hit, FastAPI's routing and dependency solving cost about four times the cache lookups
themselves (bench/cache/REPORT.md). What this does: for a GET of one of the six reads, when the
caller's token, their role in the project (project reads) and the response are *all* already
cached (for a projects page: its ids and each project's entry), it applies the endpoints' own
authorization functions (``principal_from_identity``, ``read_access``, the admin rule) to those
cached facts and sends the stored bytes, with their ETag and 304 as the endpoint would. The facts
a request needs are looked up together (one Redis round trip without the in-process tier); nothing
is sent before the checks pass. In every other case (a miss anywhere, an unknown or expired token,
a refusal, a query it does not recognise, an entry due for its early refresh, the cache off) it
does nothing: FastAPI handles the request exactly as it would without this, and caches what it
loads. So it can only answer what the endpoint would have answered; tests compare the two.
Turn it off with CACHE_FAST_PATH=false.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl

import orjson
import structlog
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tally.apikeys.usage import note_key_use
from tally.cache import Cache, keys
from tally.cache.envelope import decoded
from tally.cache.http import respond
from tally.cache.local import Entry
from tally.cache.pages import index_of, page_entry
from tally.kit.pagination import DEFAULT_LIMIT, MAX_PAGE, MAX_PER_PAGE, Cursor, PageParams
from tally.kit.security import token_digest
from tally.projects.auth import decode_role, read_access
from tally.users.auth import Principal, principal_from_identity

log = structlog.get_logger("tally.fast_reads")

_PROJECT_READS: dict[str, tuple[Callable[[int, Cursor], keys.Key], str]] = {
    "": (lambda project_id, _: keys.project(project_id), "/projects/{project_id}"),
    "/stats": (lambda project_id, _: keys.stats(project_id), "/projects/{project_id}/stats"),
    "/jobs": (keys.jobs, "/projects/{project_id}/jobs"),
    "/data-sources": (keys.data_sources, "/projects/{project_id}/data-sources"),
}
# The cursor lists' query parameters; any other (created_since, ...) is the endpoint's work.
_CURSOR_PARAMETERS = ("starting_after", "ending_before", "limit")
_DIGITS = re.compile(r"[0-9]{1,7}")
# Ids up to 10^18 - 1: every one fits in 64 bits, as the endpoint's bound (MAX_ID) requires.
_ID_DIGITS = re.compile(r"[1-9][0-9]{0,17}")


class FastReads:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix
        self._projects_page = f"{prefix}/projects"
        self._users_page = f"{prefix}/users"
        self._project = re.compile(
            re.escape(prefix) + r"/projects/([1-9][0-9]{0,17})(|/stats|/jobs|/data-sources)"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            try:
                response = await self._hit(scope)
            except Exception:  # never worse than not having a fast path
                log.exception("fast_reads.error", path=scope.get("path"))
                response = None
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _hit(self, scope: Scope) -> Response | None:
        cache: Cache | None = getattr(scope["app"].state, "cache", None)
        if cache is None or not cache.enabled:
            return None
        path: str = scope["path"]
        project = self._project.fullmatch(path)
        if project is None and path not in (self._projects_page, self._users_page):
            return None
        token, if_none_match = _headers(scope)
        if token is None:
            return None
        digest = token_digest(token)
        principal_key = keys.principal(digest)
        if project is not None:
            project_id = int(project.group(1))
            key_for, template = _PROJECT_READS[project.group(2)]
            cursor = Cursor()
            if project.group(2) in ("/jobs", "/data-sources"):
                found_cursor = _cursor(scope["query_string"])
                if found_cursor is None:
                    return None
                cursor = found_cursor
            access_key = keys.access(project_id, digest)
            # Every key is known from the request alone: one lookup (one Redis round trip when
            # there is no in-process tier). Nothing is served before the checks below pass.
            found = await cache.peek_many([principal_key, access_key, key_for(project_id, cursor)])
            principal = _principal(found[0], token)
            if principal is None or found[1] is None or found[2] is None:
                return None
            if read_access(project_id, decoded(found[1][0], decode_role), principal) is None:
                return None
            if principal.is_api_key:
                await note_key_use(scope["app"].state.database, digest)
            hits = [
                (principal_key, found[0]),
                (access_key, found[1]),
                (key_for(project_id, cursor), found[2]),
            ]
            return self._respond(cache, scope, hits, found[2][0], template, if_none_match)
        page = _page_params(scope["query_string"])
        if page is None:
            return None
        if path == self._users_page:
            users_key = keys.users_page(page.page, page.per_page)
            found = await cache.peek_many([principal_key, users_key])
            principal = _principal(found[0], token)
            if principal is None or not principal.is_admin or found[1] is None:
                return None  # (a member gets the endpoint's 403)
            hits = [(principal_key, found[0]), (users_key, found[1])]
            return self._respond(cache, scope, hits, found[1][0], "/users", if_none_match)

        # A projects page: whose it is depends on the caller, and its index names the projects
        # whose own entries it is made of (tally.cache.pages).
        found_principal = await cache.peek(principal_key)
        principal = _principal(found_principal, token)
        if principal is None or principal.key_project_id is not None:
            return None  # (a project's API key lists its one project: the endpoint's work)
        scope_id = None if principal.is_admin else principal.user_id
        index_key = keys.projects_page(scope_id, page)
        found_index = await cache.peek(index_key)
        if found_principal is None or found_index is None:
            return None
        ids, total = index_of(found_index[0])
        item_keys = [keys.project(project_id) for project_id in ids]
        items = await cache.peek_many(item_keys)
        hits = [(principal_key, found_principal), (index_key, found_index)]
        entries = []
        for item_key, item in zip(item_keys, items, strict=True):
            if item is None:
                return None
            hits.append((item_key, item))
            entries.append(item[0])
        entry = page_entry(entries, page, total)
        return self._respond(cache, scope, hits, entry, "/projects", if_none_match)

    def _respond(
        self,
        cache: Cache,
        scope: Scope,
        hits: list[tuple[keys.Key, tuple[Entry, str] | None]],
        entry: Entry,
        template: str,
        if_none_match: str | None,
    ) -> Response:
        for key, found in hits:
            assert found is not None
            cache.count_hit(key, found[1])
        cache.stats.fast_path_hits += 1
        scope["tally.route"] = self.prefix + template  # the metrics middleware's label
        return respond(entry, if_none_match)


def _principal(found: tuple[Entry, str] | None, token: str) -> Principal | None:
    """The caller, when their token's identity is cached and still valid."""
    if found is None:
        return None
    return principal_from_identity(decoded(found[0], orjson.loads), token)


def _headers(scope: Scope) -> tuple[str | None, str | None]:
    """The bearer token as HTTPBearer reads it, and If-None-Match."""
    token = if_none_match = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credentials:
                token = credentials
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
    return token, if_none_match


def _cursor(query_string: bytes) -> Cursor | None:
    """The cursor of a jobs or sources page when its parameters are plainly valid and nothing
    else is asked; None for anything else, which FastAPI then validates itself."""
    values: dict[str, int] = {}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name not in _CURSOR_PARAMETERS:
            if name in ("created_since", "updated_since"):
                return None
            continue  # ignored by the endpoint too
        if name in values or not _ID_DIGITS.fullmatch(value):
            return None
        values[name] = int(value)
    limit = values.get("limit", DEFAULT_LIMIT)
    after, before = values.get("starting_after"), values.get("ending_before")
    if not 1 <= limit <= MAX_PER_PAGE or (after is not None and before is not None):
        return None
    return Cursor(limit=limit, starting_after=after, ending_before=before)


def _page_params(query_string: bytes) -> PageParams | None:
    """``page`` and ``per_page`` when plainly valid (FastAPI would accept them as they are);
    None for anything else, which FastAPI then validates itself (the cursor form too)."""
    values = {"page": 1, "per_page": 20}
    seen = set()
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name in _CURSOR_PARAMETERS:
            return None
        if name not in values:
            continue  # ignored by the endpoint too
        if name in seen or not _DIGITS.fullmatch(value):
            return None
        seen.add(name)
        values[name] = int(value)
    page, per_page = values["page"], values["per_page"]
    if not (1 <= page <= MAX_PAGE and 1 <= per_page <= MAX_PER_PAGE):
        return None
    return PageParams(page=page, per_page=per_page)
