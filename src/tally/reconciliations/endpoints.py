from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectWrite
from tally.kit.errors import Forbidden, NotFound, error_responses
from tally.kit.pagination import (
    CursorPage,
    CursorQuery,
    InvalidCursor,
    Page,
    PageParams,
    page_params,
)
from tally.projects.auth import ProjectNotFound, ProjectReader
from tally.reconciliations.schemas import (
    OpenItemRead,
    OpenSide,
    ReconciliationRead,
    UnsettleOutcome,
    UnsettleRequest,
)
from tally.reconciliations.service import (
    ReconciliationNotFound,
    ReconciliationService,
    RecordNotSettled,
)
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/reconciliations", tags=["reconciliations"])

ReconciliationId = Annotated[int, Path(ge=1)]
Pages = Annotated[PageParams, Depends(page_params)]


@router.get(
    "",
    operation_id="reconciliations_list",
    response_model=CursorPage[ReconciliationRead],
    responses=error_responses(ProjectNotFound, InvalidCursor),
)
async def list_reconciliations(
    access: ProjectReader, session: Session, cursor: CursorQuery
) -> CursorPage[ReconciliationRead]:
    """The project's reconciliations (one per pair of sources a job ran on), with their state,
    oldest first, by cursor."""
    found, has_more = await ReconciliationService(session).page_reconciliations(access, cursor)
    return CursorPage[ReconciliationRead](items=found, has_more=has_more)


@router.get(
    "/{reconciliation_id}",
    operation_id="reconciliations_get",
    response_model=ReconciliationRead,
    responses=error_responses(ProjectNotFound, ReconciliationNotFound),
)
async def get_reconciliation(
    access: ProjectReader, reconciliation_id: ReconciliationId, session: Session
) -> ReconciliationRead:
    return await ReconciliationService(session).get_reconciliation(access, reconciliation_id)


@router.get(
    "/{reconciliation_id}/open-items",
    operation_id="open_items_list",
    response_model=Page[OpenItemRead],
    responses=error_responses(ProjectNotFound, ReconciliationNotFound),
)
async def list_open_items(
    access: ProjectReader,
    reconciliation_id: ReconciliationId,
    session: Session,
    pages: Pages,
    side: Annotated[OpenSide | None, Query(description="Only this side's open items")] = None,
) -> Page[OpenItemRead]:
    """Records nothing settles yet, oldest first, with the date a job first saw them."""
    return await ReconciliationService(session).list_open_items(
        access, reconciliation_id, side, pages
    )


@router.post(
    "/{reconciliation_id}/records/{record_id}/unsettle",
    operation_id="reconciliations_unsettle_record",
    response_model=UnsettleOutcome,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(
            ProjectNotFound, Forbidden, ReconciliationNotFound, NotFound, RecordNotSettled
        ),
    },
)
async def unsettle_record(
    access: IdempotentProjectWrite,
    reconciliation_id: ReconciliationId,
    record_id: Annotated[int, Path(ge=1)],
    data: UnsettleRequest,
    session: Session,
) -> UnsettleOutcome:
    """Return a settled record (with the other records of the match that settled it) to the
    open items; audited with the reason."""
    return await ReconciliationService(session).unsettle(
        access, reconciliation_id, record_id, data.reason
    )
