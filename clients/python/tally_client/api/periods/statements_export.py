import datetime
from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    project_id: int,
    reconciliation_id: int,
    *,
    as_of: datetime.date | None | Unset = UNSET,
    statement_balance: float | None | str | Unset = UNSET,
    ledger_balance: float | None | str | Unset = UNSET,
    statement_balances: list[str] | None | Unset = UNSET,
    ledger_balances: list[str] | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_as_of: None | str | Unset
    if isinstance(as_of, Unset):
        json_as_of = UNSET
    elif isinstance(as_of, datetime.date):
        json_as_of = as_of.isoformat()
    else:
        json_as_of = as_of
    params["as_of"] = json_as_of

    json_statement_balance: float | None | str | Unset
    if isinstance(statement_balance, Unset):
        json_statement_balance = UNSET
    else:
        json_statement_balance = statement_balance
    params["statement_balance"] = json_statement_balance

    json_ledger_balance: float | None | str | Unset
    if isinstance(ledger_balance, Unset):
        json_ledger_balance = UNSET
    else:
        json_ledger_balance = ledger_balance
    params["ledger_balance"] = json_ledger_balance

    json_statement_balances: list[str] | None | Unset
    if isinstance(statement_balances, Unset):
        json_statement_balances = UNSET
    elif isinstance(statement_balances, list):
        json_statement_balances = statement_balances

    else:
        json_statement_balances = statement_balances
    params["statement_balances"] = json_statement_balances

    json_ledger_balances: list[str] | None | Unset
    if isinstance(ledger_balances, Unset):
        json_ledger_balances = UNSET
    elif isinstance(ledger_balances, list):
        json_ledger_balances = ledger_balances

    else:
        json_ledger_balances = ledger_balances
    params["ledger_balances"] = json_ledger_balances

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/reconciliations/{reconciliation_id}/statement.xlsx".format(
            project_id=quote(str(project_id), safe=""),
            reconciliation_id=quote(str(reconciliation_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[ErrorBody | File]:
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
    as_of: datetime.date | None | Unset = UNSET,
    statement_balance: float | None | str | Unset = UNSET,
    ledger_balance: float | None | str | Unset = UNSET,
    statement_balances: list[str] | None | Unset = UNSET,
    ledger_balances: list[str] | None | Unset = UNSET,
) -> Response[ErrorBody | File]:
    """Export Statement

     The statement as an XLSX workbook.

    Args:
        project_id (int):
        reconciliation_id (int):
        as_of (datetime.date | None | Unset): The period's last day (default: today)
        statement_balance (float | None | str | Unset):
        ledger_balance (float | None | str | Unset):
        statement_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50 (a
            reconciliation in several)
        ledger_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        as_of=as_of,
        statement_balance=statement_balance,
        ledger_balance=ledger_balance,
        statement_balances=statement_balances,
        ledger_balances=ledger_balances,
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
    as_of: datetime.date | None | Unset = UNSET,
    statement_balance: float | None | str | Unset = UNSET,
    ledger_balance: float | None | str | Unset = UNSET,
    statement_balances: list[str] | None | Unset = UNSET,
    ledger_balances: list[str] | None | Unset = UNSET,
) -> ErrorBody | File | None:
    """Export Statement

     The statement as an XLSX workbook.

    Args:
        project_id (int):
        reconciliation_id (int):
        as_of (datetime.date | None | Unset): The period's last day (default: today)
        statement_balance (float | None | str | Unset):
        ledger_balance (float | None | str | Unset):
        statement_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50 (a
            reconciliation in several)
        ledger_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return sync_detailed(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        client=client,
        as_of=as_of,
        statement_balance=statement_balance,
        ledger_balance=ledger_balance,
        statement_balances=statement_balances,
        ledger_balances=ledger_balances,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
    statement_balance: float | None | str | Unset = UNSET,
    ledger_balance: float | None | str | Unset = UNSET,
    statement_balances: list[str] | None | Unset = UNSET,
    ledger_balances: list[str] | None | Unset = UNSET,
) -> Response[ErrorBody | File]:
    """Export Statement

     The statement as an XLSX workbook.

    Args:
        project_id (int):
        reconciliation_id (int):
        as_of (datetime.date | None | Unset): The period's last day (default: today)
        statement_balance (float | None | str | Unset):
        ledger_balance (float | None | str | Unset):
        statement_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50 (a
            reconciliation in several)
        ledger_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        reconciliation_id=reconciliation_id,
        as_of=as_of,
        statement_balance=statement_balance,
        ledger_balance=ledger_balance,
        statement_balances=statement_balances,
        ledger_balances=ledger_balances,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    reconciliation_id: int,
    *,
    client: AuthenticatedClient,
    as_of: datetime.date | None | Unset = UNSET,
    statement_balance: float | None | str | Unset = UNSET,
    ledger_balance: float | None | str | Unset = UNSET,
    statement_balances: list[str] | None | Unset = UNSET,
    ledger_balances: list[str] | None | Unset = UNSET,
) -> ErrorBody | File | None:
    """Export Statement

     The statement as an XLSX workbook.

    Args:
        project_id (int):
        reconciliation_id (int):
        as_of (datetime.date | None | Unset): The period's last day (default: today)
        statement_balance (float | None | str | Unset):
        ledger_balance (float | None | str | Unset):
        statement_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50 (a
            reconciliation in several)
        ledger_balances (list[str] | None | Unset): Per currency, repeated: EUR:1200.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            reconciliation_id=reconciliation_id,
            client=client,
            as_of=as_of,
            statement_balance=statement_balance,
            ledger_balance=ledger_balance,
            statement_balances=statement_balances,
            ledger_balances=ledger_balances,
        )
    ).parsed
