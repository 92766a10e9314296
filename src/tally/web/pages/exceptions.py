"""Working exceptions in the browser: the filtered worklist with bulk actions, one exception with
its comments, assignment and resolution, and the printable reconciliation statement with its
sign-off. Each form calls the same service as the API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tally.exceptions.bulk import UNRESOLVED, BulkExceptionService
from tally.exceptions.schemas import (
    BulkExceptions,
    CommentCreate,
    ExceptionFilter,
    ExceptionUpdate,
    ReopenRequest,
    ResolveRequest,
)
from tally.exceptions.service import ExceptionService
from tally.kit.errors import TallyError
from tally.kit.pagination import PageParams
from tally.kit.tasks import TaskQueueDep
from tally.periods.export import statement_download
from tally.periods.schemas import SignoffCreate, SignoffReopen, StatementInput
from tally.periods.service import BalanceNeedsCurrency, PeriodService
from tally.projects.auth import ProjectAccess, project_owner
from tally.projects.service import ProjectService
from tally.reconciliations.service import ReconciliationService
from tally.users.auth import Session
from tally.web.auth import WebProjectEditor, WebProjectReader, may_edit
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
ExceptionId = Annotated[int, Path(ge=1)]
ReconciliationId = Annotated[int, Path(ge=1)]
PER_PAGE = 50
# The filter fields a bulk form carries back (the list's query).
FILTER_FIELDS = tuple(ExceptionFilter.model_fields)


async def _may_own(access: ProjectAccess) -> bool:
    try:
        await project_owner(access)
    except TallyError:
        return False
    return True


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if str(v) != ""}


def _errors(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {str(e['msg']).removeprefix('Value error, ')}"
        for e in error.errors()
    )


# --- the worklist -------------------------------------------------------------------------------


@router.get("/projects/{project_id}/exceptions", include_in_schema=False)
async def get_exceptions_page(
    request: Request,
    access: WebProjectReader,
    session: Session,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The worklist; a form's empty fields mean "any" (unresolved exceptions by default)."""
    params = request.query_params
    chosen: dict[str, Any] = {
        name: params[name] for name in FILTER_FIELDS if params.get(name) and name != "status"
    }
    chosen["status"] = [s for s in params.getlist("status") if s] or list(UNRESOLVED)
    try:
        query = ExceptionFilter.model_validate(chosen)
    except ValidationError as error:
        default = ExceptionFilter(status=list(UNRESOLVED))
        return await _list_page(
            request, access, session, default, 1, error=_errors(error), status_code=422
        )
    return await _list_page(request, access, session, query, page)


