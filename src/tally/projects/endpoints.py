from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, status
from fastapi.responses import Response
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import NOT_MODIFIED, cached_response, keys
from tally.cache.envelope import etag_for
from tally.cache.http import ETAG_HEADER
from tally.cache.pages import cached_page, encode_index
from tally.idempotency.guard import IdempotentCallerWrite
from tally.kit.db import get_database, run_in_transaction
from tally.kit.errors import Forbidden, PreconditionFailed, error_responses
from tally.kit.pagination import (
    CursorPage,
    CursorQuery,
    InvalidCursor,
    Page,
    Paging,
    paging_params,
)
from tally.matching.rules import RuleSet
from tally.projects.auth import ProjectEditor, ProjectNotFound, ProjectOwner, ProjectReader
from tally.projects.schemas import (
    MemberRead,
    ProjectCreate,
    ProjectRead,
    ProjectStatsRead,
    ProjectUpdate,
    project_json,
)
from tally.projects.service import MemberNotFound, OwnerIsPermanent, ProjectService
from tally.rule_sets.service import DEFAULT_RULES_NOTE, RuleSetService
from tally.users.auth import CurrentPrincipal, Session

router = APIRouter(prefix="/projects", tags=["projects"])
_project_errors = error_responses(ProjectNotFound)
_write_errors = error_responses(ProjectNotFound, Forbidden)
_cached_read = {**_project_errors, **NOT_MODIFIED}

# Cached reads return the JSON bytes these produce (the same bytes FastAPI would render).
_PROJECTS_PAGE = TypeAdapter(Page[ProjectRead])
_STATS = TypeAdapter(ProjectStatsRead)


@router.get(
    "",
    operation_id="projects_list",
    response_model=Page[ProjectRead],
    responses={**NOT_MODIFIED, **error_responses(InvalidCursor)},
)
async def get_projects(
    principal: CurrentPrincipal,
    params: Annotated[Paging, Depends(paging_params)],
    request: Request,
) -> Response:
    """The caller's projects, newest first: by page (page/per_page) or by cursor
    (starting_after: older projects; limit)."""

    async def load_index(session: AsyncSession) -> bytes:
        return encode_index(*await ProjectService(session).page_index(principal, params))

    async def load_page(session: AsyncSession) -> bytes:
        return _PROJECTS_PAGE.dump_json(
            await ProjectService(session).list_projects(principal, params)
        )

    if principal.key_project_id is not None:  # a project's API key: that project, uncached
        body = await run_in_transaction(get_database(request), load_page)
        return Response(body, media_type="application/json")
    scope = None if principal.is_admin else principal.user_id  # admins see every project
    # Cached as the page's ids, each project's bytes under its own key (tally.cache.pages).
    return await cached_page(
        request,
        params,
        index_key=keys.projects_page(scope, params),
        load_index=load_index,
        item_key=keys.project,
        load_items=_load_projects,
        load_page=load_page,
    )


async def _load_projects(session: AsyncSession, project_ids: list[int]) -> dict[int, bytes]:
    """The ``project:{id}`` entries, as ``get_project`` stores them (the caller's page lists
    them, so the caller may read them)."""
    projects = await ProjectService(session).projects_by_id(project_ids)
    return {project_id: project_json(project) for project_id, project in projects.items()}


@router.post(
    "",
    operation_id="projects_create",
    response_model=ProjectRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[IdempotentCallerWrite],
)
async def create_project(
    principal: CurrentPrincipal, data: ProjectCreate, session: Session
) -> ProjectRead:
    return ProjectRead.model_validate(await ProjectService(session).create_project(principal, data))


@router.get(
    "/{project_id}", operation_id="projects_get", response_model=ProjectRead, responses=_cached_read
)
async def get_project(access: ProjectReader, request: Request) -> Response:
    async def load(session: AsyncSession) -> bytes:
        project = await ProjectService(session).get_project(access)
        return project_json(ProjectRead.model_validate(project))

    return await cached_response(request, keys.project(access.project_id), load)


@router.patch(
    "/{project_id}",
    operation_id="projects_update",
    response_model=ProjectRead,
    responses={
        200: {"description": "The project as updated", "headers": ETAG_HEADER},
        **_write_errors,
        **error_responses(PreconditionFailed),
    },
)
async def update_project(
    access: ProjectEditor,
    data: ProjectUpdate,
    session: Session,
    response: Response,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The ETag of the project as read: 412 if it changed since",
        ),
    ] = None,
) -> ProjectRead:
    updated = await ProjectService(session).update_project(access, data, if_match=if_match)
    view = ProjectRead.model_validate(updated)
    response.headers["ETag"] = etag_for(project_json(view))
    return view


@router.delete(
    "/{project_id}",
    operation_id="projects_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_write_errors,
)
async def delete_project(access: ProjectOwner, session: Session) -> None:
    await ProjectService(session).delete_project(access)


@router.put(
    "/{project_id}/default-rules",
    operation_id="projects_set_default_rules",
    response_model=ProjectRead,
    responses=_write_errors,
)
async def set_default_rules(access: ProjectEditor, rules: RuleSet, session: Session) -> ProjectRead:
    """Store ``rules`` as a new rule-set version and activate it at once, without a backtest
    (the rule-set API under ``/rule-set`` offers drafts and backtests before activation)."""
    await RuleSetService(session).release_rules(access, rules, DEFAULT_RULES_NOTE)
    return ProjectRead.model_validate(await ProjectService(session).get_project(access))


@router.get(
    "/{project_id}/stats",
    operation_id="projects_get_stats",
    response_model=ProjectStatsRead,
    responses=_cached_read,
)
async def get_project_stats(access: ProjectReader, request: Request) -> Response:
    async def load(session: AsyncSession) -> bytes:
        return _STATS.dump_json(await ProjectService(session).get_stats(access))

    return await cached_response(request, keys.stats(access.project_id), load)


@router.get(
    "/{project_id}/members",
    operation_id="members_list",
    response_model=CursorPage[MemberRead],
    responses=error_responses(ProjectNotFound, InvalidCursor),
)
async def list_members(
    access: ProjectReader, session: Session, cursor: CursorQuery
) -> CursorPage[MemberRead]:
    """The project's members in user id order, by cursor (starting_after: a user id)."""
    members, has_more = await ProjectService(session).page_members(access, cursor)
    return CursorPage[MemberRead](items=members, has_more=has_more)


@router.delete(
    "/{project_id}/members/{user_id}",
    operation_id="members_remove",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(ProjectNotFound, Forbidden, MemberNotFound, OwnerIsPermanent),
)
async def remove_member(access: ProjectOwner, user_id: int, session: Session) -> None:
    await ProjectService(session).remove_member(access, user_id)
