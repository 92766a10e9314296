from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import (
    DataSource,
    Project,
    ProjectMember,
    ProjectStats,
    ReconciliationJob,
    User,
)


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def access(self, project_id: int, user_id: int) -> tuple[bool, str | None]:
        """(project exists, caller's member role or None) in one primary-key lookup."""
        statement = (
            select(Project.id, ProjectMember.role)
            .outerjoin(
                ProjectMember,
                (ProjectMember.project_id == Project.id) & (ProjectMember.user_id == user_id),
            )
            .where(Project.id == project_id)
        )
        row = (await self.session.execute(statement)).first()
        if row is None:
            return False, None
        return True, row.role

    async def get(self, project_id: int) -> Project | None:
        return await self.session.get(Project, project_id)

    async def page_for_user(
        self, user_id: int | None, *, offset: int, limit: int, search: str | None = None
    ) -> tuple[list[Project], int]:
        """Newest first. ``user_id=None`` (admins) pages every project; ``search`` matches names."""
        items = select(Project).order_by(Project.id.desc()).offset(offset).limit(limit)
        total = select(func.count()).select_from(Project)
        if user_id is not None:
            # Walks ix_project_member_user_id_project_id, then primary-key lookups on project.
            items = items.join(ProjectMember, ProjectMember.project_id == Project.id).where(
                ProjectMember.user_id == user_id
            )
            total = total.join(ProjectMember, ProjectMember.project_id == Project.id).where(
                ProjectMember.user_id == user_id
            )
        if search:
            # A substring of the name, case-insensitive; a user's projects are few enough to scan.
            pattern = (
                "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            items = items.where(Project.name.ilike(pattern, escape="\\"))
            total = total.where(Project.name.ilike(pattern, escape="\\"))
        projects = await self.session.scalars(items)
        count = await self.session.scalar(total)
        return list(projects), count or 0

    async def page_ids(
        self, user_id: int | None, *, offset: int, limit: int
    ) -> tuple[list[int], int]:
        """The ids on one page of ``page_for_user`` (no search), and the total: what a cached
        projects page keeps (each project's fields are cached under its own key).

        One statement: the total comes with each row (a COUNT reads the same rows anyway); only a
        page past the end, which has no row to carry it, needs a second one.
        """
        if user_id is None:
            id_column, total = Project.id, select(func.count()).select_from(Project)
            ids = select(Project.id, func.count().over())
        else:
            # Index-only on ix_project_member_user_id_project_id: the project table is not read.
            id_column = ProjectMember.project_id
            total = select(func.count()).where(ProjectMember.user_id == user_id)
            ids = select(id_column, func.count().over()).where(ProjectMember.user_id == user_id)
        rows = (
            await self.session.execute(ids.order_by(id_column.desc()).offset(offset).limit(limit))
        ).all()
        if not rows:
            return [], await self.session.scalar(total) or 0
        return [row[0] for row in rows], rows[0][1]

    async def ids_by_cursor(self, user_id: int | None, cursor: Cursor) -> tuple[list[int], bool]:
        """The ids on one cursor page of the projects (newest first) a user belongs to (every
        project: ``user_id=None``), and whether more follow; index-only as ``page_ids``."""
        if user_id is None:
            id_column, statement = Project.id, select(Project.id)
        else:
            id_column = ProjectMember.project_id
            statement = select(id_column).where(ProjectMember.user_id == user_id)
        rows = await self.session.scalars(keyset(statement, id_column, cursor, descending=True))
        return cut(list(rows), cursor)

    async def by_ids(self, project_ids: list[int]) -> list[Project]:
        return list(await self.session.scalars(select(Project).where(Project.id.in_(project_ids))))

    async def get_for_update(self, project_id: int) -> Project | None:
        """The project, its row locked until the transaction ends (PostgreSQL; SQLite has one
        writer at a time)."""
        statement = (
            select(Project)
            .where(Project.id == project_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)

    async def update(self, project_id: int, values: dict[str, object]) -> Project | None:
        """Set ``values`` and return the updated row, in one statement (None: no such project)."""
        statement = (
            update(Project).where(Project.id == project_id).values(values).returning(Project)
        )
        return await self.session.scalar(statement)

    async def add(self, project: Project, owner_id: int) -> Project:
        self.session.add(project)
        await self.session.flush()
        self.session.add(ProjectMember(project_id=project.id, user_id=owner_id, role="owner"))
        await self.session.flush()
        return project

    async def delete(self, project: Project) -> None:
        # ON DELETE CASCADE removes members, sources, jobs, stats and audit events; the caller has
        # removed the bulk tables' rows (records, matches), which have no foreign keys.
        await self.session.execute(delete(Project).where(Project.id == project.id))

    async def page_members(
        self, project_id: int, cursor: Cursor
    ) -> tuple[list[tuple[ProjectMember, User]], bool]:
        """A cursor page of the project's members in user id order (on the primary key)."""
        statement = (
            select(ProjectMember, User)
            .join(User, User.id == ProjectMember.user_id)
            .where(ProjectMember.project_id == project_id)
        )
        rows = await self.session.execute(keyset(statement, ProjectMember.user_id, cursor))
        return cut([(row[0], row[1]) for row in rows], cursor)

    async def member_ids(self, project_id: int) -> list[int]:
        """Who belongs to the project (on the primary key): whose cached lists a change touches."""
        statement = select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)
        return list(await self.session.scalars(statement))

    async def get_member(self, project_id: int, user_id: int) -> ProjectMember | None:
        return await self.session.get(ProjectMember, (project_id, user_id))

    async def add_member(self, member: ProjectMember) -> None:
        self.session.add(member)
        await self.session.flush()

    async def remove_member(self, member: ProjectMember) -> None:
        await self.session.delete(member)
        await self.session.flush()

    async def stats(self, project_id: int) -> tuple[ProjectStats | None, ReconciliationJob | None]:
        """The stored stats row and the project's latest job, in one statement."""
        latest_job = (
            select(ReconciliationJob.id)
            .where(ReconciliationJob.project_id == project_id)
            .order_by(ReconciliationJob.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        statement = (
            select(ReconciliationJob, ProjectStats)
            .select_from(Project)
            .outerjoin(ProjectStats, ProjectStats.project_id == Project.id)
            .outerjoin(ReconciliationJob, ReconciliationJob.id == latest_job)
            .where(Project.id == project_id)
        )
        row = (await self.session.execute(statement)).first()
        if row is None:
            return None, None
        return row[1], row[0]

    async def source_counts(self, project_id: int) -> list[DataSource]:
        statement = (
            select(DataSource)
            .where(DataSource.project_id == project_id, DataSource.deleted_at.is_(None))
            .order_by(DataSource.id)
        )
        return list(await self.session.scalars(statement))
