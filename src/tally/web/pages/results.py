"""A job's results: tabs with server-side paging, sorting and filters; why each match matched;
nearest candidates of an unmatched record; confirm/reject; manual matching; audit log; export."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.service import JobNotCompleted
from tally.kit.db import get_database
from tally.kit.pagination import Page, PageParams
from tally.money import AmountPrecisionError, to_units
from tally.projects.auth import ProjectAccess
from tally.projects.service import ProjectService
from tally.results.bulk import BulkReviewService
from tally.results.candidates import CandidateService
from tally.results.export import export_response
from tally.results.schemas import (
    BulkAction,
    BulkReview,
    BulkSelection,
    ExportFormat,
    ExportLayout,
    ManualMatchCreate,
    MatchQuery,
    MatchSort,
    RecordQuery,
    RecordSort,
    RecordTab,
    ResultTab,
)
from tally.results.service import (
    DifferenceNeedsReason,
    MatchChanged,
    ResultService,
    ReviewConflict,
    tab_counts,
)
from tally.results.summary import QualityService
from tally.sources.service import DataSourceService
from tally.users.auth import Session
from tally.web.auth import WebProjectEditor, WebProjectReader, may_edit
from tally.web.pages.jobs import validation_errors
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
JobId = Annotated[int, Path(ge=1)]
PER_PAGE = 50
CANDIDATES = 8

TAB_LABELS: dict[ResultTab, str] = {
    ResultTab.MATCHED: "Matched",
    ResultTab.REVIEW: "To review",
    ResultTab.UNMATCHED_LEFT: "Unmatched left",
    ResultTab.UNMATCHED_RIGHT: "Unmatched right",
    ResultTab.DISCREPANCIES: "Discrepancies",
    ResultTab.DUPLICATES: "Duplicates",
    ResultTab.REJECTED: "Rejected",
}
RECORD_TABS = {tab.value for tab in RecordTab}
MATCH_SORTS = {
    "id": "Oldest first",
    "-id": "Newest first",
    "-amount": "Largest amount",
    "amount": "Smallest amount",
    "-date": "Latest date",
    "date": "Earliest date",
    "-score": "Best score",
    "score": "Lowest score",
}
RECORD_SORTS = {key: label for key, label in MATCH_SORTS.items() if "score" not in key}
RECORD_SORTS["id"] = "File order"
RECORD_SORTS["-id"] = "File order, reversed"


# What a person types to find an amount: 1338.29, -1,338.29, 1338 (a number alone is also
# searched as text, since it may be a reference).
_AMOUNT_TYPED = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,4})?$")


def typed_amount(text: str) -> int | None:
    """The amount ``text`` spells, in units, when it is only a number; None otherwise."""
    cleaned = text.strip()
    if not _AMOUNT_TYPED.match(cleaned):
        return None
    try:
        return amount_filter(cleaned.lstrip("+"))
    except ValueError:
        return None


def amount_filter(text: str) -> int | None:
    """A decimal typed by the user as integer units; None when blank. ValueError if unreadable."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        return to_units(Decimal(cleaned))
    except (InvalidOperation, AmountPrecisionError) as error:
        raise ValueError(text) from error