async def _list_page(
    request: Request,
    access: ProjectAccess,
    session: Any,
    query: ExceptionFilter,
    page: int,
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    service = ExceptionService(session)
    listed = await service.list_exceptions(access, query, PageParams(page=page, per_page=PER_PAGE))
    projects = ProjectService(session)
    return render(
        request,
        "exceptions/list.html",
        {
            "nav": "projects",
            "project": await projects.get_project(access),
            "page": listed,
            "chosen": query,
            "filters": _filter_values(query),
            "members": await projects.list_members(access),
            "reasons": [r for r in (await service.reason_codes(access)).reasons if r.active],
            "ageing": await service.ageing(access),
            "reconciliations": await ReconciliationService(session).list_reconciliations(access),
            "can_edit": await may_edit(access),
            "message": message or request.query_params.get("done"),
            "error": error,
        },
        status_code=status_code,
    )


def _filter_values(query: ExceptionFilter) -> list[tuple[str, str]]:
    """The filter as (name, value) pairs, for the bulk form's hidden fields."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.model_dump(mode="json", exclude_none=True).items():
        if isinstance(value, list):
            pairs.extend((name, str(v)) for v in value)
        elif value is not False:
            pairs.append((name, str(value).lower() if isinstance(value, bool) else str(value)))
    return pairs


@router.post("/projects/{project_id}/exceptions/bulk", include_in_schema=False)
async def bulk_exceptions(request: Request, access: WebProjectEditor, session: Session) -> Response:
    """The list's bulk form: the action applies to every exception of the current filter (or the
    ticked ones), in one transaction."""
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if str(v) != "" and k != "csrf_token"}
    selection: dict[str, Any] = {
        name: fields[name] for name in FILTER_FIELDS if name in fields and name != "status"
    }
    statuses = [str(s) for s in form.getlist("status") if str(s)]
    if statuses:
        selection["status"] = statuses
    ticked = [int(str(i)) for i in form.getlist("exception_id") if str(i).isdigit()]
    payload: dict[str, Any] = {
        "action": fields.get("action"),
        "assignee_id": fields.get("assignee_id_to"),
        "body": fields.get("body"),
        "reason": fields.get("reason"),
        "account": fields.get("account"),
        "reason_code": fields.get("reason_code_to"),
    }
    if ticked:
        payload["exception_ids"] = ticked
    else:
        payload["selection"] = selection
    back = {k: v for k, v in selection.items() if k != "status"}
    try:
        data = BulkExceptions.model_validate(payload)
        query = data.selection or ExceptionFilter()
    except ValidationError as error:
        query = ExceptionFilter(status=list(UNRESOLVED))
        return await _list_page(
            request, access, session, query, 1, error=_errors(error), status_code=422
        )
    try:
        outcome = await BulkExceptionService(session).bulk(access, data)
    except TallyError as error:
        await session.rollback()
        return await _list_page(
            request, access, session, query, 1, error=error.detail, status_code=error.status_code
        )
    done = f"{len(outcome.changed)} changed, {len(outcome.unchanged)} already so"
    params = urlencode([*back.items(), *(("status", s) for s in statuses), ("done", done)])
    return RedirectResponse(f"/projects/{access.project_id}/exceptions?{params}", status_code=303)


# --- one exception ------------------------------------------------------------------------------


@router.get("/projects/{project_id}/exceptions/{exception_id}", include_in_schema=False)
async def get_exception_page(
    request: Request, access: WebProjectReader, exception_id: ExceptionId, session: Session
) -> Response:
    return await _detail_page(request, access, session, exception_id)


async def _detail_page(
    request: Request,
    access: ProjectAccess,
    session: Any,
    exception_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    service = ExceptionService(session)
    projects = ProjectService(session)
    item = await service.get_exception(access, exception_id)
    return render(
        request,
        "exceptions/detail.html",
        {
            "nav": "projects",
            "project": await projects.get_project(access),
            "item": item,
            "members": await projects.list_members(access),
            # The active codes, and the one the exception carries even if deactivated since.
            "reasons": [
                r
                for r in (await service.reason_codes(access)).reasons
                if r.active or r.code == item.reason_code
            ],
            "can_edit": await may_edit(access),
            "error": error,
            "today": date.today().isoformat(),
        },
        status_code=status_code,
    )


async def _act(
    request: Request,
    access: ProjectAccess,
    session: Any,
    exception_id: int,
    action: str,
    form: dict[str, str],
) -> Response:
    """Run one form's change; a refusal (409 changed or locked, 422) re-renders the page as it
    is now with the reason, so the person sees what changed."""
    service = ExceptionService(session)
    try:
        if action == "update":
            update: dict[str, Any] = {"version": form.get("version")}
            for name in ("status", "assignee_id", "reason_code"):
                if name in form:
                    update[name] = form[name]
            update["unassign"] = form.get("assignee_id") is None and "assign" in form
            await service.update_exception(
                access, exception_id, ExceptionUpdate.model_validate(update)
            )
        elif action == "comment":
            await service.add_comment(
                access, exception_id, CommentCreate(body=form.get("body", ""))
            )
        elif action == "resolve":
            resolve: dict[str, Any] = {
                "version": form.get("version"),
                "resolution": form.get("resolution"),
                "reason_code": form.get("reason_code"),
                "note": form.get("note"),
                "expected_clear_date": form.get("expected_clear_date"),
            }
            if form.get("resolution") == "written_off":
                resolve["write_off"] = {
                    "amount": form.get("amount"),
                    "reason": form.get("reason", ""),
                    "account": form.get("account", ""),
                }
            await service.resolve(access, exception_id, ResolveRequest.model_validate(resolve))
        else:
            await service.reopen(
                access,
                exception_id,
                ReopenRequest.model_validate(
                    {"version": form.get("version"), "reason": form.get("reason", "")}
                ),
            )
    except ValidationError as error:
        return await _detail_page(
            request, access, session, exception_id, error=_errors(error), status_code=422
        )
    except TallyError as error:
        if error.status_code == 404:
            raise
        await session.rollback()
        return await _detail_page(
            request,
            access,
            session,
            exception_id,
            error=error.detail,
            status_code=error.status_code,
        )
    url = f"/projects/{access.project_id}/exceptions/{exception_id}"
    return RedirectResponse(url, status_code=303)


@router.post("/projects/{project_id}/exceptions/{exception_id}/{action}", include_in_schema=False)
async def change_exception(
    request: Request,
    access: WebProjectEditor,
    exception_id: ExceptionId,
    action: Annotated[str, Path(pattern="^(update|comment|resolve|reopen)$")],
    session: Session,
) -> Response:
    return await _act(request, access, session, exception_id, action, await _form(request))


# --- the statement and its sign-off -------------------------------------------------------------


def _entered_balances(values: Mapping[str, str], field: str) -> dict[str, str]:
    """A form's per-currency balances: fields named ``<field>.<currency>``."""
    prefix = f"{field}."
    return {
        key.removeprefix(prefix).upper(): value.strip()
        for key, value in values.items()
        if key.startswith(prefix) and value.strip()
    }


