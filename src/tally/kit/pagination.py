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
        return cls(
            items=items,
            page=params.page,
            per_page=params.per_page,
            total=total,
            pages=page_count(total, params.per_page),
        )


def page_count(total: int, per_page: int) -> int:
    return (total + per_page - 1) // per_page


def page_json(items: list[bytes], params: PageParams, total: int) -> bytes:
    """The JSON bytes ``Page.of`` would serialize to, from each item's own JSON bytes (a page
    assembled from cached entries, without decoding them)."""
    return b'{"items":[%s],"page":%d,"per_page":%d,"total":%d,"pages":%d}' % (
        b",".join(items),
        params.page,
        params.per_page,
        total,
        page_count(total, params.per_page),
    )
