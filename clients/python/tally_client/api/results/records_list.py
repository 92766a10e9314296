from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.page_record_item import PageRecordItem
from ...models.record_sort import RecordSort
from ...models.record_tab import RecordTab
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    job_id: int,
    *,
    tab: RecordTab | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: RecordSort | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_tab: str | Unset = UNSET
    if not isinstance(tab, Unset):
        json_tab = tab.value

    params["tab"] = json_tab

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

    params["any_sign"] = any_sign

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["page"] = page

    params["per_page"] = per_page

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/jobs/{job_id}/records".format(
            project_id=quote(str(project_id), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PageRecordItem | None:
    if response.status_code == 200:
        response_200 = PageRecordItem.from_dict(response.json())

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
) -> Response[ErrorBody | PageRecordItem]:
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
    tab: RecordTab | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: RecordSort | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> Response[ErrorBody | PageRecordItem]:
    """Get Job Records

     Records outside any claiming match of one side (unmatched_left, unmatched_right), or the
    records with a twin on their own side (duplicates).

    Args:
        project_id (int):
        job_id (int):
        tab (RecordTab | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (RecordSort | Unset):
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageRecordItem]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        tab=tab,
        min_amount=min_amount,
        max_amount=max_amount,
        any_sign=any_sign,
        q=q,
        sort=sort,
        page=page,
        per_page=per_page,
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
    tab: RecordTab | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: RecordSort | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> ErrorBody | PageRecordItem | None:
    """Get Job Records

     Records outside any claiming match of one side (unmatched_left, unmatched_right), or the
    records with a twin on their own side (duplicates).

    Args:
        project_id (int):
        job_id (int):
        tab (RecordTab | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (RecordSort | Unset):
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageRecordItem
    """

    return sync_detailed(
        project_id=project_id,
        job_id=job_id,
        client=client,
        tab=tab,
        min_amount=min_amount,
        max_amount=max_amount,
        any_sign=any_sign,
        q=q,
        sort=sort,
        page=page,
        per_page=per_page,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    tab: RecordTab | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: RecordSort | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> Response[ErrorBody | PageRecordItem]:
    """Get Job Records

     Records outside any claiming match of one side (unmatched_left, unmatched_right), or the
    records with a twin on their own side (duplicates).

    Args:
        project_id (int):
        job_id (int):
        tab (RecordTab | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (RecordSort | Unset):
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageRecordItem]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        tab=tab,
        min_amount=min_amount,
        max_amount=max_amount,
        any_sign=any_sign,
        q=q,
        sort=sort,
        page=page,
        per_page=per_page,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    tab: RecordTab | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: RecordSort | Unset = UNSET,
    page: int | Unset = 1,
    per_page: int | Unset = 20,
) -> ErrorBody | PageRecordItem | None:
    """Get Job Records

     Records outside any claiming match of one side (unmatched_left, unmatched_right), or the
    records with a twin on their own side (duplicates).

    Args:
        project_id (int):
        job_id (int):
        tab (RecordTab | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (RecordSort | Unset):
        page (int | Unset): 1-based page number Default: 1.
        per_page (int | Unset): items per page Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageRecordItem
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            job_id=job_id,
            client=client,
            tab=tab,
            min_amount=min_amount,
            max_amount=max_amount,
            any_sign=any_sign,
            q=q,
            sort=sort,
            page=page,
            per_page=per_page,
        )
    ).parsed
