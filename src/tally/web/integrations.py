"""Where the pages call services that are still being built.

The web app never re-implements a service: each function here calls the feature's service when it
has the method the page needs, and raises ``NotYetAvailable`` (a designed 501 page) until then.
Wiring a service as it lands means replacing one body here; the pages and templates stay.
"""

from __future__ import annotations

import inspect
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import TallyError
from tally.kit.pagination import Page, PageParams
from tally.projects.auth import ProjectAccess
from tally.projects.schemas import ProjectRead
from tally.projects.service import ProjectService
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
