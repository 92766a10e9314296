"""What is cached under which key, and which namespaces (generation counters) each key depends on.

A key names one cached value (``project:42``). Its *namespaces* are the things whose change makes
the value wrong (``project:42``); a write bumps their generations after commit, and every key that
depends on a bumped namespace is addressed under a new storage key from then on. Keys never carry
a tenant's data in a way another tenant's request could compute: per-caller reads (the projects
list) put the caller's scope in the key, and everything else is reached only after authorization.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tally.kit.pagination import DEFAULT_LIMIT, Cursor, PageParams


class Family(StrEnum):
    """Kinds of cached values: each has its own TTL and its own line in the stats."""

    PROJECTS_PAGE = "projects_page"
    PROJECT = "project"
    JOBS = "jobs"
    DATA_SOURCES = "data_sources"
    STATS = "stats"
    USERS_PAGE = "users_page"
    PRINCIPAL = "principal"  # bearer-token digest -> the user it authenticates
    ACCESS = "access"  # (project, caller's token) -> exists? and the member's role


# The old platform's TTLs, in seconds. Families not listed use CACHE_TTL.
DEFAULT_TTLS: dict[str, int] = {
    Family.PROJECTS_PAGE: 5 * 60,
    Family.PROJECT: 10 * 60,
    Family.JOBS: 2 * 60,
    Family.DATA_SOURCES: 5 * 60,
    Family.STATS: 30 * 60,
    Family.USERS_PAGE: 10 * 60,
}

# --- namespaces -------------------------------------------------------------------------------
# A global namespace every key depends on: bumped to forget everything at once (after an outage
# during which some invalidations could not be delivered).
EPOCH = "epoch"
USERS = "users"  # every page of the users list
USERS_AUTH = "users:auth"  # every cached principal: a user's role or active flag changed
PROJECTS_ADMIN = "projects:all"  # the projects list as an administrator sees it (every project)


def token_ns(digest: str) -> str:
    """One bearer token (by digest): bumped when it is revoked."""
    return f"token:{digest}"


def projects_of_ns(user_id: int) -> str:
    """The projects list of one user: bumped when a project they belong to appears, changes or
    goes, and when they join or leave one."""
    return f"projects:user:{user_id}"


def project_ns(project_id: int) -> str:
    """The project's own row (name, description, ...)."""
    return f"project:{project_id}"


def project_members_ns(project_id: int) -> str:
    """Who may see the project and with which role (the per-request authorization lookup)."""
    return f"project:{project_id}:members"


def project_jobs_ns(project_id: int) -> str:
    return f"project:{project_id}:jobs"


def project_sources_ns(project_id: int) -> str:
    return f"project:{project_id}:sources"


def project_stats_ns(project_id: int) -> str:
    return f"project:{project_id}:stats"


def project_namespaces(project_id: int) -> tuple[str, ...]:
    """Every namespace of one project: what a project's creation or deletion bumps."""
    return (
        project_ns(project_id),
        project_members_ns(project_id),
        project_jobs_ns(project_id),
        project_sources_ns(project_id),
        project_stats_ns(project_id),
    )


# --- keys -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Key:
    family: Family
    name: str
    namespaces: tuple[str, ...]


def projects_page(user_id: int | None, params: PageParams | Cursor) -> Key:
    """A page of the caller's projects, by number or by cursor; ``user_id=None`` is the
    administrators' view of all."""
    if user_id is None:
        scope, namespace = "admin", PROJECTS_ADMIN
    else:
        scope, namespace = f"user:{user_id}", projects_of_ns(user_id)
    if isinstance(params, Cursor):
        name = f"projects:cursor:{scope}{cursor_suffix(params)}"
    else:
        name = f"projects:page:{scope}:{params.page}:per_page:{params.per_page}"
    return Key(Family.PROJECTS_PAGE, name, (namespace,))


def project(project_id: int) -> Key:
    return Key(Family.PROJECT, f"project:{project_id}", (project_ns(project_id),))


def jobs(project_id: int, cursor: Cursor | None = None) -> Key:
    """A cursor page of the project's jobs; the first page of the default size keeps the key
    the whole list had (``jobs:project:{id}``)."""
    name = f"jobs:project:{project_id}{cursor_suffix(cursor)}"
    return Key(Family.JOBS, name, (project_jobs_ns(project_id),))


def data_sources(project_id: int, cursor: Cursor | None = None) -> Key:
    name = f"data_sources:project:{project_id}{cursor_suffix(cursor)}"
    return Key(Family.DATA_SOURCES, name, (project_sources_ns(project_id),))


def cursor_suffix(cursor: Cursor | None) -> str:
    """What sets one cursor page of a list apart from its first page of the default size: the
    same namespaces cover every page, so one bump forgets them all."""
    if cursor is None:
        return ""
    suffix = ""
    if cursor.starting_after is not None:
        suffix += f":after:{cursor.starting_after}"
    if cursor.ending_before is not None:
        suffix += f":before:{cursor.ending_before}"
    if cursor.limit != DEFAULT_LIMIT:
        suffix += f":limit:{cursor.limit}"
    return suffix


def stats(project_id: int) -> Key:
    return Key(Family.STATS, f"stats:project:{project_id}", (project_stats_ns(project_id),))


def users_page(page: int, per_page: int) -> Key:
    return Key(Family.USERS_PAGE, f"users:page:{page}:per_page:{per_page}", (USERS,))


def users_cursor(cursor: Cursor) -> Key:
    """A cursor page of the users list: the same namespace as its numbered pages."""
    return Key(Family.USERS_PAGE, f"users:cursor{cursor_suffix(cursor)}", (USERS,))


def principal(token_digest: str) -> Key:
    """Keyed by the token's SHA-256, never the token: Redis never holds a usable credential."""
    name = f"principal:{token_digest}"
    return Key(Family.PRINCIPAL, name, (token_ns(token_digest), USERS_AUTH))


def access(project_id: int, token_digest: str) -> Key:
    """The caller's role in a project, keyed by their token's digest (a token belongs to one user
    for good) so that a request's keys are all known before anything is read: the fast path
    looks up token, role and response together (one Redis round trip)."""
    name = f"access:{project_id}:{token_digest}"
    return Key(Family.ACCESS, name, (project_members_ns(project_id),))
