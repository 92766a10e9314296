from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import Project, ProjectMember, ProjectRole
from tests.helpers.users import AuthedUser


async def create_project(
    session: AsyncSession,
    *,
    owner: AuthedUser,
    name: str = "Bank vs ledger",
    members: dict[AuthedUser, ProjectRole] | None = None,
) -> Project:
    """Create and commit a project owned by ``owner``, with optional extra members."""
    project = Project(name=name, description="", owner_id=owner.id)
    session.add(project)
    await session.flush()
    session.add(ProjectMember(project_id=project.id, user_id=owner.id, role=ProjectRole.OWNER))
    for user, role in (members or {}).items():
        session.add(ProjectMember(project_id=project.id, user_id=user.id, role=role))
    await session.commit()
    return project
