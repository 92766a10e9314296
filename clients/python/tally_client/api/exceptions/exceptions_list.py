from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.exception_status import ExceptionStatus
from ...models.exceptions_list_side_type_0 import ExceptionsListSideType0
from ...models.page_exception_read import PageExceptionRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    *,
    reconciliation_id: int | None | Unset = UNSET,
    status: list[ExceptionStatus] | None | Unset = UNSET,
    assignee_id: int | None | Unset = UNSET,
    unassigned: bool | Unset = False,
    side: ExceptionsListSideType0 | None | Unset = UNSET,
    reason_code: None | str | Unset = UNSET,
    min_age_days: int | None | Unset = UNSET,
    max_age_days: int | None | Unset = UNSET,
    min_amount: float | None | str | Unset = UNSET,
    max_amount: float | None | str | Unset = UNSET,
    ignore_sign: bool | Unset = False,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_reconciliation_id: int | None | Unset
    if isinstance(reconciliation_id, Unset):
        json_reconciliation_id = UNSET
    else:
        json_reconciliation_id = reconciliation_id
    params["reconciliation_id"] = json_reconciliation_id

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = []
        for status_type_0_item_data in status:
            status_type_0_item = status_type_0_item_data.value
            json_status.append(status_type_0_item)

    else:
        json_status = status
    params["status"] = json_status

    json_assignee_id: int | None | Unset
    if isinstance(assignee_id, Unset):
        json_assignee_id = UNSET
    else:
        json_assignee_id = assignee_id
    params["assignee_id"] = json_assignee_id

    params["unassigned"] = unassigned

    json_side: None | str | Unset
    if isinstance(side, Unset):
        json_side = UNSET
    elif isinstance(side, ExceptionsListSideType0):
        json_side = side.value
    else:
        json_side = side
    params["side"] = json_side

    json_reason_code: None | str | Unset
    if isinstance(reason_code, Unset):
        json_reason_code = UNSET
    else:
        json_reason_code = reason_code
    params["reason_code"] = json_reason_code

    json_min_age_days: int | None | Unset
    if isinstance(min_age_days, Unset):
        json_min_age_days = UNSET
    else:
        json_min_age_days = min_age_days
    params["min_age_days"] = json_min_age_days

    json_max_age_days: int | None | Unset
    if isinstance(max_age_days, Unset):
        json_max_age_days = UNSET
    else:
        json_max_age_days = max_age_days
    params["max_age_days"] = json_max_age_days

    json_min_amount: float | None | str | Unset
    if isinstance(min_amount, Unset):
        json_min_amount = UNSET
    else:
        json_min_amount = min_amount
    params["min_amount"] = json_min_amount

    json_max_amount: float | None | str | Unset
    if isinstance(max_amount, Unset):
        json_max_amount = UNSET
    else:
        json_max_amount = max_amount
    params["max_amount"] = json_max_amount

    params["ignore_sign"] = ignore_sign

    params["page"] = page

    params["per_page"] = per_page

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/exceptions".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PageExceptionRead | None:
    if response.status_code == 200:
        response_200 = PageExceptionRead.from_dict(response.json())

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
) -> Response[ErrorBody | PageExceptionRead]:
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
    reconciliation_id: int | None | Unset = UNSET,
    status: list[ExceptionStatus] | None | Unset = UNSET,
    assignee_id: int | None | Unset = UNSET,
    unassigned: bool | Unset = False,
    side: ExceptionsListSideType0 | None | Unset = UNSET,
    reason_code: None | str | Unset = UNSET,
    min_age_days: int | None | Unset = UNSET,
    max_age_days: int | None | Unset = UNSET,
    min_amount: float | None | str | Unset = UNSET,
    max_amount: float | None | str | Unset = UNSET,
    ignore_sign: bool | Unset = False,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> Response[ErrorBody | PageExceptionRead]:
    """List Exceptions

     Open items left by the reconciliations' jobs and what is being done about them, oldest
    first: filter by status, assignee, age, amount (optionally ignoring the sign).

    Args:
        project_id (int):
        reconciliation_id (int | None | Unset):
        status (list[ExceptionStatus] | None | Unset): Repeatable
        assignee_id (int | None | Unset):
        unassigned (bool | Unset):  Default: False.
        side (ExceptionsListSideType0 | None | Unset):
        reason_code (None | str | Unset):
        min_age_days (int | None | Unset):
        max_age_days (int | None | Unset):
        min_amount (float | None | str | Unset):
        max_amount (float | None | str | Unset):
        ignore_sign (bool | Unset): Bounds apply to the absolute amount Default: False.
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageExceptionRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        status=status,
        assignee_id=assignee_id,
        unassigned=unassigned,
        side=side,
        reason_code=reason_code,
        min_age_days=min_age_days,
        max_age_days=max_age_days,
        min_amount=min_amount,
        max_amount=max_amount,
        ignore_sign=ignore_sign,
        page=page,
        per_page=per_page,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    *,
    client: AuthenticatedClient,
    reconciliation_id: int | None | Unset = UNSET,
    status: list[ExceptionStatus] | None | Unset = UNSET,
    assignee_id: int | None | Unset = UNSET,
    unassigned: bool | Unset = False,
    side: ExceptionsListSideType0 | None | Unset = UNSET,
    reason_code: None | str | Unset = UNSET,
    min_age_days: int | None | Unset = UNSET,
    max_age_days: int | None | Unset = UNSET,
    min_amount: float | None | str | Unset = UNSET,
    max_amount: float | None | str | Unset = UNSET,
    ignore_sign: bool | Unset = False,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> ErrorBody | PageExceptionRead | None:
    """List Exceptions

     Open items left by the reconciliations' jobs and what is being done about them, oldest
    first: filter by status, assignee, age, amount (optionally ignoring the sign).

    Args:
        project_id (int):
        reconciliation_id (int | None | Unset):
        status (list[ExceptionStatus] | None | Unset): Repeatable
        assignee_id (int | None | Unset):
        unassigned (bool | Unset):  Default: False.
        side (ExceptionsListSideType0 | None | Unset):
        reason_code (None | str | Unset):
        min_age_days (int | None | Unset):
        max_age_days (int | None | Unset):
        min_amount (float | None | str | Unset):
        max_amount (float | None | str | Unset):
        ignore_sign (bool | Unset): Bounds apply to the absolute amount Default: False.
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageExceptionRead
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        reconciliation_id=reconciliation_id,
        status=status,
        assignee_id=assignee_id,
        unassigned=unassigned,
        side=side,
        reason_code=reason_code,
        min_age_days=min_age_days,
        max_age_days=max_age_days,
        min_amount=min_amount,
        max_amount=max_amount,
        ignore_sign=ignore_sign,
        page=page,
        per_page=per_page,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient,
    reconciliation_id: int | None | Unset = UNSET,
    status: list[ExceptionStatus] | None | Unset = UNSET,
    assignee_id: int | None | Unset = UNSET,
    unassigned: bool | Unset = False,
    side: ExceptionsListSideType0 | None | Unset = UNSET,
    reason_code: None | str | Unset = UNSET,
    min_age_days: int | None | Unset = UNSET,
    max_age_days: int | None | Unset = UNSET,
    min_amount: float | None | str | Unset = UNSET,
    max_amount: float | None | str | Unset = UNSET,
    ignore_sign: bool | Unset = False,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> Response[ErrorBody | PageExceptionRead]:
    """List Exceptions

     Open items left by the reconciliations' jobs and what is being done about them, oldest
    first: filter by status, assignee, age, amount (optionally ignoring the sign).

    Args:
        project_id (int):
        reconciliation_id (int | None | Unset):
        status (list[ExceptionStatus] | None | Unset): Repeatable
        assignee_id (int | None | Unset):
        unassigned (bool | Unset):  Default: False.
        side (ExceptionsListSideType0 | None | Unset):
        reason_code (None | str | Unset):
        min_age_days (int | None | Unset):
        max_age_days (int | None | Unset):
        min_amount (float | None | str | Unset):
        max_amount (float | None | str | Unset):
        ignore_sign (bool | Unset): Bounds apply to the absolute amount Default: False.
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageExceptionRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        status=status,
        assignee_id=assignee_id,
        unassigned=unassigned,
        side=side,
        reason_code=reason_code,
        min_age_days=min_age_days,
        max_age_days=max_age_days,
        min_amount=min_amount,
        max_amount=max_amount,
        ignore_sign=ignore_sign,
        page=page,
        per_page=per_page,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    *,
    client: AuthenticatedClient,
    reconciliation_id: int | None | Unset = UNSET,
    status: list[ExceptionStatus] | None | Unset = UNSET,
    assignee_id: int | None | Unset = UNSET,
    unassigned: bool | Unset = False,
    side: ExceptionsListSideType0 | None | Unset = UNSET,
    reason_code: None | str | Unset = UNSET,
    min_age_days: int | None | Unset = UNSET,
    max_age_days: int | None | Unset = UNSET,
    min_amount: float | None | str | Unset = UNSET,
    max_amount: float | None | str | Unset = UNSET,
    ignore_sign: bool | Unset = False,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> ErrorBody | PageExceptionRead | None:
    """List Exceptions

     Open items left by the reconciliations' jobs and what is being done about them, oldest
    first: filter by status, assignee, age, amount (optionally ignoring the sign).

    Args:
        project_id (int):
        reconciliation_id (int | None | Unset):
        status (list[ExceptionStatus] | None | Unset): Repeatable
        assignee_id (int | None | Unset):
        unassigned (bool | Unset):  Default: False.
        side (ExceptionsListSideType0 | None | Unset):
        reason_code (None | str | Unset):
        min_age_days (int | None | Unset):
        max_age_days (int | None | Unset):
        min_amount (float | None | str | Unset):
        max_amount (float | None | str | Unset):
        ignore_sign (bool | Unset): Bounds apply to the absolute amount Default: False.
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageExceptionRead
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            reconciliation_id=reconciliation_id,
            status=status,
            assignee_id=assignee_id,
            unassigned=unassigned,
            side=side,
            reason_code=reason_code,
            min_age_days=min_age_days,
            max_age_days=max_age_days,
            min_amount=min_amount,
            max_amount=max_amount,
            ignore_sign=ignore_sign,
            page=page,
            per_page=per_page,
        )
    ).parsed
