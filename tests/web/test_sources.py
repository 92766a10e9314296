"""Adding a data source without a browser: preview, streamed upload, live state, bad files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import DataSource, DataSourceStatus
from tests.helpers.projects import create_project
from tests.helpers.users import create_user
from tests.web.conftest import sign_in

FILES = Path(__file__).resolve().parent / "files"


async def _editor(client: AsyncClient, session: AsyncSession) -> tuple[str, dict[str, str]]:
    user = await create_user(session)
    project = await create_project(session, owner=user)
    token = await sign_in(client, user)
    return f"/projects/{project.id}", {"X-CSRF-Token": token, "HX-Request": "true"}


async def test_preview_shows_detections_errors_and_follows_the_mapping(
    client: AsyncClient, session: AsyncSession
) -> None:
    base, headers = await _editor(client, session)
    head = (FILES / "bank.csv").read_bytes()
    response = await client.post(
        f"{base}/sources/preflight",
        files={"head": ("bank.csv", head, "text/csv")},
        data={"filename": "bank.csv", "complete": "true"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert "semicolon" in response.text and "%d.%m.%Y" in response.text
    assert 'data-column="Beleg"' in response.text
    hints = json.loads(response.text.split('id="preflight-options">')[1].split("</script>")[0])
    assert hints["mapping"]["amount"] == "Betrag"
    hints["mapping"]["reference"] = "Beleg"
    remapped = await client.post(
        f"{base}/sources/preflight",
        files={"head": ("bank.csv", head, "text/csv")},
        data={"filename": "bank.csv", "complete": "true", "options": json.dumps(hints)},
        headers=headers,
    )
    assert '<option value="reference" selected>' in remapped.text
    bad = await client.post(
        f"{base}/sources/preflight",
        files={"head": ("bad.csv", (FILES / "bad.csv").read_bytes(), "text/csv")},
        data={"complete": "true"},
        headers=headers,
    )
    assert bad.text.count('class="cell-error"') == 2
    assert "not an amount" in bad.text


async def test_junk_gets_a_designed_error(client: AsyncClient, session: AsyncSession) -> None:
    base, headers = await _editor(client, session)
    response = await client.post(
        f"{base}/sources/preflight",
        files={"head": ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "text/csv")},
        headers=headers,
    )
    assert response.status_code == 422
    assert 'class="alert alert-error"' in response.text and "PNG" in response.text
    missing = await client.post(f"{base}/sources/preflight", data={"x": "1"}, headers=headers)
    assert missing.status_code == 400


async def test_upload_ingests_and_streams_its_state(
    client: AsyncClient, session: AsyncSession
) -> None:
    base, headers = await _editor(client, session)
    without_token = await client.post(
        f"{base}/sources", files={"file": ("ledger.csv", b"x", "text/csv")}
    )
    assert without_token.status_code == 403
    response = await client.post(
        f"{base}/sources",
        data={"name": "Ledger", "options": json.dumps({"on_error": "reject"})},
        files={"file": ("ledger.csv", (FILES / "ledger.csv").read_bytes(), "text/csv")},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    reply = response.json()
    for _ in range(100):
        source = await session.get(DataSource, reply["id"], populate_existing=True)
        assert source is not None
        if source.status != DataSourceStatus.INGESTING:
            break
        await asyncio.sleep(0.05)
    assert source.status == DataSourceStatus.READY and source.row_count == 5
    panel = await client.get(reply["progress_url"])
    assert "5 rows loaded" in panel.text
    events = await client.get(reply["url"] + "/events")
    assert "event: done" in events.text and "Ready" in events.text
    page = await client.get(reply["url"])
    assert "ledger.csv" in page.text


async def test_a_bad_upload_is_refused_and_stores_nothing(
    client: AsyncClient, session: AsyncSession
) -> None:
    base, headers = await _editor(client, session)
    response = await client.post(
        f"{base}/sources",
        data={"name": "Bad"},
        files={"file": ("bad.csv", (FILES / "bad.csv").read_bytes(), "text/csv")},
        headers=headers,
    )
    assert response.status_code == 422
    assert "problems in the first rows" in response.text
    assert await session.scalar(select(func.count()).select_from(DataSource)) == 0


async def test_ingesting_source_streams_progress(
    client: AsyncClient, session: AsyncSession
) -> None:
    user = await create_user(session)
    project = await create_project(session, owner=user)
    source = DataSource(
        project_id=project.id, name="Big", status=DataSourceStatus.INGESTING, rows_done=1200
    )
    session.add(source)
    await session.commit()
    await sign_in(client, user)

    async def finish() -> None:
        await asyncio.sleep(0.7)
        source.status = DataSourceStatus.FAILED
        source.error = {
            "message": "The file has invalid rows; nothing was loaded.",
            "errors": [{"row": 7, "column": "amount", "value": "x", "reason": "not an amount"}],
        }
        await session.commit()

    task = asyncio.create_task(finish())
    events = await client.get(f"/projects/{project.id}/sources/{source.id}/events")
    await task
    body = events.text
    assert "1,200 rows" in body.split("event: done")[0]
    done = body.split("event: done")[1]
    assert "nothing was loaded" in done and "not an amount" in done


async def test_preview_pickers_rerun_the_preview_with_the_choice(
    client: AsyncClient, session: AsyncSession
) -> None:
    base, headers = await _editor(client, session)
    # Two dates that read in either order, '.' decimals and no currency: nothing decides the tie.
    head = b"Date;Amount;Text;Memo\n01/02/2024;1.50;a;b\n03/04/2024;-2.00;c;d\n"

    async def preview(options: dict[str, object]) -> str:
        response = await client.post(
            f"{base}/sources/preflight",
            files={"head": ("f.csv", head, "text/csv")},
            data={"complete": "true", "options": json.dumps(options)},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        return response.text

    first = await preview({})
    # Ambiguous dates: the date format picker asks, the preview holds no upload-ready state.
    assert 'id="date-format"' in first and '<option value="" selected>' in first
    assert 'data-can-upload="false"' in first
    assert 'id="field-booking_date"' in first and 'id="decimal-separator"' in first
    chosen = await preview({"date_format": "%d/%m/%Y", "mapping": {"description": "Memo"}})
    assert '<option value="%d/%m/%Y" selected>' in chosen
    assert 'data-can-upload="true"' in chosen
    picker = chosen.split('id="field-description"')[1].split("</select>")[0]
    assert '<option value="Memo" selected>' in picker
    comma = await preview({"date_format": "%d/%m/%Y", "decimal_separator": ","})
    assert '<option value="," selected>' in comma and "not an amount" in comma


async def test_an_xlsx_upload_works_through_the_web(
    client: AsyncClient, session: AsyncSession
) -> None:
    from io import BytesIO

    from openpyxl import Workbook

    base, headers = await _editor(client, session)
    workbook = Workbook()
    workbook.active.append(["Date", "Amount", "Text"])
    workbook.active.append(["2024-03-01", 12.5, "a"])
    buffer = BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    preview = await client.post(
        f"{base}/sources/preflight",
        files={"head": ("export.xlsx", content, "application/octet-stream")},
        data={"complete": "true"},
        headers=headers,
    )
    hints = json.loads(preview.text.split('id="preflight-options">')[1].split("</script>")[0])
    assert "delimiter" not in hints and 'data-can-upload="true"' in preview.text
    response = await client.post(
        f"{base}/sources",
        data={"name": "Workbook", "options": json.dumps(hints)},
        files={"file": ("export.xlsx", content, "application/octet-stream")},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    for _ in range(100):
        source = await session.get(DataSource, response.json()["id"], populate_existing=True)
        assert source is not None
        if source.status != DataSourceStatus.INGESTING:
            break
        await asyncio.sleep(0.05)
    assert (source.status, source.row_count) == (DataSourceStatus.READY, 1), source.error
