from __future__ import annotations

from fastapi import APIRouter, Response, status

from tally.cache.http import ETAG_HEADER, IfMatch, representation_etag
from tally.idempotency.guard import IDEMPOTENCY_ERRORS, IdempotentProjectWrite
from tally.kit.errors import Forbidden, PreconditionFailed, error_responses
from tally.profiles.schemas import ImportProfileCreate, ImportProfileRead, ImportProfileUpdate
from tally.profiles.service import (
    ImportProfileNotFound,
    ImportProfileService,
    InvalidProfile,
    ProfileNameTaken,
)
from tally.projects.auth import ProjectEditor, ProjectNotFound, ProjectReader
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/import-profiles", tags=["import profiles"])


@router.get(
    "",
    operation_id="import_profiles_list",
    response_model=list[ImportProfileRead],
    responses=error_responses(ProjectNotFound),
)
async def get_import_profiles(access: ProjectReader, session: Session) -> list[ImportProfileRead]:
    """The project's saved import profiles, then Tally's built-in ones (ids ``builtin:<key>``)."""
    return await ImportProfileService(session).list_profiles(access)


@router.post(
    "",
    operation_id="import_profiles_create",
    response_model=ImportProfileRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        **IDEMPOTENCY_ERRORS,
        **error_responses(ProjectNotFound, Forbidden, ProfileNameTaken, InvalidProfile),
    },
)
async def create_import_profile(
    access: IdempotentProjectWrite, data: ImportProfileCreate, session: Session
) -> ImportProfileRead:
    """Save a mapping and parse options under a name; ``header`` is the file's columns."""
    return await ImportProfileService(session).create_profile(access, data)


@router.get(
    "/{profile_id}",
    operation_id="import_profiles_get",
    response_model=ImportProfileRead,
    responses={
        200: {"description": "The profile", "headers": ETAG_HEADER},
        **error_responses(ProjectNotFound, ImportProfileNotFound),
    },
)
async def get_import_profile(
    access: ProjectReader, profile_id: str, session: Session, response: Response
) -> ImportProfileRead:
    view = await ImportProfileService(session).get_profile(access, profile_id)
    response.headers["ETag"] = representation_etag(view)
    return view


@router.patch(
    "/{profile_id}",
    operation_id="import_profiles_update",
    response_model=ImportProfileRead,
    responses={
        200: {"description": "The profile as updated", "headers": ETAG_HEADER},
        **error_responses(
            ProjectNotFound,
            Forbidden,
            ImportProfileNotFound,
            ProfileNameTaken,
            InvalidProfile,
            PreconditionFailed,
        ),
    },
)
async def update_import_profile(
    access: ProjectEditor,
    profile_id: int,
    data: ImportProfileUpdate,
    session: Session,
    response: Response,
    if_match: IfMatch = None,
) -> ImportProfileRead:
    """Rename a saved profile or change its options or header (built-in ones are read-only)."""
    view = await ImportProfileService(session).update_profile(
        access, profile_id, data, if_match=if_match
    )
    response.headers["ETag"] = representation_etag(view)
    return view


@router.delete(
    "/{profile_id}",
    operation_id="import_profiles_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(ProjectNotFound, Forbidden, ImportProfileNotFound),
)
async def delete_import_profile(access: ProjectEditor, profile_id: int, session: Session) -> None:
    await ImportProfileService(session).delete_profile(access, profile_id)
