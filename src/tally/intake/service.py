"""The rules about inboxes: what may be configured, and what follows a file's arrival."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache.http import require_current
from tally.intake.repository import InboxRepository
from tally.intake.schemas import InboxCreate, InboxRead, InboxUpdate
from tally.jobs.schemas import JobCreate
from tally.jobs.service import JobService
from tally.kit.errors import NotFound, TallyError
from tally.kit.pagination import Cursor, read_all
from tally.matching.rules import RuleSet
from tally.models import Inbox, InboxFile, ReconciliationJob
from tally.projects.auth import ProjectAccess
from tally.sources.repository import DataSourceRepository

INBOX_FILES_LIMIT = 100


class InboxNotFound(NotFound):
    """No such inbox in this project."""


class InvalidInbox(TallyError):
    """The inbox's URL, sources or schedule cannot work."""

    status_code = 422


class InboxService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = InboxRepository(session)

    async def page_inboxes(self, access: ProjectAccess, cursor: Cursor) -> tuple[list[Inbox], bool]:
        """A page of the project's inboxes, oldest first, and whether more follow."""
        return await self.repository.page_for_project(access.project_id, cursor)

    async def list_inboxes(self, access: ProjectAccess) -> list[Inbox]:
        """Every inbox of the project, oldest first."""
        return await read_all(lambda cursor: self.page_inboxes(access, cursor), _id)

    async def get_inbox(self, access: ProjectAccess, inbox_id: int) -> Inbox:
        inbox = await self.repository.get_in_project(access.project_id, inbox_id)
        if inbox is None:
            raise InboxNotFound(f"Inbox {inbox_id} not found in this project")
        return inbox

    async def create_inbox(self, access: ProjectAccess, data: InboxCreate) -> Inbox:
        """Configure an inbox: its URL must name a file system fsspec knows, its sources must be
        two different sources of this project."""
        _check_url(data.url)
        await self._check_sources(access, data.data_source_id, data.counterpart_source_id)
        inbox = Inbox(project_id=access.project_id, **data.model_dump())
        return await self.repository.add(inbox)

    async def update_inbox(
        self,
        access: ProjectAccess,
        inbox_id: int,
        data: InboxUpdate,
        *,
        if_match: str | None = None,
    ) -> Inbox:
        """Apply ``data``; with ``if_match`` (the inbox's ETag as read) only if the inbox is
        still that version."""
        inbox = await self.repository.get_in_project(access.project_id, inbox_id, lock=True)
        if inbox is None:
            raise InboxNotFound(f"Inbox {inbox_id} not found in this project")
        require_current(if_match, InboxRead.model_validate(inbox), f"Inbox {inbox_id}")
        changes = data.model_dump(exclude_unset=True)
        if changes.get("url") is not None:
            _check_url(changes["url"])
        if "counterpart_source_id" in changes:
            await self._check_sources(
                access, inbox.data_source_id, changes["counterpart_source_id"]
            )
        for field, value in changes.items():
            if value is not None or field in ("counterpart_source_id", "profile_id"):
                setattr(inbox, field, value)
        await self.session.flush()
        return inbox

    async def delete_inbox(self, access: ProjectAccess, inbox_id: int) -> None:
        await self.repository.delete(await self.get_inbox(access, inbox_id))

    async def page_files(
        self, access: ProjectAccess, inbox_id: int, cursor: Cursor
    ) -> tuple[list[InboxFile], bool]:
        """A page of the files the inbox took, newest first, and whether more follow."""
        inbox = await self.get_inbox(access, inbox_id)
        return await self.repository.page_files(inbox.id, cursor)

    async def list_files(self, access: ProjectAccess, inbox_id: int) -> list[InboxFile]:
        """The files the inbox took, newest first (the last INBOX_FILES_LIMIT)."""
        files, _ = await self.page_files(access, inbox_id, Cursor(limit=INBOX_FILES_LIMIT))
        return files

    async def reconcile_after_arrival(
        self, access: ProjectAccess, inbox: Inbox
    ) -> ReconciliationJob | None:
        """The job that follows a file appended to the inbox's source: the source against its
        counterpart (the other side of its latest job when none is configured), in the same
        orientation as before. None when the source has no partner yet. The caller enqueues it.

        The one place intake asks for a reconciliation: when jobs become incremental, this is the
        call to change."""
        latest = await self.repository.latest_job_of(inbox.data_source_id)
        pair = _pair(inbox, latest)
        if pair is None:
            return None
        left, right = pair
        # The rules the pair was last reconciled with, when they were the job's own; otherwise
        # the project's active rule-set version (JobService's default).
        rules = None
        if latest is not None and latest.rule_set_version is None and pair == _sides(latest):
            rules = RuleSet.model_validate(latest.rules)
        return await JobService(self.session).create_job(
            access, JobCreate(left_source_id=left, right_source_id=right, rules=rules)
        )

    async def _check_sources(
        self, access: ProjectAccess, source_id: int, counterpart_id: int | None
    ) -> None:
        sources = DataSourceRepository(self.session)
        for label, wanted in (("data source", source_id), ("counterpart source", counterpart_id)):
            if (
                wanted is not None
                and await sources.get_in_project(access.project_id, wanted) is None
            ):
                raise InvalidInbox(f"The {label} {wanted} is not in this project")
        if counterpart_id == source_id:
            raise InvalidInbox("The counterpart must be another data source")


def _sides(job: ReconciliationJob) -> tuple[int, int]:
    return job.left_source_id, job.right_source_id


def _pair(inbox: Inbox, latest: ReconciliationJob | None) -> tuple[int, int] | None:
    """(left, right): the configured counterpart, in the orientation of the latest job when that
    job reconciled the same two sources; else the latest job's pair; else nothing yet."""
    partner = inbox.counterpart_source_id
    if partner is None:
        return _sides(latest) if latest is not None else None
    if latest is not None and _sides(latest) == (partner, inbox.data_source_id):
        return partner, inbox.data_source_id
    return inbox.data_source_id, partner


def _check_url(url: str) -> None:
    from fsspec.core import split_protocol
    from fsspec.registry import known_implementations, registry

    protocol = split_protocol(url)[0] or "file"
    if protocol not in known_implementations and protocol not in registry:
        raise InvalidInbox(f"Unknown file system '{protocol}' in {url}")


def _id(inbox: Inbox) -> int:
    return inbox.id
