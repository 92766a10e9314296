from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import Response, StreamingResponse
from pydantic import AfterValidator

from tally.cache import NOT_MODIFIED
from tally.cache.http import ETAG_HEADER, versioned_response
from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectWrite
from tally.jobs.service import JobNotCompleted, JobNotFound, job_version
from tally.kit.db import get_database
from tally.kit.errors import Forbidden, error_responses
from tally.kit.openapi import file_response
from tally.kit.pagination import (
    InvalidCursor,
    Page,
    PageParams,
    Paging,
    SinceQuery,
    page_params,
    paging_params,
)
from tally.models import MatchTab
from tally.money import to_units
from tally.projects.auth import ProjectNotFound, ProjectReader
from tally.reconciliations.service import RecordsSettled
from tally.results.bulk import BulkRefused, BulkReviewService, BulkTooLarge
from tally.results.candidates import MAX_CANDIDATES, CandidateService, JobRulesInvalid
from tally.results.export import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    ExportFilter,
    export_response,
)
from tally.results.schemas import (
    AuditEventRead,
    BulkOutcome,
    BulkReview,
    CandidatesRead,
    ExportFormat,
    ExportLayout,
    ManualMatchCreate,
    MatchQuery,
    MatchRead,
    MatchSort,
    QualityReport,
    RecordItem,
    RecordQuery,
    RecordSort,
    RecordTab,
    ResultTab,
    ReviewNote,
    ReviewOutcome,
)
from tally.results.service import (
    MatchChanged,
    MatchNotFound,
    RecordNotFound,
    RecordsAlreadyClaimed,
    RecordsNotInJob,
    ResultService,
    ReviewConflict,
)
from tally.results.summary import QualityService
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/jobs/{job_id}", tags=["results"])

JobId = Annotated[int, Path(ge=1)]
Pages = Annotated[PageParams, Depends(page_params)]
# |amount| <= 10^14 with at most 4 places keeps every bound inside a 64-bit count of 1/10,000
# units. Documented as a decimal string (as amounts are read), never a float.
AMOUNT_PATTERN = r"^-?\d{1,15}(\.\d{1,4})?$"
MAX_FILTER_AMOUNT = Decimal(10**14)


def _within_range(value: str | None) -> str | None:
    if value is not None and abs(Decimal(value)) > MAX_FILTER_AMOUNT:
        raise ValueError(f"at most {MAX_FILTER_AMOUNT} either way")
    return value


Amount = Annotated[
    str | None,
    Query(
        pattern=AMOUNT_PATTERN,
        description="Decimal string, e.g. 100.50 (at most 4 places); inclusive",
        examples=["100.50"],
    ),
    AfterValidator(_within_range),
]
Text = Annotated[
    str | None,
    Query(min_length=1, max_length=200, description="Text in the reference or description"),
]
_read_errors = error_responses(ProjectNotFound)
# A job's result pages: 409 (with Retry-After while queued or running) until it has completed.
_results_errors = error_responses(ProjectNotFound, JobNotCompleted)
_review_errors = error_responses(ProjectNotFound, Forbidden, ReviewConflict, MatchChanged)


AnySign = Annotated[
    bool,
    Query(
        description="min_amount/max_amount bound the amount's size, whatever its sign "
        "(1338.29 finds -1338.29 too)"
    ),
]


def _units(value: str | None) -> int | None:
    return None if value is None else to_units(value)


def match_query(
    tab: MatchTab = MatchTab.MATCHED,
    rule: Annotated[str | None, Query(max_length=200)] = None,
    min_amount: Amount = None,
    max_amount: Amount = None,
    any_sign: AnySign = False,
    q: Text = None,
    sort: MatchSort = MatchSort.ID,
) -> MatchQuery:
    return MatchQuery(
        tab=tab,
        rule=rule,
        min_amount=_units(min_amount),
        max_amount=_units(max_amount),
        any_sign=any_sign,
        q=q,
        sort=sort,
    )


