from __future__ import annotations

from fastapi import APIRouter

from tally.kit.errors import error_responses
from tally.projects.auth import ProjectNotFound, ProjectReader
from tally.sources.schemas import DataSourceRead
from tally.sources.service import DataSourceNotFound, DataSourceService
from tally.users.auth import Session

router = APIRouter(prefix="/projects/{project_id}/data-sources", tags=["data sources"])


@router.get("", response_model=list[DataSourceRead], responses=error_responses(ProjectNotFound))
async def get_project_data_sources(access: ProjectReader, session: Session) -> list[DataSourceRead]:
    sources = await DataSourceService(session).list_sources(access)
    return [DataSourceRead.model_validate(source) for source in sources]


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
