import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.match_sort import MatchSort
from ...models.match_tab import MatchTab
from ...models.page_match_read import PageMatchRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    job_id: int,
    *,
    tab: MatchTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: MatchSort | Unset = UNSET,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_tab: str | Unset = UNSET
    if not isinstance(tab, Unset):
        json_tab = tab.value

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

    json_page: int | None | Unset
    if isinstance(page, Unset):
        json_page = UNSET
    else:
        json_page = page
    params["page"] = json_page

    json_per_page: int | None | Unset
    if isinstance(per_page, Unset):
        json_per_page = UNSET
    else:
        json_per_page = per_page
    params["per_page"] = json_per_page

    json_starting_after: int | None | Unset
    if isinstance(starting_after, Unset):
        json_starting_after = UNSET
    else:
        json_starting_after = starting_after
    params["starting_after"] = json_starting_after

    json_ending_before: int | None | Unset
    if isinstance(ending_before, Unset):
        json_ending_before = UNSET
    else:
        json_ending_before = ending_before
    params["ending_before"] = json_ending_before

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    json_created_since: None | str | Unset
    if isinstance(created_since, Unset):
        json_created_since = UNSET
    elif isinstance(created_since, datetime.datetime):
        json_created_since = created_since.isoformat()
    else:
        json_created_since = created_since
    params["created_since"] = json_created_since

    json_updated_since: None | str | Unset
    if isinstance(updated_since, Unset):
        json_updated_since = UNSET
    elif isinstance(updated_since, datetime.datetime):
        json_updated_since = updated_since.isoformat()
    else:
        json_updated_since = updated_since
    params["updated_since"] = json_updated_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project_id}/jobs/{job_id}/matches".format(
            project_id=quote(str(project_id), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | PageMatchRead | None:
    if response.status_code == 200:
        response_200 = PageMatchRead.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

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
) -> Response[Any | ErrorBody | PageMatchRead]:
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
    tab: MatchTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: MatchSort | Unset = UNSET,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Response[Any | ErrorBody | PageMatchRead]:
    """Get Job Matches

     One tab of matches (matched, review, discrepancies, rejected), each with its records,
    rule, score, differences, evidence and the explanation sentence. By page (page/per_page)
    or by cursor (starting_after/ending_before/limit, in id order: what a reviewer paging
    while deciding uses, as decided matches leave the tab without shifting the next page).
    Poll it with If-None-Match: 304 while the job's results did not change.

    Args:
        project_id (int):
        job_id (int):
        tab (MatchTab | Unset): The results tab a match is listed under; a function of its
            category and status.
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (MatchSort | Unset):
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | PageMatchRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        tab=tab,
        rule=rule,
        min_amount=min_amount,
        max_amount=max_amount,
        any_sign=any_sign,
        q=q,
        sort=sort,
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
        created_since=created_since,
        updated_since=updated_since,
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
    tab: MatchTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: MatchSort | Unset = UNSET,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Any | ErrorBody | PageMatchRead | None:
    """Get Job Matches

     One tab of matches (matched, review, discrepancies, rejected), each with its records,
    rule, score, differences, evidence and the explanation sentence. By page (page/per_page)
    or by cursor (starting_after/ending_before/limit, in id order: what a reviewer paging
    while deciding uses, as decided matches leave the tab without shifting the next page).
    Poll it with If-None-Match: 304 while the job's results did not change.

    Args:
        project_id (int):
        job_id (int):
        tab (MatchTab | Unset): The results tab a match is listed under; a function of its
            category and status.
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (MatchSort | Unset):
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | PageMatchRead
    """

    return sync_detailed(
        project_id=project_id,
        job_id=job_id,
        client=client,
        tab=tab,
        rule=rule,
        min_amount=min_amount,
        max_amount=max_amount,
        any_sign=any_sign,
        q=q,
        sort=sort,
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
        created_since=created_since,
        updated_since=updated_since,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    tab: MatchTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: MatchSort | Unset = UNSET,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Response[Any | ErrorBody | PageMatchRead]:
    """Get Job Matches

     One tab of matches (matched, review, discrepancies, rejected), each with its records,
    rule, score, differences, evidence and the explanation sentence. By page (page/per_page)
    or by cursor (starting_after/ending_before/limit, in id order: what a reviewer paging
    while deciding uses, as decided matches leave the tab without shifting the next page).
    Poll it with If-None-Match: 304 while the job's results did not change.

    Args:
        project_id (int):
        job_id (int):
        tab (MatchTab | Unset): The results tab a match is listed under; a function of its
            category and status.
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (MatchSort | Unset):
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | PageMatchRead]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        job_id=job_id,
        tab=tab,
        rule=rule,
        min_amount=min_amount,
        max_amount=max_amount,
        any_sign=any_sign,
        q=q,
        sort=sort,
        page=page,
        per_page=per_page,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=limit,
        created_since=created_since,
        updated_since=updated_since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    job_id: int,
    *,
    client: AuthenticatedClient,
    tab: MatchTab | Unset = UNSET,
    rule: None | str | Unset = UNSET,
    min_amount: None | str | Unset = UNSET,
    max_amount: None | str | Unset = UNSET,
    any_sign: bool | Unset = False,
    q: None | str | Unset = UNSET,
    sort: MatchSort | Unset = UNSET,
    page: int | None | Unset = UNSET,
    per_page: int | None | Unset = UNSET,
    starting_after: int | None | Unset = UNSET,
    ending_before: int | None | Unset = UNSET,
    limit: int | None | Unset = UNSET,
    created_since: datetime.datetime | None | Unset = UNSET,
    updated_since: datetime.datetime | None | Unset = UNSET,
) -> Any | ErrorBody | PageMatchRead | None:
    """Get Job Matches

     One tab of matches (matched, review, discrepancies, rejected), each with its records,
    rule, score, differences, evidence and the explanation sentence. By page (page/per_page)
    or by cursor (starting_after/ending_before/limit, in id order: what a reviewer paging
    while deciding uses, as decided matches leave the tab without shifting the next page).
    Poll it with If-None-Match: 304 while the job's results did not change.

    Args:
        project_id (int):
        job_id (int):
        tab (MatchTab | Unset): The results tab a match is listed under; a function of its
            category and status.
        rule (None | str | Unset):
        min_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        max_amount (None | str | Unset): Decimal string, e.g. 100.50 (at most 4 places); inclusive
        any_sign (bool | Unset): min_amount/max_amount bound the amount's size, whatever its sign
            (1338.29 finds -1338.29 too) Default: False.
        q (None | str | Unset): Text in the reference or description
        sort (MatchSort | Unset):
        page (int | None | Unset): 1-based page number (the page form)
        per_page (int | None | Unset): Items per page (the page form)
        starting_after (int | None | Unset): An item's id: the page of items after it in the
            list's order
        ending_before (int | None | Unset): An item's id: the page of items before it in the
            list's order
        limit (int | None | Unset): Items per page (the cursor form), at most 200
        created_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items created
            at or after it
        updated_since (datetime.datetime | None | Unset): RFC 3339 with a zone: only items changed
            (or created) at or after it

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | PageMatchRead
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            job_id=job_id,
            client=client,
            tab=tab,
            rule=rule,
            min_amount=min_amount,
            max_amount=max_amount,
            any_sign=any_sign,
            q=q,
            sort=sort,
            page=page,
            per_page=per_page,
            starting_after=starting_after,
            ending_before=ending_before,
            limit=limit,
            created_since=created_since,
            updated_since=updated_since,
        )
    ).parsed
