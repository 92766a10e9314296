import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cursor_page_data_source_read import CursorPageDataSourceRead
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    *,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
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

    json_created_since: None | str | Unset
    if isinstance(created_since, Unset):
        json_created_since = UNSET
    elif isinstance(created_since, datetime.datetime):
        json_created_since = created_since.isoformat()
    else:
        json_created_since = created_since
    params["created_since"] = json_created_since

    json_updated_since: None | str | Unset
    if isinstance(updated_since, Unset):
        json_updated_since = UNSET
    elif isinstance(updated_since, datetime.datetime):
        json_updated_since = updated_since.isoformat()
    else:
        json_updated_since = updated_since
    params["updated_since"] = json_updated_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/data-sources".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CursorPageDataSourceRead | ErrorBody | None:
    if response.status_code == 200:
        response_200 = CursorPageDataSourceRead.from_dict(response.json())

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
) -> Response[Any | CursorPageDataSourceRead | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Response[Any | CursorPageDataSourceRead | ErrorBody]:
    """Get Project Data Sources

     The project's data sources in id order (upload order), by cursor.

    Args:
        project_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CursorPageDataSourceRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
        created_since=created_since,
        updated_since=updated_since,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    *,
    client: AuthenticatedClient,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Any | CursorPageDataSourceRead | ErrorBody | None:
    """Get Project Data Sources

     The project's data sources in id order (upload order), by cursor.

    Args:
        project_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CursorPageDataSourceRead | ErrorBody
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
        created_since=created_since,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Response[Any | CursorPageDataSourceRead | ErrorBody]:
    """Get Project Data Sources

     The project's data sources in id order (upload order), by cursor.

    Args:
        project_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CursorPageDataSourceRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
        created_since=created_since,
        updated_since=updated_since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    *,
    client: AuthenticatedClient,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | Unset = 20,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Any | CursorPageDataSourceRead | ErrorBody | None:
    """Get Project Data Sources

     The project's data sources in id order (upload order), by cursor.

    Args:
        project_id (int):
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | Unset): Items per page, at most 200 Default: 20.
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CursorPageDataSourceRead | ErrorBody
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            starting_after=starting_after,
            ending_before=ending_before,
            limit=limit,
            created_since=created_since,
            updated_since=updated_since,
        )
    ).parsed
