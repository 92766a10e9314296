"""Paging every list endpoint shares: the cursor form (keyset on id) and the page form.

The cursor form reads ``limit`` items after ``starting_after`` (or before ``ending_before``), an
item's id, in the list's stable id order. A page is a range of ids, not a position: items
that leave the list while it is read (a match confirmed off the review tab) skip nothing, and
items added while it is read never show twice. The page form (``page``/``per_page``, an offset)
is kept where it was the contract (the projects and users lists, the results tabs).

Every repository pages through ``keyset`` and ``cut``: one mechanism, no per-feature copies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import ColumnElement, Select, SQLColumnExpression

from tally.kit.errors import MAX_ID, TallyError

ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")
SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
DEFAULT_LIMIT = 20


class InvalidCursor(TallyError):
    """The paging parameters cannot be combined: give starting_after or ending_before (not both),
    and either the cursor form (starting_after/ending_before/limit) or page/per_page."""

    status_code = 400


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a cursor page starts: after ``starting_after`` or before ``ending_before`` (ids in
    the list's order), ``limit`` items at most; neither id: the list's first page."""

    limit: int = DEFAULT_LIMIT
    starting_after: int | None = None
    ending_before: int | None = None

    def __post_init__(self) -> None:
        if self.starting_after is not None and self.ending_before is not None:
            raise InvalidCursor("Give starting_after or ending_before, not both")

    @property
    def is_first(self) -> bool:
        return self.starting_after is None and self.ending_before is None


StartingAfter = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_ID,
        description="An item's id: the page of items after it in the list's order",
    ),
]
EndingBefore = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_ID,
        description="An item's id: the page of items before it in the list's order",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="Items per page, at most 200")]


# async: FastAPI runs a plain `def` dependency in its thread pool, a hop that costs more than
# everything else a cached read does.
async def cursor_params(
    starting_after: StartingAfter = None,
    ending_before: EndingBefore = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Cursor:
    return Cursor(limit=limit, starting_after=starting_after, ending_before=ending_before)


class PageParams(BaseModel):
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


async def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")] = 20,
) -> PageParams:
    return PageParams(page=page, per_page=per_page)


async def paging_params(
    page: Annotated[
        int | None,
        Query(ge=1, le=MAX_PAGE, description="1-based page number (the page form)"),
    ] = None,
    per_page: Annotated[
        int | None, Query(ge=1, le=MAX_PER_PAGE, description="Items per page (the page form)")
    ] = None,
    starting_after: StartingAfter = None,
    ending_before: EndingBefore = None,
    limit: Annotated[
        int | None,
        Query(ge=1, le=MAX_PER_PAGE, description="Items per page (the cursor form), at most 200"),
    ] = None,
) -> PageParams | Cursor:
    """A list that has both forms: the cursor form when starting_after, ending_before or limit
    is given, else the page form (page 1 of 20 by default)."""
    cursor_form = starting_after is not None or ending_before is not None or limit is not None
    if not cursor_form:
        return PageParams(page=page or 1, per_page=per_page or 20)
    if page is not None or per_page is not None:
        raise InvalidCursor("Page with page/per_page or with starting_after/ending_before/limit")
    return Cursor(
        limit=limit or DEFAULT_LIMIT, starting_after=starting_after, ending_before=ending_before
    )


Paging = PageParams | Cursor


class CursorPage(BaseModel, Generic[ItemT]):
    """One page of a list in its stable order."""

    items: list[ItemT]
    has_more: bool = Field(
        description="More items follow in the direction read: pass the last item's id as "
        "starting_after (or, reading backwards, the first item's id as ending_before)"
    )


class Page(CursorPage[ItemT], Generic[ItemT]):
    """One page of a list read by page number or by cursor; the page form also counts."""

    page: int | None = Field(None, description="The page form's page number; null by cursor")
    per_page: int | None = Field(None, description="The page form's page size; null by cursor")
    total: int | None = Field(None, description="Items in the list (page form); null by cursor")
    pages: int | None = Field(None, description="Pages in the list (page form); null by cursor")

    @classmethod
    def of(cls, items: list[ItemT], params: PageParams, total: int) -> Page[ItemT]:
        pages = page_count(total, params.per_page)
        return cls(
            items=items,
            has_more=params.page < pages,
            page=params.page,
            per_page=params.per_page,
            total=total,
            pages=pages,
        )

    @classmethod
    def by_cursor(cls, items: list[ItemT], has_more: bool) -> Page[ItemT]:
        return cls(items=items, has_more=has_more)