@router.get("/projects/{project_id}/jobs/{job_id}/results", include_in_schema=False)
async def get_results_page(
    request: Request,
    access: WebProjectReader,
    job_id: JobId,
    session: Session,
    tab: ResultTab = ResultTab.MATCHED,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    sort: Annotated[str, Query(max_length=10)] = "id",
    rule: Annotated[str, Query(max_length=100)] = "",
    min: Annotated[str, Query(max_length=40)] = "",
    max: Annotated[str, Query(max_length=40)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    any_sign: Annotated[str, Query(max_length=5, alias="abs")] = "",
) -> Response:
    results = ResultService(session)
    job = await results.get_job(access, job_id)
    params = PageParams(page=page, per_page=PER_PAGE)
    problems: list[str] = []
    bounds: dict[str, int | None] = {}
    for name, text in (("min_amount", min), ("max_amount", max)):
        try:
            bounds[name] = amount_filter(text)
        except ValueError:
            bounds[name] = None
            problems.append(f"“{text}” is not an amount; that filter is ignored.")
    search = q.strip() or None
    ignore_sign = any_sign in ("1", "on", "true")
    searched_amount = typed_amount(q) if search else None
    if searched_amount is not None and "." in q and bounds["min_amount"] is None:
        # "1338.29" in the search box is an amount: look for it, debit or credit, not for text.
        bounds = {"min_amount": abs(searched_amount), "max_amount": abs(searched_amount)}
        ignore_sign, search = True, None
    try:
        if tab.value in RECORD_TABS:
            record_sort = RecordSort(sort) if sort in RECORD_SORTS else RecordSort.ID
            listing: Any = await results.list_records(
                access,
                job.id,
                RecordQuery(
                    tab=RecordTab(tab.value),
                    q=search,
                    sort=record_sort,
                    any_sign=ignore_sign,
                    **bounds,
                ),
                params,
            )
            sorts = RECORD_SORTS
        else:
            match_sort = MatchSort(sort) if sort in MATCH_SORTS else MatchSort.ID
            listing = await results.list_matches(
                access,
                job.id,
                MatchQuery(
                    tab=tab.value,
                    rule=rule or None,
                    q=search,
                    sort=match_sort,
                    any_sign=ignore_sign,
                    **bounds,
                ),
                params,
            )
            sorts = MATCH_SORTS
    except JobNotCompleted:  # the page shows the job's state; no tab to list yet
        listing = Page[Any].of([], params, 0)
        sorts = RECORD_SORTS if tab.value in RECORD_TABS else MATCH_SORTS
    sources = {s.id: s for s in await DataSourceService(session).list_sources(access)}
    return render(
        request,
        "results/page.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "job": job,
            "left": sources.get(job.left_source_id),
            "right": sources.get(job.right_source_id),
            "tab": tab.value,
            "tabs": TAB_LABELS,
            "is_record_tab": tab.value in RECORD_TABS,
            "page": listing,
            "sorts": sorts,
            "filters": {
                "sort": sort,
                "rule": rule,
                "min": min,
                "max": max,
                "q": q,
                "abs": ignore_sign,
                "amount_search": searched_amount is not None and search is None,
            },
            "rules": [r.get("name") for r in (job.rules or {}).get("rules", [])] + ["manual"],
            "problems": problems,
            "can_edit": await may_edit(access),
            "summary": job.summary or {},
            "counts": tab_counts(job),
        },
    )


async def _counts(
    request: Request, access: ProjectAccess, job_id: int, session: AsyncSession
) -> dict[str, Any]:
    """What the row's response swaps out-of-band: the header's totals and every tab's count,
    as the review just left them (the job's summary is kept current by each decision)."""
    job = await ResultService(session).get_job(access, job_id)
    sources = {s.id: s for s in await DataSourceService(session).list_sources(access)}
    # The page the reviewer is on (htmx sends its URL) says which tab is current.
    current = parse_qs(urlsplit(request.headers.get("HX-Current-URL", "")).query)
    return {
        "counts": tab_counts(job),
        "tabs": TAB_LABELS,
        "tab": (current.get("tab") or [ResultTab.MATCHED.value])[0],
        "left": sources.get(job.left_source_id),
        "right": sources.get(job.right_source_id),
        "summary": job.summary or {},
    }


async def _reviewed_row(
    request: Request,
    access: ProjectAccess,
    job_id: int,
    session: AsyncSession,
    match: Any,
    others: list[Any],
    *,
    conflict: bool = False,
) -> Response:
    return render(
        request,
        "results/_match_row.html",
        {
            "match": match,
            "others": others,
            "project_id": access.project_id,
            "can_edit": True,
            "updated": True,
            "conflict": conflict,
            **await _counts(request, access, job_id, session),
        },
        # The loser of a race gets 409 with the row as it is now; results.js swaps it in.
        status_code=409 if conflict else 200,
    )


