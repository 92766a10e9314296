from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError

from tally.exceptions.schemas import MONEY_DIGITS, MONEY_PLACES
from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectOwnerWrite
from tally.kit.errors import Forbidden, error_responses
from tally.kit.openapi import file_response
from tally.kit.pagination import CursorPage, CursorQuery, InvalidCursor
from tally.kit.tasks import TaskQueueDep
from tally.periods.export import statement_download
from tally.periods.schemas import (
    BalancesNotUnderstood,
    ReconciliationStatement,
    SignoffCreate,
    SignoffDetail,
    SignoffRead,
    SignoffReopen,
    StatementInput,
    parse_balances,
)
from tally.periods.service import (
    BalanceNeedsCurrency,
    PeriodAlreadySigned,
    PeriodNotBalanced,
    PeriodService,
    SignoffAlreadyReopened,
    SignoffNotFound,
    StatementReconciliationNotFound,
)
from tally.projects.auth import ProjectNotFound, ProjectReader
from tally.results.export import XLSX_MEDIA_TYPE
from tally.users.auth import Session

router = APIRouter(
    prefix="/projects/{project_id}/reconciliations/{reconciliation_id}", tags=["periods"]
)

ReconciliationId = Annotated[int, Path(ge=1)]
SignoffId = Annotated[int, Path(ge=1)]
_read_errors = error_responses(ProjectNotFound, StatementReconciliationNotFound)
_statement_errors = error_responses(
    ProjectNotFound, StatementReconciliationNotFound, BalanceNeedsCurrency
)


async def statement_input(
    as_of: Annotated[
        date | None, Query(description="The period's last day (default: today)")
    ] = None,
    statement_balance: Annotated[
        Decimal | None, Query(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    ] = None,
    ledger_balance: Annotated[
        Decimal | None, Query(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    ] = None,
    statement_balances: Annotated[
        list[str] | None,
        Query(description="Per currency, repeated: EUR:1200.50 (a reconciliation in several)"),
    ] = None,
    ledger_balances: Annotated[
        list[str] | None, Query(description="Per currency, repeated: EUR:1200.50")
    ] = None,
) -> StatementInput:
    try:
        return StatementInput(
            as_of_date=as_of or datetime.now(UTC).date(),
            statement_balance=statement_balance,
            ledger_balance=ledger_balance,
            statement_balances=parse_balances(statement_balances or []),
            ledger_balances=parse_balances(ledger_balances or []),
        )
    except (BalancesNotUnderstood, ValidationError) as error:
        raise RequestValidationError(
            [{"loc": ("query",), "msg": str(error), "type": "value_error"}]
        ) from error


Input = Annotated[StatementInput, Depends(statement_input)]


@router.get(
    "/statement",
    operation_id="statements_get",
    response_model=ReconciliationStatement,
    responses=_statement_errors,
)
async def get_statement(
    access: ProjectReader, reconciliation_id: ReconciliationId, data: Input, session: Session
) -> ReconciliationStatement:
    """The reconciliation statement as of a date: statement and ledger balances, open items of
    each side, write-offs, and the unexplained difference, exact to the cent."""
    return await PeriodService(session).statement(access, reconciliation_id, data)


@router.get(
    "/statement.xlsx",
    operation_id="statements_export",
    responses={
        **_statement_errors,
        **file_response("The reconciliation statement as an XLSX workbook", XLSX_MEDIA_TYPE),
    },
    response_class=Response,
)
async def export_statement(
    access: ProjectReader, reconciliation_id: ReconciliationId, data: Input, session: Session
) -> Response:
    """The statement as an XLSX workbook."""
    statement = await PeriodService(session).statement(access, reconciliation_id, data)
    return await statement_download(statement)


@router.get(
    "/sign-offs",
    operation_id="signoffs_list",
    response_model=CursorPage[SignoffRead],
    responses={**_read_errors, **error_responses(InvalidCursor)},
)
async def list_signoffs(
    access: ProjectReader,
    reconciliation_id: ReconciliationId,
    session: Session,
    cursor: CursorQuery,
) -> CursorPage[SignoffRead]:
    """The reconciliation's sign-offs, newest first (reopened ones too), by cursor."""
    signoffs, has_more = await PeriodService(session).page_signoffs(
        access, reconciliation_id, cursor
    )
    return CursorPage[SignoffRead](items=signoffs, has_more=has_more)


@router.post(
    "/sign-offs",
    operation_id="signoffs_create",
    response_model=SignoffDetail,
    status_code=201,
    responses={
        **IDEMPOTENCY_ERRORS,
        **_statement_errors,
        **error_responses(Forbidden, PeriodNotBalanced, PeriodAlreadySigned),
    },
)
async def sign_off_period(
    access: IdempotentProjectOwnerWrite,
    reconciliation_id: ReconciliationId,
    data: SignoffCreate,
    session: Session,
    queue: TaskQueueDep,
) -> SignoffDetail:
    """Sign the period to ``as_of_date`` off (owners). 409 PeriodNotBalanced, with the statement,
    unless its difference is exactly zero. Then decisions on records dated within it answer
    409 PeriodLocked until it is reopened."""
    return await PeriodService(session).sign_off(access, reconciliation_id, data, queue)


@router.get(
    "/sign-offs/{signoff_id}",
    operation_id="signoffs_get",
    response_model=SignoffDetail,
    responses={**_read_errors, **error_responses(SignoffNotFound)},
)
async def get_signoff(
    access: ProjectReader,
    reconciliation_id: ReconciliationId,
    signoff_id: SignoffId,
    session: Session,
) -> SignoffDetail:
    """A sign-off with the statement as it was signed."""
    return await PeriodService(session).get_signoff(access, reconciliation_id, signoff_id)


@router.post(
    "/sign-offs/{signoff_id}/reopen",
    operation_id="signoffs_reopen",
    response_model=SignoffDetail,
    responses={
        **IDEMPOTENCY_ERRORS,
        **_read_errors,
        **error_responses(Forbidden, SignoffNotFound, SignoffAlreadyReopened),
    },
)
async def reopen_period(
    access: IdempotentProjectOwnerWrite,
    reconciliation_id: ReconciliationId,
    signoff_id: SignoffId,
    data: SignoffReopen,
    session: Session,
) -> SignoffDetail:
    """Reopen a signed-off period with a reason (owners; audited): its decisions unlock."""
    return await PeriodService(session).reopen(access, reconciliation_id, signoff_id, data)