def page_count(total: int, per_page: int) -> int:
    return (total + per_page - 1) // per_page


def page_json(items: list[bytes], params: PageParams, total: int) -> bytes:
    """The JSON bytes ``Page.of`` would serialize to, from each item's own JSON bytes (a page
    assembled from cached entries, without decoding them)."""
    pages = page_count(total, params.per_page)
    return b'{"items":[%s],"has_more":%s,"page":%d,"per_page":%d,"total":%d,"pages":%d}' % (
        b",".join(items),
        b"true" if params.page < pages else b"false",
        params.page,
        params.per_page,
        total,
        pages,
    )


def cursor_page_json(items: list[bytes], has_more: bool) -> bytes:
    """The JSON bytes ``Page.by_cursor`` would serialize to, from each item's JSON bytes."""
    return b'{"items":[%s],"has_more":%s,"page":null,"per_page":null,"total":null,"pages":null}' % (
        b",".join(items),
        b"true" if has_more else b"false",
    )


def keyset(
    statement: SelectT,
    id_column: SQLColumnExpression[int],
    cursor: Cursor,
    *,
    descending: bool = False,
) -> SelectT:
    """``statement`` (its filters, no ORDER BY) narrowed to the cursor's page in id order, plus
    one row that tells ``cut`` whether more follow. Reading backwards (``ending_before``) walks
    the order in reverse from the cursor; ``cut`` puts the page back in list order."""
    if cursor.starting_after is not None:
        after = cursor.starting_after
        statement = statement.where(id_column < after if descending else id_column > after)
    if cursor.ending_before is not None:
        before = cursor.ending_before
        statement = statement.where(id_column > before if descending else id_column < before)
    backwards = cursor.ending_before is not None
    ascending = descending == backwards
    return statement.order_by(id_column.asc() if ascending else id_column.desc()).limit(
        cursor.limit + 1
    )


def cut(rows: Sequence[RowT], cursor: Cursor) -> tuple[list[RowT], bool]:
    """The page's rows in list order, and whether more follow in the direction read."""
    items = list(rows[: cursor.limit])
    if cursor.ending_before is not None:
        items.reverse()
    return items, len(rows) > cursor.limit


@dataclass(frozen=True, slots=True)
class Since:
    """``created_since``/``updated_since``: only items created (changed) at or after these."""

    created_since: datetime | None = None
    updated_since: datetime | None = None

    def conditions(
        self, created_at: SQLColumnExpression[datetime], updated_at: SQLColumnExpression[datetime]
    ) -> list[ColumnElement[bool]]:
        """The WHERE conditions of these filters over the list's two timestamp columns."""
        conditions = []
        if self.created_since is not None:
            conditions.append(created_at >= self.created_since)
        if self.updated_since is not None:
            conditions.append(updated_at >= self.updated_since)
        return conditions


async def since_params(
    created_since: Annotated[
        AwareDatetime | None,
        Query(description="RFC 3339 with a zone: only items created at or after it"),
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(description="RFC 3339 with a zone: only items changed (or created) at or after it"),
    ] = None,
) -> Since:
    return Since(
        created_since=None if created_since is None else created_since.astimezone(UTC),
        updated_since=None if updated_since is None else updated_since.astimezone(UTC),
    )


NO_SINCE = Since()


async def read_all(
    read_page: Callable[[Cursor], Awaitable[tuple[list[ItemT], bool]]],
    id_of: Callable[[ItemT], int],
) -> list[ItemT]:
    """Every item of a list, page after page of the largest size (the web pages and the CLI
    show a project's whole list of sources, members, versions)."""
    items: list[ItemT] = []
    cursor = Cursor(limit=MAX_PER_PAGE)
    while True:
        page, has_more = await read_page(cursor)
        items.extend(page)
        if not has_more or not page:
            return items
        cursor = Cursor(limit=MAX_PER_PAGE, starting_after=id_of(page[-1]))


# What an endpoint declares to read a list by cursor, and the created/updated filters.
CursorQuery = Annotated[Cursor, Depends(cursor_params)]
SinceQuery = Annotated[Since, Depends(since_params)]