def _statement_data(values: Mapping[str, str]) -> dict[str, Any]:
    """StatementInput's fields from a query string or a form (validated by the schema)."""
    return {
        "as_of_date": values.get("as_of") or date.today().isoformat(),
        "statement_balance": values.get("statement_balance", "").strip() or None,
        "ledger_balance": values.get("ledger_balance", "").strip() or None,
        "statement_balances": _entered_balances(values, "statement_balance"),
        "ledger_balances": _entered_balances(values, "ledger_balance"),
    }


def _statement_input(request: Request) -> StatementInput | None:
    try:
        return StatementInput.model_validate(_statement_data(request.query_params))
    except ValidationError:
        return None


@router.get(
    "/projects/{project_id}/reconciliations/{reconciliation_id}/statement",
    include_in_schema=False,
)
async def get_statement_page(
    request: Request,
    access: WebProjectReader,
    reconciliation_id: ReconciliationId,
    session: Session,
) -> Response:
    """The printable reconciliation statement, with the sign-off form for owners."""
    return await _statement_page(request, access, session, reconciliation_id)


async def _statement_page(
    request: Request,
    access: ProjectAccess,
    session: Any,
    reconciliation_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    data = _statement_input(request)
    if data is None:
        error = error or "Enter a date (YYYY-MM-DD) and amounts as plain numbers."
        data = StatementInput(as_of_date=date.today())
        status_code = 422 if status_code == 200 else status_code
    service = PeriodService(session)
    try:
        statement = await service.statement(access, reconciliation_id, data)
    except BalanceNeedsCurrency as refused:
        error, status_code = refused.detail, 422
        data = StatementInput(as_of_date=data.as_of_date)
        statement = await service.statement(access, reconciliation_id, data)
    return render(
        request,
        "exceptions/statement.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "statement": statement,
            "entered": data,
            "entered_fields": _entered_fields(data),
            "signoffs": await service.list_signoffs(access, reconciliation_id),
            "can_own": await _may_own(access),
            "xlsx_query": request.url.query,
            "error": error,
            "message": request.query_params.get("done"),
        },
        status_code=status_code,
    )


