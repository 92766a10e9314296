"""Bulk work on exceptions: assign, comment on or write off many in one request (API and web)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.exceptions.schemas import (
    MAX_BULK_EXCEPTIONS,
    BulkExceptionAction,
    BulkExceptionOutcome,
    BulkExceptions,
    CommentCreate,
    ExceptionFilter,
    WriteOffCreate,
)
from tally.exceptions.service import ExceptionService
from tally.kit.errors import TallyError
from tally.models import ExceptionStatus
from tally.projects.auth import ProjectAccess

log = structlog.get_logger("tally.exceptions")

UNRESOLVED = [ExceptionStatus.OPEN, ExceptionStatus.INVESTIGATING]


class BulkExceptionsRefused(TallyError):
    """One exception of a bulk action cannot take it, so none was changed (the status is that
    exception's own refusal: 409 locked or changed, 404 gone, 422 not a member)."""

    status_code = 409


class BulkExceptionService:
    def __init__(self, session: AsyncSession) -> None:
        self.exceptions = ExceptionService(session)

    async def bulk(self, access: ProjectAccess, data: BulkExceptions) -> BulkExceptionOutcome:
        """Apply one action to each chosen exception in one transaction, each change audited as
        the single action would be. All or nothing: one exception that cannot take it (locked
        by a sign-off, changed meanwhile, not a member) refuses the whole request, naming it.
        A selection covers unresolved exceptions only (unless it names statuses itself)."""
        if data.exception_ids is not None:
            ids = list(dict.fromkeys(data.exception_ids))
        else:
            selection = data.selection or ExceptionFilter()
            if not selection.status:
                selection = selection.model_copy(update={"status": UNRESOLVED})
            ids = await self.exceptions.repository.selected_ids(
                access.project_id, selection, MAX_BULK_EXCEPTIONS
            )
        outcome = BulkExceptionOutcome(action=data.action, changed=[], unchanged=[])
        for exception_id in ids:
            try:
                changed = await self._one(access, exception_id, data)
            except TallyError as error:
                raise BulkExceptionsRefused(
                    f"Exception {exception_id}: {error.detail}; nothing was changed",
                    status_code=error.status_code,
                    exception_id=exception_id,
                    reason=type(error).__name__,
                ) from error
            (outcome.changed if changed else outcome.unchanged).append(exception_id)
        log.info(
            "exceptions.bulk",
            project_id=access.project_id,
            action=str(data.action),
            changed=len(outcome.changed),
            unchanged=len(outcome.unchanged),
        )
        return outcome

    async def _one(self, access: ProjectAccess, exception_id: int, data: BulkExceptions) -> bool:
        if data.action is BulkExceptionAction.ASSIGN:
            assert data.assignee_id is not None
            return await self.exceptions.assign(access, exception_id, data.assignee_id)
        if data.action is BulkExceptionAction.COMMENT:
            assert data.body is not None
            await self.exceptions.add_comment(access, exception_id, CommentCreate(body=data.body))
            return True
        assert data.reason is not None and data.account is not None
        return await self.exceptions.write_off(
            access,
            exception_id,
            WriteOffCreate(reason=data.reason, account=data.account),
            data.reason_code,
        )
