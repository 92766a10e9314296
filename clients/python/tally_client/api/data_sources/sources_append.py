from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.data_source_append_read import DataSourceAppendRead
from ...models.error_body import ErrorBody
from ...models.sources_append_body import SourcesAppendBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    source_id: int,
    *,
    body: SourcesAppendBody,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/data-sources/{source_id}/append".format(
            project_id=quote(str(project_id), safe=""),
            source_id=quote(str(source_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DataSourceAppendRead | ErrorBody | None:
    if response.status_code == 202:
        response_202 = DataSourceAppendRead.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

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
) -> Response[DataSourceAppendRead | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    source_id: int,
    *,
    client: AuthenticatedClient,
    body: SourcesAppendBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DataSourceAppendRead | ErrorBody]:
    """Append To Data Source

     Append a file to a ready source: only rows it does not hold yet are added (the format's
    transaction id, else the row's content and its occurrence among identical rows), unless
    ``include_duplicates``. Loads in the background; the source is `appending` meanwhile and the
    append's status goes `ingesting` -> `ready`/`failed`. A failed append changes nothing.

    Args:
        project_id (int):
        source_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SourcesAppendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataSourceAppendRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        source_id=source_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    source_id: int,
    *,
    client: AuthenticatedClient,
    body: SourcesAppendBody,
    idempotency_key: None | str | Unset = UNSET,
) -> DataSourceAppendRead | ErrorBody | None:
    """Append To Data Source

     Append a file to a ready source: only rows it does not hold yet are added (the format's
    transaction id, else the row's content and its occurrence among identical rows), unless
    ``include_duplicates``. Loads in the background; the source is `appending` meanwhile and the
    append's status goes `ingesting` -> `ready`/`failed`. A failed append changes nothing.

    Args:
        project_id (int):
        source_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SourcesAppendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataSourceAppendRead | ErrorBody
    """

    return sync_detailed(
        project_id=project_id,
        source_id=source_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    source_id: int,
    *,
    client: AuthenticatedClient,
    body: SourcesAppendBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[DataSourceAppendRead | ErrorBody]:
    """Append To Data Source

     Append a file to a ready source: only rows it does not hold yet are added (the format's
    transaction id, else the row's content and its occurrence among identical rows), unless
    ``include_duplicates``. Loads in the background; the source is `appending` meanwhile and the
    append's status goes `ingesting` -> `ready`/`failed`. A failed append changes nothing.

    Args:
        project_id (int):
        source_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SourcesAppendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataSourceAppendRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        source_id=source_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    source_id: int,
    *,
    client: AuthenticatedClient,
    body: SourcesAppendBody,
    idempotency_key: None | str | Unset = UNSET,
) -> DataSourceAppendRead | ErrorBody | None:
    """Append To Data Source

     Append a file to a ready source: only rows it does not hold yet are added (the format's
    transaction id, else the row's content and its occurrence among identical rows), unless
    ``include_duplicates``. Loads in the background; the source is `appending` meanwhile and the
    append's status goes `ingesting` -> `ready`/`failed`. A failed append changes nothing.

    Args:
        project_id (int):
        source_id (int):
        idempotency_key (None | str | Unset): Any unique string (a UUID): retrying with the same
            key and body within 24 h returns the first answer instead of writing twice
        body (SourcesAppendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataSourceAppendRead | ErrorBody
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            source_id=source_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