def record_query(
    tab: RecordTab = RecordTab.UNMATCHED_LEFT,
    min_amount: Amount = None,
    max_amount: Amount = None,
    any_sign: AnySign = False,
    q: Text = None,
    sort: Annotated[
        RecordSort, Query(description="id is file order; the duplicates tab is ordered by group")
    ] = RecordSort.ID,
) -> RecordQuery:
    return RecordQuery(
        tab=tab,
        min_amount=_units(min_amount),
        max_amount=_units(max_amount),
        any_sign=any_sign,
        q=q,
        sort=sort,
    )


@router.get(
    "/matches",
    operation_id="matches_list",
    response_model=Page[MatchRead],
    responses={
        200: {"description": "One page of the tab", "headers": ETAG_HEADER},
        **NOT_MODIFIED,
        **_results_errors,
        **error_responses(InvalidCursor),
    },
)
async def get_job_matches(
    access: ProjectReader,
    job_id: JobId,
    session: Session,
    query: Annotated[MatchQuery, Depends(match_query)],
    params: Annotated[Paging, Depends(paging_params)],
    since: SinceQuery,
    request: Request,
) -> Response:
    """One tab of matches (matched, review, discrepancies, rejected), each with its records,
    rule, score, differences, evidence and the explanation sentence. By page (page/per_page)
    or by cursor (starting_after/ending_before/limit, in id order: what a reviewer paging
    while deciding uses, as decided matches leave the tab without shifting the next page).
    Poll it with If-None-Match: 304 while the job's results did not change."""
    service = ResultService(session)
    job = await service.completed_job(access, job_id)

    async def render() -> bytes:
        page = await service.list_matches(access, job_id, query, params, since)
        return page.model_dump_json().encode()

    # Every change to a job's results (a run, a review) moves the job's updated_at.
    version = f"{job_version(job)}:{request.url.query}"
    return await versioned_response(request, version, render)


@router.get(
    "/matches/{match_id}",
    operation_id="matches_get",
    response_model=MatchRead,
    responses=error_responses(ProjectNotFound, JobNotCompleted, MatchNotFound),
)
async def get_job_match(
    access: ProjectReader, job_id: JobId, match_id: int, session: Session
) -> MatchRead:
    return await ResultService(session).get_match(access, job_id, match_id)


@router.post(
    "/matches/{match_id}/confirm",
    operation_id="matches_confirm",
    response_model=ReviewOutcome,
    responses={
        **_review_errors,
        **IDEMPOTENCY_ERRORS,
        **error_responses(MatchNotFound, RecordsAlreadyClaimed, RecordsSettled),
    },
)
async def confirm_match(
    access: IdempotentProjectWrite,
    job_id: JobId,
    match_id: int,
    session: Session,
    data: ReviewNote | None = None,
) -> ReviewOutcome:
    """Confirm a match; ambiguous alternatives sharing its records are rejected."""
    note, version = (data.note, data.version) if data else (None, None)
    return await ResultService(session).confirm_match(access, job_id, match_id, note, version)


@router.post(
    "/matches/bulk",
    operation_id="matches_bulk_review",
    response_model=BulkOutcome,
    responses={
        **IDEMPOTENCY_ERRORS,
        **_review_errors,
        **error_responses(MatchNotFound, BulkRefused, BulkTooLarge),
    },
)
async def bulk_review_matches(
    access: IdempotentProjectWrite, job_id: JobId, data: BulkReview, session: Session
) -> BulkOutcome:
    """Confirm or reject a list of matches, or every match a filter chooses (e.g. the
    suggestions of a rule at or above a score), in one transaction; each decision is audited.
    409 BulkRefused, naming the match, when one of them cannot take it (nothing changes); 422
    BulkTooLarge beyond TALLY_BULK_REVIEW_MAX matches (1,000,000 by default)."""
    return await BulkReviewService(session).bulk_review(access, job_id, data)


@router.post(
    "/matches/{match_id}/reject",
    operation_id="matches_reject",
    response_model=ReviewOutcome,
    responses={**_review_errors, **IDEMPOTENCY_ERRORS, **error_responses(MatchNotFound)},
)
async def reject_match(
    access: IdempotentProjectWrite,
    job_id: JobId,
    match_id: int,
    session: Session,
    data: ReviewNote | None = None,
) -> ReviewOutcome:
    """Reject a match, or undo a manual one: its records become unmatched again."""
    note, version = (data.note, data.version) if data else (None, None)
    return await ResultService(session).reject_match(access, job_id, match_id, note, version)


