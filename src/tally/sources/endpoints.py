from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import NOT_MODIFIED, cached_response, keys
from tally.kit.errors import error_responses
from tally.projects.auth import ProjectNotFound, ProjectReader
from tally.sources.schemas import DataSourceRead
from tally.sources.service import DataSourceNotFound, DataSourceService
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/data-sources", tags=["data sources"])


_SOURCES = TypeAdapter(list[DataSourceRead])


@router.get(
    "",
    response_model=list[DataSourceRead],
    responses={**error_responses(ProjectNotFound), **NOT_MODIFIED},
)
async def get_project_data_sources(access: ProjectReader, request: Request) -> Response:
    # Cached: uploads, deletions and status changes must call tally.cache.invalidate_data_sources.
    async def load(session: AsyncSession) -> bytes:
        sources = await DataSourceService(session).list_sources(access)
        return _SOURCES.dump_json([DataSourceRead.model_validate(source) for source in sources])

    return await cached_response(request, keys.data_sources(access.project_id), load)


@router.get(
    "/{source_id}",
    response_model=DataSourceRead,
    responses=error_responses(ProjectNotFound, DataSourceNotFound),
)
async def get_data_source(
    access: ProjectReader, source_id: int, session: Session
) -> DataSourceRead:
    return DataSourceRead.model_validate(
        await DataSourceService(session).get_source(access, source_id)
    )
