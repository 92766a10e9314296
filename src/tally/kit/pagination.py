"""The pagination envelope every list endpoint returns."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

ItemT = TypeVar("ItemT")
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000


class PageParams(BaseModel):
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


# async: FastAPI runs a plain `def` dependency in its thread pool, a hop that costs more than
# everything else a cached read does.
async def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")] = 20,
) -> PageParams:
    return PageParams(page=page, per_page=per_page)


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    page: int
    per_page: int
    total: int
    pages: int

    @classmethod
    def of(cls, items: list[ItemT], params: PageParams, total: int) -> Page[ItemT]:
        pages = (total + params.per_page - 1) // params.per_page
        return cls(
            items=items, page=params.page, per_page=params.per_page, total=total, pages=pages
        )