@router.post(
    "/matches",
    operation_id="matches_create",
    response_model=MatchRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        ProjectNotFound, Forbidden, RecordsNotInJob, RecordsAlreadyClaimed, RecordsSettled
    ),
)
async def create_manual_match(
    access: IdempotentProjectWrite, job_id: JobId, data: ManualMatchCreate, session: Session
) -> MatchRead:
    """Match unmatched records by hand: one or more on each side (1:1 or grouped).

    409 when a record is already used by another match or the job is not completed; 422 when a
    record is not in the job's source for its side, or currencies differ.
    """
    return await ResultService(session).create_manual_match(access, job_id, data)


@router.get(
    "/records",
    operation_id="records_list",
    response_model=Page[RecordItem],
    responses=_results_errors,
)
async def get_job_records(
    access: ProjectReader,
    job_id: JobId,
    session: Session,
    query: Annotated[RecordQuery, Depends(record_query)],
    params: Pages,
) -> Page[RecordItem]:
    """Records outside any claiming match of one side (unmatched_left, unmatched_right), or the
    records with a twin on their own side (duplicates)."""
    return await ResultService(session).list_records(access, job_id, query, params)


@router.get(
    "/records/{record_id}/candidates",
    operation_id="records_list_candidates",
    response_model=CandidatesRead,
    responses=error_responses(ProjectNotFound, RecordNotFound, JobRulesInvalid),
)
async def get_record_candidates(
    access: ProjectReader,
    job_id: JobId,
    record_id: int,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=MAX_CANDIDATES)] = 10,
) -> CandidatesRead:
    """The closest records of the other side and which condition each failed, by how much."""
    return await CandidateService(session).nearest_candidates(access, job_id, record_id, limit)


@router.get(
    "/audit",
    operation_id="jobs_list_audit_events",
    response_model=Page[AuditEventRead],
    responses={**_read_errors, **error_responses(InvalidCursor)},
)
async def get_job_audit_events(
    access: ProjectReader,
    job_id: JobId,
    session: Session,
    params: Annotated[Paging, Depends(paging_params)],
) -> Page[AuditEventRead]:
    """Review changes of this job (who, when, what), newest first: by page, or by cursor
    (starting_after: older events)."""
    return await ResultService(session).list_audit_events(access, job_id, params)


@router.get(
    "/quality",
    operation_id="jobs_get_quality",
    response_model=QualityReport,
    responses=_read_errors,
)
async def get_job_quality(access: ProjectReader, job_id: JobId, session: Session) -> QualityReport:
    """Precision of automatic matches, manual share and ambiguity rate, overall and per rule."""
    return await QualityService(session).quality_report(access, job_id)


@router.get(
    "/export",
    operation_id="jobs_export",
    response_class=StreamingResponse,
    response_model=None,
    responses={
        **error_responses(ProjectNotFound, JobNotFound, JobNotCompleted),
        **file_response(
            "One row per record, with its match, status, rule, score and explanation; XLSX"
            " adds a quality sheet",
            CSV_MEDIA_TYPE,
            XLSX_MEDIA_TYPE,
        ),
    },
)
async def export_job_results(
    request: Request,
    access: ProjectReader,
    job_id: JobId,
    session: Session,
    format: ExportFormat = ExportFormat.CSV,
    tab: Annotated[ResultTab | None, Query(description="Default: every tab")] = None,
    rule: Annotated[str | None, Query(max_length=200)] = None,
    min_amount: Amount = None,
    max_amount: Amount = None,
    q: Text = None,
    layout: Annotated[
        ExportLayout,
        Query(description="records: a row per record; pairs: a row per pair, sides side by side"),
    ] = ExportLayout.RECORDS,
) -> Response:
    """A job's results as CSV (streamed) or XLSX; text cells are formula-injection-safe."""
    job = await ResultService(session).completed_job(access, job_id)
    filters = ExportFilter(rule, _units(min_amount), _units(max_amount), q)
    return await export_response(get_database(request), session, job, format, tab, filters, layout)
