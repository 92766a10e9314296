from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from tally.kit.errors import Forbidden, error_responses
from tally.kit.pagination import Page, PageParams, page_params
from tally.projects.auth import ProjectEditor, ProjectNotFound, ProjectOwner, ProjectReader
from tally.projects.schemas import (
    MemberAdd,
    MemberRead,
    ProjectCreate,
    ProjectRead,
    ProjectStatsRead,
    ProjectUpdate,
)
from tally.projects.service import MemberNotFound, OwnerIsPermanent, ProjectService
from tally.users.auth import CurrentPrincipal, Session

router = APIRouter(prefix="/projects", tags=["projects"])
_project_errors = error_responses(ProjectNotFound)
_write_errors = error_responses(ProjectNotFound, Forbidden)


@router.get("", response_model=Page[ProjectRead])
async def get_projects(
    principal: CurrentPrincipal,
    session: Session,
    params: Annotated[PageParams, Depends(page_params)],
) -> Page[ProjectRead]:
    return await ProjectService(session).list_projects(principal, params)


@router.post("", response_model=ProjectRead, status_code=status.HTTP_201_CREATED)
async def create_project(
    principal: CurrentPrincipal, data: ProjectCreate, session: Session
) -> ProjectRead:
    return ProjectRead.model_validate(await ProjectService(session).create_project(principal, data))


@router.get("/{project_id}", response_model=ProjectRead, responses=_project_errors)
async def get_project(access: ProjectReader, session: Session) -> ProjectRead:
    return ProjectRead.model_validate(await ProjectService(session).get_project(access))


@router.patch("/{project_id}", response_model=ProjectRead, responses=_write_errors)
async def update_project(
    access: ProjectEditor, data: ProjectUpdate, session: Session
) -> ProjectRead:
    return ProjectRead.model_validate(await ProjectService(session).update_project(access, data))


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_write_errors)
async def delete_project(access: ProjectOwner, session: Session) -> None:
    await ProjectService(session).delete_project(access)


@router.get("/{project_id}/stats", response_model=ProjectStatsRead, responses=_project_errors)
async def get_project_stats(access: ProjectReader, session: Session) -> ProjectStatsRead:
    return await ProjectService(session).get_stats(access)


@router.get("/{project_id}/members", response_model=list[MemberRead], responses=_project_errors)
async def list_members(access: ProjectReader, session: Session) -> list[MemberRead]:
    return await ProjectService(session).list_members(access)


@router.post(
    "/{project_id}/members",
    response_model=MemberRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(ProjectNotFound, Forbidden, MemberNotFound, OwnerIsPermanent),
)
async def add_member(access: ProjectOwner, data: MemberAdd, session: Session) -> MemberRead:
    return await ProjectService(session).add_member(access, data)


@router.delete(
    "/{project_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(ProjectNotFound, Forbidden, MemberNotFound, OwnerIsPermanent),
)
async def remove_member(access: ProjectOwner, user_id: int, session: Session) -> None:
    await ProjectService(session).remove_member(access, user_id)
