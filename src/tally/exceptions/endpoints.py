from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from tally.exceptions.bulk import BulkExceptionService, BulkExceptionsRefused
from tally.exceptions.schemas import (
    MONEY_DIGITS,
    MONEY_PLACES,
    AgeingBucket,
    BulkExceptionOutcome,
    BulkExceptions,
    CommentCreate,
    ExceptionCommentRead,
    ExceptionDetail,
    ExceptionFilter,
    ExceptionRead,
    ExceptionUpdate,
    ReasonCodes,
    ReopenRequest,
    ResolveRequest,
)
from tally.exceptions.service import (
    ExceptionChanged,
    ExceptionNotFound,
    ExceptionNotResolved,
    ExceptionResolved,
    ExceptionService,
    NotAMember,
    UnknownReasonCode,
)
from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectWrite
from tally.kit.errors import Forbidden, error_responses
from tally.kit.pagination import Page, PageParams, page_params
from tally.models import ExceptionStatus
from tally.periods.locks import PeriodLocked
from tally.projects.auth import ProjectEditor, ProjectNotFound, ProjectOwner, ProjectReader
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}", tags=["exceptions"])

ExceptionId = Annotated[int, Path(ge=1)]
Pages = Annotated[PageParams, Depends(page_params)]
_change_errors = error_responses(
    ProjectNotFound, Forbidden, ExceptionNotFound, ExceptionChanged, PeriodLocked
)


async def exception_filter(
    reconciliation_id: Annotated[int | None, Query(ge=1)] = None,
    status: Annotated[list[ExceptionStatus] | None, Query(description="Repeatable")] = None,
    assignee_id: Annotated[int | None, Query(ge=1)] = None,
    unassigned: bool = False,
    side: Literal["left", "right"] | None = None,
    reason_code: str | None = None,
    min_age_days: Annotated[int | None, Query(ge=0)] = None,
    max_age_days: Annotated[int | None, Query(ge=0)] = None,
    min_amount: Annotated[
        Decimal | None, Query(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    ] = None,
    max_amount: Annotated[
        Decimal | None, Query(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    ] = None,
    ignore_sign: Annotated[bool, Query(description="Bounds apply to the absolute amount")] = False,
) -> ExceptionFilter:
    return ExceptionFilter(
        reconciliation_id=reconciliation_id,
        status=status,
        assignee_id=assignee_id,
        unassigned=unassigned,
        side=side,
        reason_code=reason_code,
        min_age_days=min_age_days,
        max_age_days=max_age_days,
        min_amount=min_amount,
        max_amount=max_amount,
        ignore_sign=ignore_sign,
    )


Filter = Annotated[ExceptionFilter, Depends(exception_filter)]


@router.get(
    "/exceptions",
    operation_id="exceptions_list",
    response_model=Page[ExceptionRead],
    responses=error_responses(ProjectNotFound),
)
async def list_exceptions(
    access: ProjectReader, session: Session, query: Filter, pages: Pages
) -> Page[ExceptionRead]:
    """Open items left by the reconciliations' jobs and what is being done about them, oldest
    first: filter by status, assignee, age, amount (optionally ignoring the sign)."""
    return await ExceptionService(session).list_exceptions(access, query, pages)


@router.get(
    "/exceptions/ageing",
    operation_id="exceptions_ageing",
    response_model=list[AgeingBucket],
    responses=error_responses(ProjectNotFound),
)
async def get_exception_ageing(access: ProjectReader, session: Session) -> list[AgeingBucket]:
    """Unresolved exceptions by age: 0-7, 8-30, 31-60, 61-90 and over 90 days."""
    return await ExceptionService(session).ageing(access)


@router.post(
    "/exceptions/bulk",
    operation_id="exceptions_bulk_update",
    response_model=BulkExceptionOutcome,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(ProjectNotFound, Forbidden, BulkExceptionsRefused),
    },
)
async def bulk_update_exceptions(
    access: IdempotentProjectWrite, data: BulkExceptions, session: Session
) -> BulkExceptionOutcome:
    """Assign, comment on or write off listed exceptions, or every unresolved one a filter
    chooses (e.g. all open items below an amount), in one transaction; each change audited.
    409 BulkExceptionsRefused, naming the exception, when one cannot take it (nothing changes)."""
    return await BulkExceptionService(session).bulk(access, data)


@router.get(
    "/exceptions/{exception_id}",
    operation_id="exceptions_get",
    response_model=ExceptionDetail,
    responses=error_responses(ProjectNotFound, ExceptionNotFound),
)
async def get_exception(
    access: ProjectReader, exception_id: ExceptionId, session: Session
) -> ExceptionDetail:
    """One exception with its record, comments (oldest first) and audit history."""
    return await ExceptionService(session).get_exception(access, exception_id)


@router.patch(
    "/exceptions/{exception_id}",
    operation_id="exceptions_update",
    response_model=ExceptionDetail,
    responses={**_change_errors, **error_responses(ExceptionResolved, NotAMember)},
)
async def update_exception(
    access: ProjectEditor, exception_id: ExceptionId, data: ExceptionUpdate, session: Session
) -> ExceptionDetail:
    """Set status (open/investigating), assignee (a project member) or reason code. 409
    ExceptionChanged, with the current state, when ``version`` is no longer current."""
    return await ExceptionService(session).update_exception(access, exception_id, data)


@router.post(
    "/exceptions/{exception_id}/comments",
    operation_id="exceptions_add_comment",
    response_model=ExceptionCommentRead,
    status_code=201,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(ProjectNotFound, Forbidden, ExceptionNotFound, PeriodLocked),
    },
)
async def add_exception_comment(
    access: IdempotentProjectWrite, exception_id: ExceptionId, data: CommentCreate, session: Session
) -> ExceptionCommentRead:
    """Add a comment (audited; shown in the order written)."""
    return await ExceptionService(session).add_comment(access, exception_id, data)


