from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.backtest_read import BacktestRead
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    project_id: int,
    number: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/rule-set/versions/{number}/backtests".format(
            project_id=quote(str(project_id), safe=""),
            number=quote(str(number), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | list[BacktestRead] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = BacktestRead.from_dict(response_200_item_data)

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
) -> Response[ErrorBody | list[BacktestRead]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | list[BacktestRead]]:
    """Get Rule Set Backtests

     The version's recent backtests, newest first.

    Args:
        project_id (int):
        number (int): The version number within the project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[BacktestRead]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        number=number,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    number: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | list[BacktestRead] | None:
    """Get Rule Set Backtests

     The version's recent backtests, newest first.

    Args:
        project_id (int):
        number (int): The version number within the project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[BacktestRead]
    """

    return sync_detailed(
        project_id=project_id,
        number=number,
        client=client,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | list[BacktestRead]]:
    """Get Rule Set Backtests

     The version's recent backtests, newest first.

    Args:
        project_id (int):
        number (int): The version number within the project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[BacktestRead]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        number=number,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    number: int,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | list[BacktestRead] | None:
    """Get Rule Set Backtests

     The version's recent backtests, newest first.

    Args:
        project_id (int):
        number (int): The version number within the project

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[BacktestRead]
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            number=number,
            client=client,
        )
    ).parsed