@router.post(
    "/projects/{project_id}/jobs/{job_id}/matches/{match_id}/confirm", include_in_schema=False
)
async def confirm_match(
    request: Request,
    access: WebProjectEditor,
    job_id: JobId,
    match_id: Annotated[int, Path(ge=1)],
    session: Session,
    version: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    results = ResultService(session)
    try:
        outcome = await results.confirm_match(access, job_id, match_id, version=version)
    except (MatchChanged, ReviewConflict):
        return await _current_row(request, access, job_id, match_id, session)
    # Alternatives the confirmation rejected change on the page too (htmx out-of-band swaps).
    others = [await results.get_match(access, job_id, i) for i in outcome.rejected_match_ids]
    return await _reviewed_row(request, access, job_id, session, outcome.match, others)


@router.post(
    "/projects/{project_id}/jobs/{job_id}/matches/{match_id}/reject", include_in_schema=False
)
async def reject_match(
    request: Request,
    access: WebProjectEditor,
    job_id: JobId,
    match_id: Annotated[int, Path(ge=1)],
    session: Session,
    version: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    try:
        outcome = await ResultService(session).reject_match(
            access, job_id, match_id, version=version
        )
    except (MatchChanged, ReviewConflict):
        return await _current_row(request, access, job_id, match_id, session)
    return await _reviewed_row(request, access, job_id, session, outcome.match, [])


async def _current_row(
    request: Request, access: ProjectAccess, job_id: int, match_id: int, session: AsyncSession
) -> Response:
    """Another reviewer acted first: the row as it is now, saying so (nothing was changed)."""
    await session.rollback()
    match = await ResultService(session).get_match(access, job_id, match_id)
    return await _reviewed_row(request, access, job_id, session, match, [], conflict=True)


@router.post("/projects/{project_id}/jobs/{job_id}/bulk-confirm", include_in_schema=False)
async def bulk_confirm(
    request: Request, access: WebProjectEditor, job_id: JobId, session: Session
) -> Response:
    """The review tab's "confirm every suggestion of a rule at or above a score": the API's
    bulk review (one transaction, each confirmation audited); the page reloads to show it."""
    form = await request.form()
    try:
        data = BulkReview(
            action=BulkAction.CONFIRM,
            selection=BulkSelection(
                rule=str(form.get("rule") or "") or None,
                min_score=float(str(form.get("min_score") or "0")),
            ),
            note="bulk confirmation from the review page",
        )
    except (ValidationError, ValueError):
        return JSONResponse({"errors": ["choose a score between 0 and 1"]}, status_code=422)
    await BulkReviewService(session).bulk_review(access, job_id, data)
    return Response(status_code=204, headers={"HX-Refresh": "true"})


@router.post("/projects/{project_id}/jobs/{job_id}/manual-matches", include_in_schema=False)
async def create_manual_match(
    access: WebProjectEditor,
    job_id: JobId,
    session: Session,
    payload: Annotated[dict[str, Any], Body()],
) -> Response:
    try:
        data = ManualMatchCreate.model_validate(payload)
    except ValidationError as error:
        return JSONResponse({"errors": validation_errors(error)}, status_code=422)
    try:
        match = await ResultService(session).create_manual_match(
            access, job_id, data, reason_beyond_tolerance=True
        )
    except DifferenceNeedsReason as error:
        # The bar shows its note field, focused, with the reason asked for.
        return JSONResponse({"errors": [error.detail], "needs_reason": True}, status_code=422)
    return JSONResponse(
        {
            "id": match.id,
            "explanation": match.explanation,
            "difference": str(match.amount_difference),
        }
    )


@router.get(
    "/projects/{project_id}/jobs/{job_id}/records/{record_id}/candidates",
    include_in_schema=False,
)
async def get_candidates(
    request: Request,
    access: WebProjectReader,
    job_id: JobId,
    record_id: Annotated[int, Path(ge=1)],
    session: Session,
) -> Response:
    found = await CandidateService(session).nearest_candidates(
        access, job_id, record_id, CANDIDATES
    )
    return render(
        request,
        "results/_candidates.html",
        {"found": found, "can_edit": await may_edit(access)},
    )


@router.get("/projects/{project_id}/jobs/{job_id}/audit", include_in_schema=False)
async def get_audit_page(
    request: Request,
    access: WebProjectReader,
    job_id: JobId,
    session: Session,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    results = ResultService(session)
    job = await results.get_job(access, job_id)
    events = await results.list_audit_events(access, job.id, PageParams(page=page, per_page=50))
    quality = await QualityService(session).quality_report(access, job.id)
    return render(
        request,
        "results/audit.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "job": job,
            "page": events,
            "quality": quality,
        },
    )


@router.get("/projects/{project_id}/jobs/{job_id}/export.{fmt}", include_in_schema=False)
async def export_results(
    request: Request,
    access: WebProjectReader,
    job_id: JobId,
    fmt: ExportFormat,
    session: Session,
    layout: ExportLayout = ExportLayout.RECORDS,
) -> Response:
    """Every tab of the job, as GET /api/v1/.../export builds it (a row per record, or per
    pair with ``layout=pairs``)."""
    job = await ResultService(session).get_job(access, job_id)
    return await export_response(get_database(request), session, job, fmt, None, None, layout)
