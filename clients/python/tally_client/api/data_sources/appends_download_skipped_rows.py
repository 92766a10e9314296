from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import File, Response


def _get_kwargs(
    project_id: int,
    source_id: int,
    append_id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/data-sources/{source_id}/appends/{append_id}/skipped".format(
            project_id=quote(str(project_id), safe=""),
            source_id=quote(str(source_id), safe=""),
            append_id=quote(str(append_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[ErrorBody | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    source_id: int,
    append_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | File]:
    """Download Append Skipped Rows

     The rows of an append skipped under on_error=skip, as CSV, with their reasons.

    Args:
        project_id (int):
        source_id (int):
        append_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        source_id=source_id,
        append_id=append_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    source_id: int,
    append_id: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | File | None:
    """Download Append Skipped Rows

     The rows of an append skipped under on_error=skip, as CSV, with their reasons.

    Args:
        project_id (int):
        source_id (int):
        append_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return sync_detailed(
        project_id=project_id,
        source_id=source_id,
        append_id=append_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    source_id: int,
    append_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | File]:
    """Download Append Skipped Rows

     The rows of an append skipped under on_error=skip, as CSV, with their reasons.

    Args:
        project_id (int):
        source_id (int):
        append_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        source_id=source_id,
        append_id=append_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    source_id: int,
    append_id: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | File | None:
    """Download Append Skipped Rows

     The rows of an append skipped under on_error=skip, as CSV, with their reasons.

    Args:
        project_id (int):
        source_id (int):
        append_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            source_id=source_id,
            append_id=append_id,
            client=client,
        )
    ).parsed
