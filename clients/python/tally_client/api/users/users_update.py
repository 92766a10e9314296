from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.user_read import UserRead
from ...models.user_update import UserUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    user_id: int,
    *,
    body: UserUpdate,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/users/{user_id}".format(
            user_id=quote(str(user_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | UserRead | None:
    if response.status_code == 200:
        response_200 = UserRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = ErrorBody.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

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
) -> Response[ErrorBody | UserRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[ErrorBody | UserRead]:
    """Update User

     Change a user's role or active flag. Deactivating revokes the user's tokens and sessions
    for good; administrators cannot demote or deactivate themselves (409).

    Args:
        user_id (int):
        if_match (None | str | Unset): The ETag of the resource as read: the write applies only if
            it is still that version, 412 otherwise (optional: without it the write applies as before)
        body (UserUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | UserRead]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
    if_match: None | str | Unset = UNSET,
) -> ErrorBody | UserRead | None:
    """Update User

     Change a user's role or active flag. Deactivating revokes the user's tokens and sessions
    for good; administrators cannot demote or deactivate themselves (409).

    Args:
        user_id (int):
        if_match (None | str | Unset): The ETag of the resource as read: the write applies only if
            it is still that version, 412 otherwise (optional: without it the write applies as before)
        body (UserUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | UserRead
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[ErrorBody | UserRead]:
    """Update User

     Change a user's role or active flag. Deactivating revokes the user's tokens and sessions
    for good; administrators cannot demote or deactivate themselves (409).

    Args:
        user_id (int):
        if_match (None | str | Unset): The ETag of the resource as read: the write applies only if
            it is still that version, 412 otherwise (optional: without it the write applies as before)
        body (UserUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | UserRead]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
    if_match: None | str | Unset = UNSET,
) -> ErrorBody | UserRead | None:
    """Update User

     Change a user's role or active flag. Deactivating revokes the user's tokens and sessions
    for good; administrators cannot demote or deactivate themselves (409).

    Args:
        user_id (int):
        if_match (None | str | Unset): The ETag of the resource as read: the write applies only if
            it is still that version, 412 otherwise (optional: without it the write applies as before)
        body (UserUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | UserRead
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
