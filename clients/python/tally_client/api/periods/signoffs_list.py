from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cursor_page_signoff_read import CursorPageSignoffRead
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    reconciliation_id: int,
    *,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/reconciliations/{reconciliation_id}/sign-offs".format(
            project_id=quote(str(project_id), safe=""),
            reconciliation_id=quote(str(reconciliation_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CursorPageSignoffRead | ErrorBody | None:
    if response.status_code == 200:
        response_200 = CursorPageSignoffRead.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

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
) -> Response[CursorPageSignoffRead | ErrorBody]:
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
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[CursorPageSignoffRead | ErrorBody]:
    """List Signoffs

     The reconciliation's sign-offs, newest first (reopened ones too), by cursor.

    Args:
        project_id (int):
        reconciliation_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CursorPageSignoffRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
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
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
) -> CursorPageSignoffRead | ErrorBody | None:
    """List Signoffs

     The reconciliation's sign-offs, newest first (reopened ones too), by cursor.

    Args:
        project_id (int):
        reconciliation_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CursorPageSignoffRead | ErrorBody
    """

    return sync_detailed(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        client=client,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
) -> Response[CursorPageSignoffRead | ErrorBody]:
    """List Signoffs

     The reconciliation's sign-offs, newest first (reopened ones too), by cursor.

    Args:
        project_id (int):
        reconciliation_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CursorPageSignoffRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
) -> CursorPageSignoffRead | ErrorBody | None:
    """List Signoffs

     The reconciliation's sign-offs, newest first (reopened ones too), by cursor.

    Args:
        project_id (int):
        reconciliation_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CursorPageSignoffRead | ErrorBody
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            reconciliation_id=reconciliation_id,
            client=client,
            starting_after=starting_after,
            ending_before=ending_before,
            limit=limit,
        )
    ).parsed
