"""Project-level authorization, resolved from the path before any project data is read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path

from tally.kit.errors import Forbidden, NotFound
from tally.models import ProjectRole
from tally.projects.repository import ProjectRepository
from tally.users.auth import CurrentPrincipal, Principal, Session

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
    project_id: Annotated[int, Path(ge=1)], principal: CurrentPrincipal, session: Session
) -> ProjectAccess:
    """Members and admins may read; everyone else learns nothing, not even that it exists."""
    found, role = await ProjectRepository(session).access(project_id, principal.user_id)
    if not found or (role is None and not principal.is_admin):
        raise ProjectNotFound(f"Project {project_id} not found")
    return ProjectAccess(project_id, role or ADMIN_ROLE, principal)


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
