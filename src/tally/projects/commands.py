"""The work behind `tally project ...`: the projects service, run as the command line's authority
(every project, as an administrator would see them; a new project's owner named by email)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import run_command
from tally.config import get_settings
from tally.kit.pagination import MAX_PER_PAGE, PageParams
from tally.models import UserRole
from tally.projects.auth import owner_access
from tally.projects.schemas import MemberAdd, ProjectCreate, ProjectRead
from tally.projects.service import ProjectService
from tally.users.auth import Principal
from tally.users.service import UserService

# The command line runs with the database's authority: it reads every project, as an admin does.
COMMAND_LINE = Principal(0, "command line", UserRole.ADMIN, token="")


async def create_project(name: str, description: str, owner_email: str) -> dict[str, Any]:
    data = ProjectCreate(name=name, description=description)

    async def work(session: AsyncSession) -> dict[str, Any]:
        owner = await UserService(session).get_user_by_email(owner_email)
        principal = Principal(owner.id, owner.email, owner.role, token="")
        project = await ProjectService(session).create_project(principal, data)
        await session.flush()
        await session.refresh(project)
        return ProjectRead.model_validate(project).model_dump(mode="json")

    return await run_command(get_settings(), work)


async def list_projects(member_email: str | None, search: str | None) -> list[dict[str, Any]]:
    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        principal = COMMAND_LINE
        if member_email:
            user = await UserService(session).get_user_by_email(member_email)
            # As that user sees them: only their projects, even for an administrator.
            principal = Principal(user.id, user.email, UserRole.MEMBER, token="")
        service = ProjectService(session)
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            params = PageParams(page=page, per_page=MAX_PER_PAGE)
            batch = await service.list_projects(principal, params, search=search)
            found.extend(p.model_dump(mode="json") for p in batch.items)
            if not batch.has_more:
                return found
            page += 1

    return await run_command(get_settings(), work)


async def show_project(project_id: int) -> dict[str, Any]:
    async def work(session: AsyncSession) -> dict[str, Any]:
        access = await owner_access(session, project_id)
        service = ProjectService(session)
        project = ProjectRead.model_validate(await service.get_project(access))
        stats = await service.get_stats(access)
        return {**project.model_dump(mode="json"), "stats": stats.model_dump(mode="json")}

    return await run_command(get_settings(), work)


async def project_members(
    project_id: int, add: str | None, role: str, remove: str | None
) -> list[dict[str, Any]]:
    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        access = await owner_access(session, project_id)
        service = ProjectService(session)
        if add:
            # An operator with the server's database: no invitation, the user joins at once.
            data = MemberAdd.model_validate({"email": add, "role": role})
            user = await UserService(session).get_user_by_email(data.email)
            await service.set_member_role(access.project_id, user, data.role)
        if remove:
            user = await UserService(session).get_user_by_email(remove)
            await service.remove_member(access, user.id)
        return [m.model_dump(mode="json") for m in await service.list_members(access)]

    return await run_command(get_settings(), work)
