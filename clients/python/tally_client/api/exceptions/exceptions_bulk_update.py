from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bulk_exception_outcome import BulkExceptionOutcome
from ...models.bulk_exceptions import BulkExceptions
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    *,
    body: BulkExceptions,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/exceptions/bulk".format(
            project_id=quote(str(project_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BulkExceptionOutcome | ErrorBody | None:
    if response.status_code == 200:
        response_200 = BulkExceptionOutcome.from_dict(response.json())

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
) -> Response[BulkExceptionOutcome | ErrorBody]:
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
    body: BulkExceptions,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[BulkExceptionOutcome | ErrorBody]:
    """Bulk Update Exceptions

     Assign, comment on or write off listed exceptions, or every unresolved one a filter
    chooses (e.g. all open items below an amount), in one transaction; each change audited.
    409 BulkExceptionsRefused, naming the exception, when one cannot take it (nothing changes).

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (BulkExceptions): Assign, comment on, write off or explain many exceptions in one
            transaction: listed by
            id, or every unresolved exception a filter chooses (e.g. all open items below an amount).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkExceptionOutcome | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    *,
    client: AuthenticatedClient,
    body: BulkExceptions,
    idempotency_key: None | str | Unset = UNSET,
) -> BulkExceptionOutcome | ErrorBody | None:
    """Bulk Update Exceptions

     Assign, comment on or write off listed exceptions, or every unresolved one a filter
    chooses (e.g. all open items below an amount), in one transaction; each change audited.
    409 BulkExceptionsRefused, naming the exception, when one cannot take it (nothing changes).

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (BulkExceptions): Assign, comment on, write off or explain many exceptions in one
            transaction: listed by
            id, or every unresolved exception a filter chooses (e.g. all open items below an amount).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkExceptionOutcome | ErrorBody
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    body: BulkExceptions,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[BulkExceptionOutcome | ErrorBody]:
    """Bulk Update Exceptions

     Assign, comment on or write off listed exceptions, or every unresolved one a filter
    chooses (e.g. all open items below an amount), in one transaction; each change audited.
    409 BulkExceptionsRefused, naming the exception, when one cannot take it (nothing changes).

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (BulkExceptions): Assign, comment on, write off or explain many exceptions in one
            transaction: listed by
            id, or every unresolved exception a filter chooses (e.g. all open items below an amount).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkExceptionOutcome | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    *,
    client: AuthenticatedClient,
    body: BulkExceptions,
    idempotency_key: None | str | Unset = UNSET,
) -> BulkExceptionOutcome | ErrorBody | None:
    """Bulk Update Exceptions

     Assign, comment on or write off listed exceptions, or every unresolved one a filter
    chooses (e.g. all open items below an amount), in one transaction; each change audited.
    409 BulkExceptionsRefused, naming the exception, when one cannot take it (nothing changes).

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (BulkExceptions): Assign, comment on, write off or explain many exceptions in one
            transaction: listed by
            id, or every unresolved exception a filter chooses (e.g. all open items below an amount).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkExceptionOutcome | ErrorBody
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
