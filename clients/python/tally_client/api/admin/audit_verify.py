from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.chain_verification import ChainVerification
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    project_id: int | None | Unset = UNSET,
    head_seq: int | None | Unset = UNSET,
    head_hash: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_project_id: int | None | Unset
    if isinstance(project_id, Unset):
        json_project_id = UNSET
    else:
        json_project_id = project_id
    params["project_id"] = json_project_id

    json_head_seq: int | None | Unset
    if isinstance(head_seq, Unset):
        json_head_seq = UNSET
    else:
        json_head_seq = head_seq
    params["head_seq"] = json_head_seq

    json_head_hash: None | str | Unset
    if isinstance(head_hash, Unset):
        json_head_hash = UNSET
    else:
        json_head_hash = head_hash
    params["head_hash"] = json_head_hash

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/audit/verify",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | list[ChainVerification] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = ChainVerification.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ErrorBody | list[ChainVerification]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    project_id: int | None | Unset = UNSET,
    head_seq: int | None | Unset = UNSET,
    head_hash: None | str | Unset = UNSET,
) -> Response[ErrorBody | list[ChainVerification]]:
    """Verify Audit Chains

     Recompute the audit chain of one project (or of every project) and name the first broken
    link. ``head_seq``/``head_hash`` (from an export's ``X-Tally-Audit-Head``) with
    ``project_id`` also check that the chain still holds that head.

    Args:
        project_id (int | None | Unset):
        head_seq (int | None | Unset):
        head_hash (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[ChainVerification]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        head_seq=head_seq,
        head_hash=head_hash,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    project_id: int | None | Unset = UNSET,
    head_seq: int | None | Unset = UNSET,
    head_hash: None | str | Unset = UNSET,
) -> ErrorBody | list[ChainVerification] | None:
    """Verify Audit Chains

     Recompute the audit chain of one project (or of every project) and name the first broken
    link. ``head_seq``/``head_hash`` (from an export's ``X-Tally-Audit-Head``) with
    ``project_id`` also check that the chain still holds that head.

    Args:
        project_id (int | None | Unset):
        head_seq (int | None | Unset):
        head_hash (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[ChainVerification]
    """

    return sync_detailed(
        client=client,
        project_id=project_id,
        head_seq=head_seq,
        head_hash=head_hash,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    project_id: int | None | Unset = UNSET,
    head_seq: int | None | Unset = UNSET,
    head_hash: None | str | Unset = UNSET,
) -> Response[ErrorBody | list[ChainVerification]]:
    """Verify Audit Chains

     Recompute the audit chain of one project (or of every project) and name the first broken
    link. ``head_seq``/``head_hash`` (from an export's ``X-Tally-Audit-Head``) with
    ``project_id`` also check that the chain still holds that head.

    Args:
        project_id (int | None | Unset):
        head_seq (int | None | Unset):
        head_hash (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[ChainVerification]]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        head_seq=head_seq,
        head_hash=head_hash,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    project_id: int | None | Unset = UNSET,
    head_seq: int | None | Unset = UNSET,
    head_hash: None | str | Unset = UNSET,
) -> ErrorBody | list[ChainVerification] | None:
    """Verify Audit Chains

     Recompute the audit chain of one project (or of every project) and name the first broken
    link. ``head_seq``/``head_hash`` (from an export's ``X-Tally-Audit-Head``) with
    ``project_id`` also check that the chain still holds that head.

    Args:
        project_id (int | None | Unset):
        head_seq (int | None | Unset):
        head_hash (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[ChainVerification]
    """

    return (
        await asyncio_detailed(
            client=client,
            project_id=project_id,
            head_seq=head_seq,
            head_hash=head_hash,
        )
    ).parsed