@router.post(
    "/exceptions/{exception_id}/resolve",
    operation_id="exceptions_resolve",
    response_model=ExceptionDetail,
    responses={
        **IDEMPOTENCY_ERRORS,
        **_change_errors,
        **error_responses(ExceptionResolved, UnknownReasonCode),
    },
)
async def resolve_exception(
    access: IdempotentProjectWrite,
    exception_id: ExceptionId,
    data: ResolveRequest,
    session: Session,
) -> ExceptionDetail:
    """Write it off (amount, reason, account: a write-off record the statement adds) or explain
    it (expected to clear by a date)."""
    return await ExceptionService(session).resolve(access, exception_id, data)


@router.post(
    "/exceptions/{exception_id}/reopen",
    operation_id="exceptions_reopen",
    response_model=ExceptionDetail,
    responses={
        **IDEMPOTENCY_ERRORS,
        **_change_errors,
        **error_responses(ExceptionResolved, ExceptionNotResolved),
    },
)
async def reopen_exception(
    access: IdempotentProjectWrite, exception_id: ExceptionId, data: ReopenRequest, session: Session
) -> ExceptionDetail:
    """Undo a write-off or an explanation, with a reason (audited)."""
    return await ExceptionService(session).reopen(access, exception_id, data)


@router.get(
    "/exception-reasons",
    operation_id="exception_reasons_get",
    response_model=ReasonCodes,
    responses=error_responses(ProjectNotFound),
)
async def get_exception_reasons(access: ProjectReader, session: Session) -> ReasonCodes:
    """The reason codes exceptions may carry (the defaults until the project sets its own)."""
    return await ExceptionService(session).reason_codes(access)


@router.put(
    "/exception-reasons",
    operation_id="exception_reasons_set",
    response_model=ReasonCodes,
    responses=error_responses(ProjectNotFound, Forbidden, UnknownReasonCode),
)
async def set_exception_reasons(
    access: ProjectOwner, data: ReasonCodes, session: Session
) -> ReasonCodes:
    """Replace the project's reason codes (owners)."""
    return await ExceptionService(session).set_reason_codes(access, data)
