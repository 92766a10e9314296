from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.suggestion_create import SuggestionCreate
from ...models.suggestion_read import SuggestionRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    *,
    body: None | SuggestionCreate | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/rule-set/suggestions".format(
            project_id=quote(str(project_id), safe=""),
        ),
    }

    if isinstance(body, SuggestionCreate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | list[SuggestionRead] | None:
    if response.status_code == 201:
        response_201 = []
        _response_201 = response.json()
        for response_201_item_data in _response_201:
            response_201_item = SuggestionRead.from_dict(response_201_item_data)

            response_201.append(response_201_item)

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
    body: None | SuggestionCreate | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | list[SuggestionRead]]:
    """Create Rule Suggestions

     Learn rules from the manual matches and confirmed suggestions of the project's completed
    jobs with stored results (or of `job_ids`), pooled: patterns seen in at least three pairs
    of any of them. Each is measured on every one of those jobs (per job and overall); they
    replace the project's open suggestions. The jobs may hold up to 200,000 records together.

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (None | SuggestionCreate | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[SuggestionRead]]
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
    body: None | SuggestionCreate | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | list[SuggestionRead] | None:
    """Create Rule Suggestions

     Learn rules from the manual matches and confirmed suggestions of the project's completed
    jobs with stored results (or of `job_ids`), pooled: patterns seen in at least three pairs
    of any of them. Each is measured on every one of those jobs (per job and overall); they
    replace the project's open suggestions. The jobs may hold up to 200,000 records together.

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (None | SuggestionCreate | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[SuggestionRead]
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
    body: None | SuggestionCreate | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | list[SuggestionRead]]:
    """Create Rule Suggestions

     Learn rules from the manual matches and confirmed suggestions of the project's completed
    jobs with stored results (or of `job_ids`), pooled: patterns seen in at least three pairs
    of any of them. Each is measured on every one of those jobs (per job and overall); they
    replace the project's open suggestions. The jobs may hold up to 200,000 records together.

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (None | SuggestionCreate | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[SuggestionRead]]
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
    body: None | SuggestionCreate | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | list[SuggestionRead] | None:
    """Create Rule Suggestions

     Learn rules from the manual matches and confirmed suggestions of the project's completed
    jobs with stored results (or of `job_ids`), pooled: patterns seen in at least three pairs
    of any of them. Each is measured on every one of those jobs (per job and overall); they
    replace the project's open suggestions. The jobs may hold up to 200,000 records together.

    Args:
        project_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (None | SuggestionCreate | Unset):

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
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
