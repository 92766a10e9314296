from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.candidates_read import CandidatesRead
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    job_id: int,
    record_id: int,
    *,
    limit: int | Unset = 10,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/jobs/{job_id}/records/{record_id}/candidates".format(
            project_id=quote(str(project_id), safe=""),
            job_id=quote(str(job_id), safe=""),
            record_id=quote(str(record_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CandidatesRead | ErrorBody | None:
    if response.status_code == 200:
        response_200 = CandidatesRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

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
) -> Response[CandidatesRead | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    job_id: int,
    record_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> Response[CandidatesRead | ErrorBody]:
    """Get Record Candidates

     The closest records of the other side and which condition each failed, by how much.

    Args:
        project_id (int):
        job_id (int):
        record_id (int):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CandidatesRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        record_id=record_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    job_id: int,
    record_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> CandidatesRead | ErrorBody | None:
    """Get Record Candidates

     The closest records of the other side and which condition each failed, by how much.

    Args:
        project_id (int):
        job_id (int):
        record_id (int):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CandidatesRead | ErrorBody
    """

    return sync_detailed(
        project_id=project_id,
        job_id=job_id,
        record_id=record_id,
        client=client,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    job_id: int,
    record_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> Response[CandidatesRead | ErrorBody]:
    """Get Record Candidates

     The closest records of the other side and which condition each failed, by how much.

    Args:
        project_id (int):
        job_id (int):
        record_id (int):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CandidatesRead | ErrorBody]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        record_id=record_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    job_id: int,
    record_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> CandidatesRead | ErrorBody | None:
    """Get Record Candidates

     The closest records of the other side and which condition each failed, by how much.

    Args:
        project_id (int):
        job_id (int):
        record_id (int):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CandidatesRead | ErrorBody
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            job_id=job_id,
            record_id=record_id,
            client=client,
            limit=limit,
        )
    ).parsed
