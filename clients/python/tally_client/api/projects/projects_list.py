from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.page_project_read import PageProjectRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_page: int | None | Unset
    if isinstance(page, Unset):
        json_page = UNSET
    else:
        json_page = page
    params["page"] = json_page

    json_per_page: int | None | Unset
    if isinstance(per_page, Unset):
        json_per_page = UNSET
    else:
        json_per_page = per_page
    params["per_page"] = json_per_page

    json_starting_after: int | None | Unset
    if isinstance(starting_after, Unset):
        json_starting_after = UNSET
    else:
        json_starting_after = starting_after
    params["starting_after"] = json_starting_after

    json_ending_before: int | None | Unset
    if isinstance(ending_before, Unset):
        json_ending_before = UNSET
    else:
        json_ending_before = ending_before
    params["ending_before"] = json_ending_before

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | PageProjectRead | None:
    if response.status_code == 200:
        response_200 = PageProjectRead.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorBody | PageProjectRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[Any | ErrorBody | PageProjectRead]:
    """Get Projects

     The caller's projects, newest first: by page (page/per_page) or by cursor
    (starting_after: older projects; limit).

    Args:
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | PageProjectRead]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Any | ErrorBody | PageProjectRead | None:
    """Get Projects

     The caller's projects, newest first: by page (page/per_page) or by cursor
    (starting_after: older projects; limit).

    Args:
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | PageProjectRead
    """

    return sync_detailed(
        client=client,
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Response[Any | ErrorBody | PageProjectRead]:
    """Get Projects

     The caller's projects, newest first: by page (page/per_page) or by cursor
    (starting_after: older projects; limit).

    Args:
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | PageProjectRead]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
) -> Any | ErrorBody | PageProjectRead | None:
    """Get Projects

     The caller's projects, newest first: by page (page/per_page) or by cursor
    (starting_after: older projects; limit).

    Args:
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | PageProjectRead
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            per_page=per_page,
            starting_after=starting_after,
            ending_before=ending_before,
            limit=limit,
        )
    ).parsed