@router.get(
    "/projects/{project_id}/reconciliations/{reconciliation_id}/statement.xlsx",
    include_in_schema=False,
)
async def download_statement(
    request: Request,
    access: WebProjectReader,
    reconciliation_id: ReconciliationId,
    session: Session,
) -> Response:
    data = _statement_input(request) or StatementInput(as_of_date=date.today())
    statement = await PeriodService(session).statement(access, reconciliation_id, data)
    return await statement_download(statement)


async def owner_of(access: WebProjectReader) -> ProjectAccess:
    return await project_owner(access)


WebProjectOwner = Annotated[ProjectAccess, Depends(owner_of)]


def _entered_fields(data: StatementInput) -> list[tuple[str, str]]:
    """The balances a user entered, as the form fields that carry them to the next request."""
    fields = [
        (name, str(value))
        for name, value in (
            ("statement_balance", data.statement_balance),
            ("ledger_balance", data.ledger_balance),
        )
        if value is not None
    ]
    fields += [(f"statement_balance.{c}", str(v)) for c, v in data.statement_balances.items()]
    fields += [(f"ledger_balance.{c}", str(v)) for c, v in data.ledger_balances.items()]
    return fields


def _statement_fields(form: Mapping[str, str]) -> dict[str, str]:
    """The statement's date and entered balances of a form, for the statement shown after it."""
    return {
        key: value
        for key, value in form.items()
        if key == "as_of" or key.startswith(("statement_balance", "ledger_balance"))
    }


async def _period_change(
    request: Request,
    access: ProjectAccess,
    session: Any,
    reconciliation_id: int,
    change: Callable[[dict[str, str]], Awaitable[object]],
    done: str,
) -> Response:
    """Run a sign-off form's change, then show the statement again (with the refusal, if any,
    and the nothing-changed state)."""
    form = await _form(request)
    query = _statement_fields(form)
    try:
        await change(form)
    except (ValidationError, TallyError) as error:
        if isinstance(error, TallyError) and error.status_code == 404:
            raise
        await session.rollback()
        detail = _errors(error) if isinstance(error, ValidationError) else error.detail
        code = 422 if isinstance(error, ValidationError) else error.status_code
        request.scope["query_string"] = urlencode(query).encode()
        return await _statement_page(
            request, access, session, reconciliation_id, error=detail, status_code=code
        )
    params = urlencode({**query, "done": done})
    url = f"/projects/{access.project_id}/reconciliations/{reconciliation_id}/statement?{params}"
    return RedirectResponse(url, status_code=303)


@router.post(
    "/projects/{project_id}/reconciliations/{reconciliation_id}/sign-offs",
    include_in_schema=False,
)
async def sign_off_period(
    request: Request,
    access: WebProjectOwner,
    reconciliation_id: ReconciliationId,
    session: Session,
    queue: TaskQueueDep,
) -> Response:
    async def sign(form: dict[str, str]) -> object:
        data = SignoffCreate.model_validate(_statement_data(form))
        return await PeriodService(session).sign_off(access, reconciliation_id, data, queue)

    return await _period_change(request, access, session, reconciliation_id, sign, "Signed off")


@router.post(
    "/projects/{project_id}/reconciliations/{reconciliation_id}/sign-offs/{signoff_id}/reopen",
    include_in_schema=False,
)
async def reopen_period(
    request: Request,
    access: WebProjectOwner,
    reconciliation_id: ReconciliationId,
    signoff_id: Annotated[int, Path(ge=1)],
    session: Session,
) -> Response:
    async def reopen(form: dict[str, str]) -> object:
        data = SignoffReopen(reason=form.get("reason", ""))
        return await PeriodService(session).reopen(access, reconciliation_id, signoff_id, data)

    return await _period_change(
        request, access, session, reconciliation_id, reopen, "Period reopened"
    )
