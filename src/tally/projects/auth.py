"""Project-level authorization, resolved from the path before any project data is read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated

import orjson
from fastapi import Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import get_cache, keys
from tally.kit.errors import Forbidden, NotFound
from tally.kit.security import token_digest
from tally.models import ProjectRole, User
from tally.projects.repository import ProjectRepository
from tally.users.auth import CurrentPrincipal, Principal

ADMIN_ROLE = "admin"
_WRITE_ROLES = {ProjectRole.OWNER, ProjectRole.EDITOR, ADMIN_ROLE}
_OWNER_ROLES = {ProjectRole.OWNER, ADMIN_ROLE}


class ProjectNotFound(NotFound):
    """No such project, or the caller is not a member of it."""


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    project_id: int
    role: str
    principal: Principal


async def project_reader(
    project_id: Annotated[int, Path(ge=1)], principal: CurrentPrincipal, request: Request
) -> ProjectAccess:
    """Members and admins may read; everyone else learns nothing, not even that it exists.

    The (exists, role) lookup is cached per project and caller's token; membership changes and
    the project's deletion invalidate it (tally.cache).
    """
    role: str | None = await get_cache(request).fetch_decoded(
        keys.access(project_id, token_digest(principal.token)),
        partial(_load_access, project_id, principal.user_id),
        decode_role,
    )
    access = read_access(project_id, role, principal)
    if access is None:
        raise ProjectNotFound(f"Project {project_id} not found")
    return access


ROLE_RANK = {ProjectRole.VIEWER: 0, ProjectRole.EDITOR: 1, ProjectRole.OWNER: 2}


def capped_role(role: str, key_role: str | None) -> str:
    """The role a caller acts with on a project: their membership, capped by their API key's."""
    if key_role is None:
        return role
    if role in ROLE_RANK and ROLE_RANK[ProjectRole(role)] <= ROLE_RANK[ProjectRole(key_role)]:
        return role
    return key_role


def read_access(project_id: int, role: str | None, principal: Principal) -> ProjectAccess | None:
    """Who may read: members (any role) and admins. ``role`` is the cached lookup: None when the
    project does not exist, "" when the caller is not a member. Also used by tally.fast_reads."""
    if role is None or (role == "" and not principal.is_admin):
        return None
    if principal.key_project_id is not None and principal.key_project_id != project_id:
        return None  # a project's API key reaches that project only
    return ProjectAccess(project_id, capped_role(role or ADMIN_ROLE, principal.key_role), principal)


async def _load_access(project_id: int, user_id: int, session: AsyncSession) -> bytes | None:
    found, role = await ProjectRepository(session).access(project_id, user_id)
    if not found:
        return None  # no such project: not cached (creating one with this id needs no bump)
    return orjson.dumps(role or "")  # "" = the project exists, the user is not a member


def decode_role(body: bytes) -> str:
    role: str = orjson.loads(body)
    return role


ProjectReader = Annotated[ProjectAccess, Depends(project_reader)]


async def project_editor(access: ProjectReader) -> ProjectAccess:
    if access.role not in _WRITE_ROLES:
        raise Forbidden("Editor role required on this project")
    return access


async def project_owner(access: ProjectReader) -> ProjectAccess:
    if access.role not in _OWNER_ROLES:
        raise Forbidden("Owner role required on this project")
    return access


ProjectEditor = Annotated[ProjectAccess, Depends(project_editor)]
ProjectOwner = Annotated[ProjectAccess, Depends(project_owner)]


async def owner_access(session: AsyncSession, project_id: int) -> ProjectAccess:
    """Act as a project's owner: for the command line, which runs with the database's authority."""
    project = await ProjectRepository(session).get(project_id)
    if project is None:
        raise ProjectNotFound(f"Project {project_id} not found")
    owner = await session.get(User, project.owner_id)
    assert owner is not None
    principal = Principal(owner.id, owner.email, owner.role, token="")
    return ProjectAccess(project_id, ProjectRole.OWNER, principal)
