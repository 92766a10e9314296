from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.inference_create import InferenceCreate
from ...models.inference_read import InferenceRead
from ...types import Response


def _get_kwargs(
    project_id: int,
    *,
    body: InferenceCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project_id}/rule-set/infer".format(
            project_id=quote(str(project_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | InferenceRead | None:
    if response.status_code == 201:
        response_201 = InferenceRead.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = cast(Any, None)
        return response_202

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

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
) -> Response[Any | ErrorBody | InferenceRead]:
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
    body: InferenceCreate,
) -> Response[Any | ErrorBody | InferenceRead]:
    """Infer Rule Set

     Infer a rule set from two sources' records (no labels, no rules written) and store it as
    a new version with its evidence: a draft to backtest and activate, or the active version when
    `activate` is set or the project has none yet.

    When the sources hold more records together than the server's inline limit (setting
    TALLY_INFER_INLINE_MAX_RECORDS), or `background` is set, it runs in the background like a
    backtest: 202 with Location (the inference to poll) and Retry-After.

    Args:
        project_id (int):
        body (InferenceCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | InferenceRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    *,
    client: AuthenticatedClient,
    body: InferenceCreate,
) -> Any | ErrorBody | InferenceRead | None:
    """Infer Rule Set

     Infer a rule set from two sources' records (no labels, no rules written) and store it as
    a new version with its evidence: a draft to backtest and activate, or the active version when
    `activate` is set or the project has none yet.

    When the sources hold more records together than the server's inline limit (setting
    TALLY_INFER_INLINE_MAX_RECORDS), or `background` is set, it runs in the background like a
    backtest: 202 with Location (the inference to poll) and Retry-After.

    Args:
        project_id (int):
        body (InferenceCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | InferenceRead
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    body: InferenceCreate,
) -> Response[Any | ErrorBody | InferenceRead]:
    """Infer Rule Set

     Infer a rule set from two sources' records (no labels, no rules written) and store it as
    a new version with its evidence: a draft to backtest and activate, or the active version when
    `activate` is set or the project has none yet.

    When the sources hold more records together than the server's inline limit (setting
    TALLY_INFER_INLINE_MAX_RECORDS), or `background` is set, it runs in the background like a
    backtest: 202 with Location (the inference to poll) and Retry-After.

    Args:
        project_id (int):
        body (InferenceCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | InferenceRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    *,
    client: AuthenticatedClient,
    body: InferenceCreate,
) -> Any | ErrorBody | InferenceRead | None:
    """Infer Rule Set

     Infer a rule set from two sources' records (no labels, no rules written) and store it as
    a new version with its evidence: a draft to backtest and activate, or the active version when
    `activate` is set or the project has none yet.

    When the sources hold more records together than the server's inline limit (setting
    TALLY_INFER_INLINE_MAX_RECORDS), or `background` is set, it runs in the background like a
    backtest: 202 with Location (the inference to poll) and Retry-After.

    Args:
        project_id (int):
        body (InferenceCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | InferenceRead
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            body=body,
        )
    ).parsed
