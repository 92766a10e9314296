from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.suggestion_read import SuggestionRead
from ...models.suggestion_status import SuggestionStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    *,
    status: SuggestionStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/rule-set/suggestions".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | list[SuggestionRead] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = SuggestionRead.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ErrorBody | list[SuggestionRead]]:
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
    status: SuggestionStatus | Unset = UNSET,
) -> Response[ErrorBody | list[SuggestionRead]]:
    """Get Rule Suggestions

     Rules proposed from review decisions, newest first, with coverage and precision.

    Args:
        project_id (int):
        status (SuggestionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[SuggestionRead]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    *,
    client: AuthenticatedClient,
    status: SuggestionStatus | Unset = UNSET,
) -> ErrorBody | list[SuggestionRead] | None:
    """Get Rule Suggestions

     Rules proposed from review decisions, newest first, with coverage and precision.

    Args:
        project_id (int):
        status (SuggestionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[SuggestionRead]
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        status=status,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    status: SuggestionStatus | Unset = UNSET,
) -> Response[ErrorBody | list[SuggestionRead]]:
    """Get Rule Suggestions

     Rules proposed from review decisions, newest first, with coverage and precision.

    Args:
        project_id (int):
        status (SuggestionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[SuggestionRead]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    *,
    client: AuthenticatedClient,
    status: SuggestionStatus | Unset = UNSET,
) -> ErrorBody | list[SuggestionRead] | None:
    """Get Rule Suggestions

     Rules proposed from review decisions, newest first, with coverage and precision.

    Args:
        project_id (int):
        status (SuggestionStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[SuggestionRead]
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            status=status,
        )
    ).parsed
