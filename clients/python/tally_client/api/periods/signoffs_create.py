from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.signoff_create import SignoffCreate
from ...models.signoff_detail import SignoffDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    reconciliation_id: int,
    *,
    body: SignoffCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/reconciliations/{reconciliation_id}/sign-offs".format(
            project_id=quote(str(project_id), safe=""),
            reconciliation_id=quote(str(reconciliation_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | SignoffDetail | None:
    if response.status_code == 201:
        response_201 = SignoffDetail.from_dict(response.json())

        return response_201

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
) -> Response[ErrorBody | SignoffDetail]:
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
    body: SignoffCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | SignoffDetail]:
    """Sign Off Period

     Sign the period to ``as_of_date`` off (owners). 409 PeriodNotBalanced, with the statement,
    unless its difference is exactly zero. Then decisions on records dated within it answer
    409 PeriodLocked until it is reopened.

    Args:
        project_id (int):
        reconciliation_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SignoffCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SignoffDetail]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        body=body,
        idempotency_key=idempotency_key,
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
    body: SignoffCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | SignoffDetail | None:
    """Sign Off Period

     Sign the period to ``as_of_date`` off (owners). 409 PeriodNotBalanced, with the statement,
    unless its difference is exactly zero. Then decisions on records dated within it answer
    409 PeriodLocked until it is reopened.

    Args:
        project_id (int):
        reconciliation_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SignoffCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SignoffDetail
    """

    return sync_detailed(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    body: SignoffCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | SignoffDetail]:
    """Sign Off Period

     Sign the period to ``as_of_date`` off (owners). 409 PeriodNotBalanced, with the statement,
    unless its difference is exactly zero. Then decisions on records dated within it answer
    409 PeriodLocked until it is reopened.

    Args:
        project_id (int):
        reconciliation_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SignoffCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SignoffDetail]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    body: SignoffCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | SignoffDetail | None:
    """Sign Off Period

     Sign the period to ``as_of_date`` off (owners). 409 PeriodNotBalanced, with the statement,
    unless its difference is exactly zero. Then decisions on records dated within it answer
    409 PeriodLocked until it is reopened.

    Args:
        project_id (int):
        reconciliation_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SignoffCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SignoffDetail
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            reconciliation_id=reconciliation_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
