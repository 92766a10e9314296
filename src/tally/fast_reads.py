"""Cache hits of the six cached reads, answered before FastAPI's routing and dependencies.

Why: on a hit, FastAPI's routing and dependency solving cost about four times the cache lookups
themselves (bench/cache/REPORT.md). What this does: for a GET of one of the six reads, when the
caller's token, their role in the project (project reads) and the response are *all* already
cached, it applies the endpoints' own authorization functions (``principal_from_identity``,
``read_access``, the admin rule) to those cached facts and sends the stored bytes, with their ETag
and 304 as the endpoint would. In every other case (a miss anywhere, an unknown or expired token,
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

from tally.cache import Cache, keys
from tally.cache.core import decoded
from tally.cache.http import respond
from tally.kit.pagination import MAX_PAGE, MAX_PER_PAGE
from tally.kit.security import token_digest
from tally.projects.auth import decode_role, read_access
from tally.users.auth import Principal, principal_from_identity

log = structlog.get_logger("tally.fast_reads")

_PROJECT_READS: dict[str, tuple[Callable[[int], keys.Key], str]] = {
    "": (keys.project, "/projects/{project_id}"),
    "/stats": (keys.stats, "/projects/{project_id}/stats"),
    "/jobs": (keys.jobs, "/projects/{project_id}/jobs"),
    "/data-sources": (keys.data_sources, "/projects/{project_id}/data-sources"),
}
_DIGITS = re.compile(r"[0-9]{1,7}")


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
        principal_key = keys.principal(token_digest(token))
        found_principal = await cache.peek(principal_key)
        if found_principal is None:
            return None
        principal = principal_from_identity(decoded(found_principal[0], orjson.loads), token)
        if principal is None:
            return None
        hits = [(principal_key, found_principal[1])]

        if project is not None:
            project_id = int(project.group(1))
            access_key = keys.access(project_id, principal.user_id)
            found_access = await cache.peek(access_key)
            if found_access is None:
                return None
            if read_access(project_id, decoded(found_access[0], decode_role), principal) is None:
                return None
            hits.append((access_key, found_access[1]))
            key_for, template = _PROJECT_READS[project.group(2)]
            key = key_for(project_id)
        else:
            page = _page_params(scope["query_string"])
            if page is None:
                return None
            list_key, template = self._list_key(path, principal, *page)
            if list_key is None:
                return None
            key = list_key

        found = await cache.peek(key)
        if found is None:
            return None
        for hit_key, tier in (*hits, (key, found[1])):
            cache.count_hit(hit_key, tier)
        cache.stats.fast_path_hits += 1
        scope["tally.route"] = self.prefix + template  # the metrics middleware's label
        return respond(found[0], if_none_match)

    def _list_key(
        self, path: str, principal: Principal, page: int, per_page: int
    ) -> tuple[keys.Key | None, str]:
        if path == self._users_page:
            if not principal.is_admin:  # the endpoint answers 403
                return None, ""
            return keys.users_page(page, per_page), "/users"
        scope = None if principal.is_admin else principal.user_id
        return keys.projects_page(scope, page, per_page), "/projects"


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


def _page_params(query_string: bytes) -> tuple[int, int] | None:
    """``page`` and ``per_page`` when plainly valid (FastAPI would accept them as they are);
    None for anything else, which FastAPI then validates itself."""
    values = {"page": 1, "per_page": 20}
    seen = set()
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name not in values:
            continue  # ignored by the endpoint too
        if name in seen or not _DIGITS.fullmatch(value):
            return None
        seen.add(name)
        values[name] = int(value)
    page, per_page = values["page"], values["per_page"]
    if not (1 <= page <= MAX_PAGE and 1 <= per_page <= MAX_PER_PAGE):
        return None
    return page, per_page
