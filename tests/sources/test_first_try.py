"""Real-looking exports uploaded through the API with nothing given (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from httpx import AsyncClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import Record
from tally.sources.reading import HEAD_BYTES
from tests.helpers.projects import create_project
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "firsttry" / "corpus"


async def _setup(session: AsyncSession) -> tuple[AuthedUser, str]:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    return owner, f"/api/v1/projects/{project.id}/data-sources"


async def _upload(
    client: AsyncClient,
    owner: AuthedUser,
    base: str,
    content: bytes,
    filename: str,
    options: dict[str, Any] | None = None,
) -> Any:
    return await client.post(
        base,
        files={"file": (filename, content, "application/octet-stream")},
        data={"options": json.dumps(options or {})},
        headers=owner.headers,
    )


async def _preflight(
    client: AsyncClient, owner: AuthedUser, base: str, content: bytes, complete: bool | None
) -> Any:
    """The API's preflight of ``content``; ``complete`` None sends no flag at all."""
    answer = await client.post(
        f"{base}/preflight",
        files={"file": ("file", content, "application/octet-stream")},
        data={} if complete is None else {"complete": "true" if complete else "false"},
        headers=owner.headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _stored(session: AsyncSession, source_id: int) -> list[tuple[date | None, int, Any]]:
    rows = await session.execute(
        select(Record.booking_date, Record.amount, Record.currency)
        .where(Record.data_source_id == source_id)
        .order_by(Record.row_number)
    )
    return [tuple(row) for row in rows]


async def _loaded(client: AsyncClient, owner: AuthedUser, base: str, response: Any) -> Any:
    assert response.status_code == 202, response.text
    url = f"{base}/{response.json()['id']}"
    return await wait_for(client, url, owner.headers, until={"ready", "failed"})


async def test_an_xlsx_upload_loads_end_to_end(client: AsyncClient, session: AsyncSession) -> None:
    owner, base = await _setup(session)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Description", "Amount", "Currency"])
    sheet.append([date(2024, 3, 1), "Salary", 2500, "EUR"])
    sheet.append([date(2024, 3, 4), "Power", -54.2, "EUR"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    assert (await _preflight(client, owner, base, content, complete=True))["ok"]
    # The spooled upload has no .xlsx name: the workbook is read by its content.
    ready = await _loaded(client, owner, base, await _upload(client, owner, base, content, "x"))
    assert (ready["status"], ready["format"], ready["row_count"]) == ("ready", "xlsx", 2), ready
    assert await _stored(session, ready["id"]) == [
        (date(2024, 3, 1), 25_000_000, "EUR"),
        (date(2024, 3, 4), -542_000, "EUR"),
    ]


async def test_a_processor_export_loads_with_nothing_given(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    content = (CORPUS / "payoneer_transactions.csv").read_bytes()
    ready = await _loaded(
        client, owner, base, await _upload(client, owner, base, content, "payoneer.csv")
    )
    assert ready["status"] == "ready", ready
    assert await _stored(session, ready["id"]) == [
        (date(2024, 3, 14), 15_000_000, "USD"),
        (date(2024, 3, 15), -12_000_000, "USD"),
        (date(2024, 3, 18), -30_000, "USD"),
    ]


async def test_preflight_ok_is_a_promise_for_statements(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    balanced = (CORPUS / "camt053_balanced.xml").read_bytes()
    unbalanced = balanced.replace(b">2446.00<", b">2400.00<")
    for content, ok in ((balanced, True), (unbalanced, False)):
        assert (await _preflight(client, owner, base, content, complete=True))["ok"] is ok
        upload = await _upload(client, owner, base, content, "s.xml")
        if ok:
            assert (await _loaded(client, owner, base, upload))["status"] == "ready"
        else:
            assert upload.status_code == 422 and "does not balance" in upload.text


async def test_an_option_the_format_ignores_is_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    content = (CORPUS / "mt940_abnamro_preamble.sta").read_bytes()
    refused = await _upload(client, owner, base, content, "abn.sta", {"skip_rows": 3})
    assert refused.status_code == 422 and "skip_rows" in refused.text
    ready = await _loaded(client, owner, base, await _upload(client, owner, base, content, "a"))
    assert (ready["status"], ready["row_count"]) == ("ready", 2), ready


async def test_preflight_without_complete_keeps_a_last_line_without_newline(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    content = b"Date,Amount\n2024-01-01,1.00\n2024-01-02,2.00"
    answer = await _preflight(client, owner, base, content, complete=None)
    assert answer["row_numbers"] == [1, 2]


async def test_a_partial_mapping_is_completed_by_detection(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    content = b"Date,Amount,Text,Memo\n2024-03-01,1.00,a,b\n2024-03-02,-2.00,c,d\n"
    upload = await _upload(
        client, owner, base, content, "f.csv", {"mapping": {"description": "Memo"}}
    )
    ready = await _loaded(client, owner, base, upload)
    assert ready["status"] == "ready", ready
    mapping = ready["column_mapping"]
    assert (mapping["description"], mapping["amount"], mapping["booking_date"]) == (
        "Memo",
        "Amount",
        "Date",
    )
    assert [row[1] for row in await _stored(session, ready["id"])] == [10_000, -20_000]


async def test_a_repeated_header_name_loads_with_a_warning(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    content = b"Date,Amount,Currency,Balance,Currency\n2026-01-01,1.00,EUR,5.00,EUR\n"
    body = await _preflight(client, owner, base, content, complete=True)
    assert body["ok"] and body["columns"][-1] == "Currency (2)"
    assert [w["code"] for w in body["warnings"]] == ["duplicate_header"]
    ready = await _loaded(client, owner, base, await _upload(client, owner, base, content, "f"))
    assert (ready["status"], ready["row_count"]) == ("ready", 1), ready


def _month_first_payouts(*later: str) -> bytes:
    """A month-first export in euros: the first 12,000 rows (beyond the head preflight reads) all
    have days <= 12 and are in no date order, so the head alone assumes day-first."""
    filler = "x" * 60
    rows = [
        f"{(i * 5) % 12 + 1:02d}/{(i * 7) % 12 + 1:02d}/2024,{i}.25,EUR,{filler}{i}"
        for i in range(12_000)
    ]
    rows.extend(f"{value},1.00,EUR,later" for value in later)
    return ("\n".join(["Date,Amount,Currency,Reference", *rows]) + "\n").encode()


async def test_dates_the_head_cannot_order_are_settled_further_down(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    content = _month_first_payouts("03/17/2024")
    assert content.find(b"03/17/2024") > HEAD_BYTES
    head = await _preflight(client, owner, base, content[:HEAD_BYTES], complete=False)
    assert "date_format_assumed" in {warning["code"] for warning in head["warnings"]}
    upload = await _upload(client, owner, base, content, "payouts.csv")
    ready = await _loaded(client, owner, base, upload)
    assert (ready["status"], ready["row_count"]) == ("ready", 12_001), ready
    stored = await _stored(session, ready["id"])
    assert stored[0][0] == date(2024, 1, 1) and stored[1][0] == date(2024, 6, 8)
    assert stored[-1][0] == date(2024, 3, 17)


async def test_a_date_the_detected_format_cannot_read_names_the_format_to_pick(
    client: AsyncClient, session: AsyncSession
) -> None:
    # Both orders further down: nothing settles the order, day-first stays assumed, and the load
    # fails at the first month-first date, naming it and the format that reads it.
    owner, base = await _setup(session)
    content = _month_first_payouts("03/17/2024", "17/03/2024")
    failed = await _loaded(client, owner, base, await _upload(client, owner, base, content, "p"))
    assert failed["status"] == "failed", failed
    error = failed["error"]
    assert error["errors"][0]["code"] == "invalid_date"
    assert error["date_format"] == {
        "detected": "%d/%m/%Y",
        "choices": ["%d/%m/%Y", "%m/%d/%Y"],
        "suggested": "%m/%d/%Y",
        "row": 12_001,
        "column": "Date",
        "value": "03/17/2024",
    }
    assert "date_format %m/%d/%Y" in error["message"]


async def test_two_money_columns_nothing_tells_apart_are_asked_about_then_loaded(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, base = await _setup(session)
    content = (CORPUS / "report_writer_pair_unknown_names.csv").read_bytes()
    checked = await _preflight(client, owner, base, content, complete=True)
    assert checked["ok"] is False
    assert [error["code"] for error in checked["errors"]] == ["options"]
    assert "money out" in checked["errors"][0]["reason"]
    for policy in ("reject", "skip"):  # skipping rows answers nothing: refused either way
        refused = await _upload(client, owner, base, content, "r", {"on_error": policy})
        assert refused.status_code == 422, refused.text
        assert [error["code"] for error in refused.json()["errors"]] == ["options"]
    answer = {"mapping": {"debit": "Amount 1", "credit": "Amount 2"}}
    ready = await _loaded(
        client, owner, base, await _upload(client, owner, base, content, "r", answer)
    )
    assert ready["status"] == "ready", ready
    assert [amount for _, amount, _ in await _stored(session, ready["id"])] == [
        24_000_000,
        -18_000_000,
        -2_123_500,
        9_800_000,
    ]
