from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.open_items_list_side_type_0 import OpenItemsListSideType0
from ...models.page_open_item_read import PageOpenItemRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    reconciliation_id: int,
    *,
    side: None | OpenItemsListSideType0 | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_side: None | str | Unset
    if isinstance(side, Unset):
        json_side = UNSET
    elif isinstance(side, OpenItemsListSideType0):
        json_side = side.value
    else:
        json_side = side
    params["side"] = json_side

    params["page"] = page

    params["per_page"] = per_page

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/reconciliations/{reconciliation_id}/open-items".format(
            project_id=quote(str(project_id), safe=""),
            reconciliation_id=quote(str(reconciliation_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PageOpenItemRead | None:
    if response.status_code == 200:
        response_200 = PageOpenItemRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

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
) -> Response[ErrorBody | PageOpenItemRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    side: None | OpenItemsListSideType0 | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> Response[ErrorBody | PageOpenItemRead]:
    """List Open Items

     Records nothing settles yet, oldest first, with the date a job first saw them.

    Args:
        project_id (int):
        reconciliation_id (int):
        side (None | OpenItemsListSideType0 | Unset): Only this side's open items
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageOpenItemRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        side=side,
        page=page,
        per_page=per_page,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    side: None | OpenItemsListSideType0 | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> ErrorBody | PageOpenItemRead | None:
    """List Open Items

     Records nothing settles yet, oldest first, with the date a job first saw them.

    Args:
        project_id (int):
        reconciliation_id (int):
        side (None | OpenItemsListSideType0 | Unset): Only this side's open items
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageOpenItemRead
    """

    return sync_detailed(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        client=client,
        side=side,
        page=page,
        per_page=per_page,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    side: None | OpenItemsListSideType0 | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> Response[ErrorBody | PageOpenItemRead]:
    """List Open Items

     Records nothing settles yet, oldest first, with the date a job first saw them.

    Args:
        project_id (int):
        reconciliation_id (int):
        side (None | OpenItemsListSideType0 | Unset): Only this side's open items
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageOpenItemRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        side=side,
        page=page,
        per_page=per_page,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    side: None | OpenItemsListSideType0 | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> ErrorBody | PageOpenItemRead | None:
    """List Open Items

     Records nothing settles yet, oldest first, with the date a job first saw them.

    Args:
        project_id (int):
        reconciliation_id (int):
        side (None | OpenItemsListSideType0 | Unset): Only this side's open items
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageOpenItemRead
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            reconciliation_id=reconciliation_id,
            client=client,
            side=side,
            page=page,
            per_page=per_page,
        )
    ).parsed
