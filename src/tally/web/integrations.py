"""Where the pages call services that are still being built.

The web app never re-implements a service: each function here calls the feature's service when it
has the method the page needs, and raises ``NotYetAvailable`` (a designed 501 page) until then.
Wiring a service as it lands means replacing one body here; the pages and templates stay.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import TallyError
from tally.kit.pagination import Page, PageParams
from tally.models import DataSource
from tally.projects.auth import ProjectAccess
from tally.projects.schemas import ProjectRead
from tally.projects.service import ProjectService
from tally.sources.service import DataSourceService
from tally.users.auth import Principal


class NotYetAvailable(TallyError):
    """The service behind this page is not part of this version of Tally yet."""

    status_code = 501


def service_method(service: object, name: str) -> Any:
    """The bound method ``name`` of ``service``, or NotYetAvailable naming what is missing."""
    method = getattr(service, name, None)
    if method is None:
        raise NotYetAvailable(
            f"This part of Tally is not available yet ({type(service).__name__}.{name})."
        )
    return method


def supports_project_search() -> bool:
    return "search" in inspect.signature(ProjectService.list_projects).parameters


async def list_projects(
    session: AsyncSession, principal: Principal, params: PageParams, search: str
) -> Page[ProjectRead]:
    """The projects list; the search box is used once the projects service accepts ``search``."""
    service = ProjectService(session)
    if search and supports_project_search():
        method = service.list_projects
        result: Page[ProjectRead] = await method(principal, params, search=search)  # type: ignore[call-arg]
        return result
    return await service.list_projects(principal, params)


async def save_default_rules(
    session: AsyncSession, access: ProjectAccess, rules: dict[str, Any]
) -> None:
    """Store a rule set as the project's default (pending: ProjectService.set_default_rules)."""
    method = service_method(ProjectService(session), "set_default_rules")
    await method(access, rules)


# ---- data sources: preflight and upload (pending: the sources service) ----------------------

MAPPABLE_FIELDS: tuple[str, ...] = (
    "reference",
    "booking_date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "direction",
    "currency",
    "description",
    "counterparty",
    "counterparty_account",
    "transaction_id",
)


@dataclass(frozen=True)
class CellError:
    row: int  # 1-based data row
    column: str | None
    value: str | None
    reason: str


@dataclass
class PreflightView:
    """What the preview shows: the detected dialect, the proposed mapping and the parsed head."""

    format: str
    encoding: str | None
    delimiter: str | None
    has_header: bool
    date_format: str | None
    date_format_choices: list[str]
    decimal_separator: str | None
    columns: list[str]
    rows: list[list[str]]
    mapping: dict[str, str]  # Tally field -> column name
    errors: list[CellError]
    problems: list[str]  # reasons the file cannot be loaded with these options
    options: dict[str, Any]  # the parse options to upload with
    notes: list[str] = field(default_factory=list)  # statement balance, duplicates, ...

    @property
    def field_for_column(self) -> dict[str, str]:
        return {column: name for name, column in self.mapping.items()}

    @property
    def cell_errors(self) -> dict[tuple[int, str], str]:
        return {(e.row, e.column): e.reason for e in self.errors if e.column is not None}

    @property
    def row_errors(self) -> dict[int, str]:
        return {e.row: e.reason for e in self.errors if e.column is None}


async def preflight(
    session: AsyncSession,
    access: ProjectAccess,
    *,
    head: bytes,
    filename: str,
    complete: bool,
    options: dict[str, Any] | None,
) -> PreflightView:
    """Preview the head of a file with the sources service's preflight (pending)."""
    method = service_method(DataSourceService(session), "preflight")
    result = await method(access, head=head, filename=filename, complete=complete, options=options)
    return preflight_view(result)


def preflight_view(result: Any) -> PreflightView:
    """Adapt the preflight result (the API's JSON shape) to what the preview template renders."""
    data: dict[str, Any] = (
        result.model_dump(mode="json") if hasattr(result, "model_dump") else dict(result)
    )
    options: dict[str, Any] = dict(data.get("options") or {})
    errors = [
        CellError(
            row=int(e.get("row") or 0),
            column=e.get("column"),
            value=e.get("value"),
            reason=str(e.get("reason", "")),
        )
        for e in data.get("errors") or ()
    ]
    return PreflightView(
        format=str(data.get("format") or options.get("format") or "csv"),
        encoding=options.get("encoding"),
        delimiter=options.get("delimiter"),
        has_header=bool(options.get("has_header", True)),
        date_format=options.get("date_format"),
        date_format_choices=list(data.get("date_format_choices") or []),
        decimal_separator=options.get("decimal_separator"),
        columns=list(data.get("columns") or options.get("columns") or []),
        rows=[[str(c) for c in row] for row in (data.get("rows") or [])][:100],
        mapping=dict(options.get("mapping") or {}),
        errors=errors,
        problems=[str(p) for p in data.get("problems") or ()],
        options=options,
        notes=[str(n) for n in data.get("notes") or ()],
    )


async def upload_source(
    request: Request, session: AsyncSession, access: ProjectAccess
) -> DataSource:
    """Receive a streamed upload and start its ingestion, as the API's upload does (pending)."""
    method = service_method(DataSourceService(session), "create_source")
    source: DataSource = await method(access, request)
    return source
