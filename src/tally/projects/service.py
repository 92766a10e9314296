"""The rules about projects: who sees which, who may change them, and what their stats say."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import (
    invalidate_membership,
    invalidate_project_lifecycle,
    keys,
    write_through,
)
from tally.cache.envelope import etag_for
from tally.cache.http import etag_matches
from tally.kit.errors import Conflict, NotFound, PreconditionFailed
from tally.kit.pagination import Cursor, Page, Paging, read_all
from tally.models import Project, ProjectMember, ProjectRole, User
from tally.projects.auth import ProjectAccess, ProjectNotFound
from tally.projects.repository import ProjectRepository
from tally.projects.schemas import (
    LastJob,
    MemberRead,
    ProjectCreate,
    ProjectRead,
    ProjectStatsRead,
    ProjectUpdate,
    SourceCount,
    project_amounts,
    project_json,
)
from tally.results.repository import ResultRepository
from tally.sources.repository import DataSourceRepository
from tally.users.auth import Principal


class MemberNotFound(NotFound):
    """No such member in this project."""


class OwnerIsPermanent(Conflict):
    """The project's owner cannot be removed or demoted."""


class ProjectService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = ProjectRepository(session)

    async def list_projects(
        self, principal: Principal, params: Paging, *, search: str | None = None
    ) -> Page[ProjectRead]:
        """The projects the caller belongs to (every project for an admin), newest first, by
        page or by cursor, optionally (by page) only those whose name contains ``search``. A
        project's API key lists that project alone (while its user is a member)."""
        if principal.key_project_id is not None:
            return await self._key_project(principal, params)
        user_filter = None if principal.is_admin else principal.user_id
        if isinstance(params, Cursor):
            ids, has_more = await self.repository.ids_by_cursor(user_filter, params)
            found = await self.projects_by_id(ids)
            return Page[ProjectRead].by_cursor([found[i] for i in ids if i in found], has_more)
        projects, total = await self.repository.page_for_user(
            user_filter, offset=params.offset, limit=params.per_page, search=(search or "").strip()
        )
        return Page[ProjectRead].of(
            [ProjectRead.model_validate(p) for p in projects], params, total
        )

    async def _key_project(self, principal: Principal, params: Paging) -> Page[ProjectRead]:
        assert principal.key_project_id is not None
        _, role = await self.repository.access(principal.key_project_id, principal.user_id)
        project = await self.repository.get(principal.key_project_id) if role else None
        items = [ProjectRead.model_validate(project)] if project is not None else []
        if isinstance(params, Cursor):
            # The one project is the whole list: on the first page, or after a newer id.
            after, before = params.starting_after, params.ending_before
            shown = [
                p
                for p in items
                if (after is None or p.id < after) and (before is None or p.id > before)
            ]
            return Page[ProjectRead].by_cursor(shown, False)
        return Page[ProjectRead].of(items if params.page == 1 else [], params, len(items))

    async def page_index(self, principal: Principal, params: Paging) -> tuple[list[int], int]:
        """The ids on a page of ``list_projects`` (no search) and the total (by cursor:
        1 if more follow, else 0)."""
        user_filter = None if principal.is_admin else principal.user_id
        if isinstance(params, Cursor):
            ids, has_more = await self.repository.ids_by_cursor(user_filter, params)
            return ids, int(has_more)
        return await self.repository.page_ids(
            user_filter, offset=params.offset, limit=params.per_page
        )

    async def projects_by_id(self, project_ids: list[int]) -> dict[int, ProjectRead]:
        """The projects with these ids (those that still exist); the caller authorized them."""
        return {
            project.id: ProjectRead.model_validate(project)
            for project in await self.repository.by_ids(project_ids)
        }

    async def get_project(self, access: ProjectAccess) -> Project:
        project = await self.repository.get(access.project_id)
        if project is None:  # deleted between the access check and this read
            raise ProjectNotFound(f"Project {access.project_id} not found")
        return project

    async def create_project(self, principal: Principal, data: ProjectCreate) -> Project:
        project = Project(name=data.name, description=data.description, owner_id=principal.user_id)
        await self.repository.add(project, principal.user_id)
        # Every namespace of the new id too: SQLite may hand out a deleted project's id again.
        invalidate_project_lifecycle(self.repository.session, project.id, [principal.user_id])
        return project

    async def update_project(
        self, access: ProjectAccess, data: ProjectUpdate, *, if_match: str | None = None
    ) -> Project:
        """Apply ``data``; with ``if_match`` (an ETag of the project as the caller read it), only
        if the project is still that version (PreconditionFailed otherwise): the row is locked
        for the comparison, so two editors holding the same version cannot both write."""
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        if if_match is not None:
            current = await self.repository.get_for_update(access.project_id)
            if current is None:
                raise ProjectNotFound(f"Project {access.project_id} not found")
            etag = etag_for(project_json(ProjectRead.model_validate(current)))
            if not etag_matches(if_match, etag):
                raise PreconditionFailed(
                    f"Project {access.project_id} changed since it was read; read it again"
                )
        if not changes:
            return await self.get_project(access)
        # The cache takes the updated row as the project's new entry (see WriteThrough).
        through = await write_through(self.repository.session, keys.project(access.project_id))
        project = await self.repository.update(access.project_id, changes)
        if project is None:  # deleted since the access check
            raise ProjectNotFound(f"Project {access.project_id} not found")
        through.store(project_json(ProjectRead.model_validate(project)))
        return project

    async def delete_project(self, access: ProjectAccess) -> None:
        project = await self.get_project(access)
        members = await self.repository.member_ids(project.id)  # before the cascade removes them
        # The bulk tables have no foreign keys (BULK_TABLES_NOTE): their rows go first, by range.
        await ResultRepository(self.repository.session).delete_results_of_project(project.id)
        await DataSourceRepository(self.repository.session).delete_records_of_project(project.id)
        await self.repository.delete(project)
        invalidate_project_lifecycle(self.repository.session, project.id, members)

    async def page_members(
        self, access: ProjectAccess, cursor: Cursor
    ) -> tuple[list[MemberRead], bool]:
        """A page of the project's members in user id order, and whether more follow."""
        rows, has_more = await self.repository.page_members(access.project_id, cursor)
        members = [
            MemberRead(user_id=user.id, email=user.email, role=ProjectRole(member.role))
            for member, user in rows
        ]
        return members, has_more

    async def list_members(self, access: ProjectAccess) -> list[MemberRead]:
        """Every member of the project, in user id order."""
        return await read_all(lambda cursor: self.page_members(access, cursor), _user_id)

    async def set_member_role(self, project_id: int, user: User, role: ProjectRole) -> MemberRead:
        """Make ``user`` a member with ``role``, or change their role (never the owner's).
        Adding by email goes through an invitation (tally.invitations); this is its last step,
        and what an operator's ``tally project members --add`` does directly."""
        if role == ProjectRole.OWNER:
            raise OwnerIsPermanent("A project has exactly one owner")
        member = await self.repository.get_member(project_id, user.id)
        if member is None:
            member = ProjectMember(project_id=project_id, user_id=user.id, role=role)
            await self.repository.add_member(member)
        elif member.role == ProjectRole.OWNER:
            raise OwnerIsPermanent("The owner's role cannot change")
        else:
            member.role = role
            await self.repository.session.flush()
        invalidate_membership(self.repository.session, project_id, user.id)
        return MemberRead(user_id=user.id, email=user.email, role=role)

    async def remove_member(self, access: ProjectAccess, user_id: int) -> None:
        member = await self.repository.get_member(access.project_id, user_id)
        if member is None:
            raise MemberNotFound(f"User {user_id} is not a member of this project")
        if member.role == ProjectRole.OWNER:
            raise OwnerIsPermanent("The owner cannot be removed")
        await self.repository.remove_member(member)
        invalidate_membership(self.repository.session, access.project_id, user_id)

    async def get_stats(self, access: ProjectAccess) -> ProjectStatsRead:
        """Stored stats (written when a job completes): two indexed reads, no aggregation."""
        stats, last_job = await self.repository.stats(access.project_id)
        sources = await self.repository.source_counts(access.project_id)
        detail = (stats.detail if stats else None) or {}
        amounts = project_amounts(
            stats.matched_amount if stats else 0, stats.unmatched_amount if stats else 0, detail
        )
        return ProjectStatsRead(
            project_id=access.project_id,
            sources=[
                SourceCount(id=s.id, name=s.name, status=s.status, row_count=s.row_count)
                for s in sources
            ],
            record_count=sum(s.row_count for s in sources),
            matched_count=stats.matched_count if stats else 0,
            unmatched_count=stats.unmatched_count if stats else 0,
            **amounts,
            match_rate=stats.match_rate if stats else 0.0,
            last_job=LastJob.model_validate(last_job) if last_job else None,
            computed_at=stats.computed_at if stats else None,
        )


def _user_id(member: MemberRead) -> int:
    return member.user_id
