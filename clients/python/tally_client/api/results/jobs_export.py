from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.export_format import ExportFormat
from ...models.export_layout import ExportLayout
from ...models.result_tab import ResultTab
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    project_id: int,
    job_id: int,
    *,
    format_: ExportFormat | Unset = UNSET,
    tab: None | ResultTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    layout: ExportLayout | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    json_tab: None | str | Unset
    if isinstance(tab, Unset):
        json_tab = UNSET
    elif isinstance(tab, ResultTab):
        json_tab = tab.value
    else:
        json_tab = tab
    params["tab"] = json_tab

    json_rule: None | str | Unset
    if isinstance(rule, Unset):
        json_rule = UNSET
    else:
        json_rule = rule
    params["rule"] = json_rule

    json_min_amount: None | str | Unset
    if isinstance(min_amount, Unset):
        json_min_amount = UNSET
    else:
        json_min_amount = min_amount
    params["min_amount"] = json_min_amount

    json_max_amount: None | str | Unset
    if isinstance(max_amount, Unset):
        json_max_amount = UNSET
    else:
        json_max_amount = max_amount
    params["max_amount"] = json_max_amount

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_layout: str | Unset = UNSET
    if not isinstance(layout, Unset):
        json_layout = layout.value

    params["layout"] = json_layout

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/jobs/{job_id}/export".format(
            project_id=quote(str(project_id), safe=""),
            job_id=quote(str(job_id), safe=""),
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
) -> Response[ErrorBody | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportFormat | Unset = UNSET,
    tab: None | ResultTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    layout: ExportLayout | Unset = UNSET,
) -> Response[ErrorBody | File]:
    """Export Job Results

     A job's results as CSV (streamed) or XLSX; text cells are formula-injection-safe.

    Args:
        project_id (int):
        job_id (int):
        format_ (ExportFormat | Unset):
        tab (None | ResultTab | Unset): Default: every tab
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        q (None | str | Unset): Text in the reference or description
        layout (ExportLayout | Unset): records: one row per record; pairs: one row per pair, left
            and right side by side.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        format_=format_,
        tab=tab,
        rule=rule,
        min_amount=min_amount,
        max_amount=max_amount,
        q=q,
        layout=layout,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportFormat | Unset = UNSET,
    tab: None | ResultTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    layout: ExportLayout | Unset = UNSET,
) -> ErrorBody | File | None:
    """Export Job Results

     A job's results as CSV (streamed) or XLSX; text cells are formula-injection-safe.

    Args:
        project_id (int):
        job_id (int):
        format_ (ExportFormat | Unset):
        tab (None | ResultTab | Unset): Default: every tab
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        q (None | str | Unset): Text in the reference or description
        layout (ExportLayout | Unset): records: one row per record; pairs: one row per pair, left
            and right side by side.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return sync_detailed(
        project_id=project_id,
        job_id=job_id,
        client=client,
        format_=format_,
        tab=tab,
        rule=rule,
        min_amount=min_amount,
        max_amount=max_amount,
        q=q,
        layout=layout,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportFormat | Unset = UNSET,
    tab: None | ResultTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    layout: ExportLayout | Unset = UNSET,
) -> Response[ErrorBody | File]:
    """Export Job Results

     A job's results as CSV (streamed) or XLSX; text cells are formula-injection-safe.

    Args:
        project_id (int):
        job_id (int):
        format_ (ExportFormat | Unset):
        tab (None | ResultTab | Unset): Default: every tab
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        q (None | str | Unset): Text in the reference or description
        layout (ExportLayout | Unset): records: one row per record; pairs: one row per pair, left
            and right side by side.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        format_=format_,
        tab=tab,
        rule=rule,
        min_amount=min_amount,
        max_amount=max_amount,
        q=q,
        layout=layout,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    format_: ExportFormat | Unset = UNSET,
    tab: None | ResultTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    layout: ExportLayout | Unset = UNSET,
) -> ErrorBody | File | None:
    """Export Job Results

     A job's results as CSV (streamed) or XLSX; text cells are formula-injection-safe.

    Args:
        project_id (int):
        job_id (int):
        format_ (ExportFormat | Unset):
        tab (None | ResultTab | Unset): Default: every tab
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        q (None | str | Unset): Text in the reference or description
        layout (ExportLayout | Unset): records: one row per record; pairs: one row per pair, left
            and right side by side.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | File
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            job_id=job_id,
            client=client,
            format_=format_,
            tab=tab,
            rule=rule,
            min_amount=min_amount,
            max_amount=max_amount,
            q=q,
            layout=layout,
        )
    ).parsed
