"""Uploading files through the API: preflight, streaming upload, background ingestion."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.sources.repository import DataSourceRepository
from tests.helpers.projects import create_project
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for

DEMO = Path(__file__).resolve().parents[2] / "src" / "tally" / "demo"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "bank-samples"

GOOD_CSV = b"Date,Reference,Amount,Description\n2026-01-02,INV-1,100.00,First\n2026-01-03,INV-2,-5.5,Second\n"


async def _setup(session: AsyncSession) -> tuple[AuthedUser, int]:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    return owner, project.id


async def _upload(
    client: AsyncClient,
    user: AuthedUser,
    project_id: int,
    content: bytes,
    *,
    name: str = "bank",
    filename: str = "file.csv",
    options: dict[str, Any] | None = None,
) -> Any:
    return await client.post(
        f"/api/v1/projects/{project_id}/data-sources",
        files={"file": (filename, content, "application/octet-stream")},
        data={"name": name, "options": json.dumps(options or {})},
        headers=user.headers,
    )


async def test_upload_ingests_in_the_background(client: AsyncClient, session: AsyncSession) -> None:
    owner, project_id = await _setup(session)
    response = await _upload(client, owner, project_id, (DEMO / "bank_statement.csv").read_bytes())
    assert response.status_code == 202, response.text
    source = response.json()
    assert source["status"] == "ingesting"
    assert source["format"] == "csv"
    assert source["column_mapping"]["amount"] == "Betrag"

    url = f"/api/v1/projects/{project_id}/data-sources/{source['id']}"
    ready = await wait_for(client, url, owner.headers, until={"ready", "failed"})
    assert ready["status"] == "ready", ready
    assert ready["row_count"] == 176
    assert await DataSourceRepository(session).count_records(source["id"]) == 176

    listed = await client.get(f"/api/v1/projects/{project_id}/data-sources", headers=owner.headers)
    assert [s["status"] for s in listed.json()["items"]] == ["ready"]


async def test_gzip_csv_is_accepted(client: AsyncClient, session: AsyncSession) -> None:
    owner, project_id = await _setup(session)
    response = await _upload(
        client, owner, project_id, gzip.compress(GOOD_CSV), filename="x.csv.gz"
    )
    assert response.status_code == 202, response.text
    url = f"/api/v1/projects/{project_id}/data-sources/{response.json()['id']}"
    ready = await wait_for(client, url, owner.headers, until={"ready", "failed"})
    assert (ready["status"], ready["row_count"]) == ("ready", 2)


async def test_preflight_reports_rows_and_errors_and_stores_nothing(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, project_id = await _setup(session)
    content = b"Date;Amount;Text\n01.02.2026;1.234,56;ok\n02.02.2026;abc;bad amount\n"
    response = await client.post(
        f"/api/v1/projects/{project_id}/data-sources/preflight",
        files={"file": ("head.csv", content, "text/csv")},
        data={"complete": "true"},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["format"], body["delimiter"], body["decimal_separator"]) == ("csv", ";", ",")
    assert body["mapping"]["amount"] == "Amount"
    assert body["ok"] is False
    assert [(e["row"], e["column"], e["value"]) for e in body["errors"]] == [(2, "Amount", "abc")]
    listed = await client.get(f"/api/v1/projects/{project_id}/data-sources", headers=owner.headers)
    assert listed.json()["items"] == []


async def test_bad_first_rows_are_refused_before_upload_is_accepted(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, project_id = await _setup(session)
    content = b"Date,Amount\n2026-01-01,10.00\n2026-13-45,11.00\n"
    response = await _upload(client, owner, project_id, content)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidFile"
    assert body["errors"][0]["row"] == 2
    assert body["errors"][0]["column"] == "Date"
    listed = await client.get(f"/api/v1/projects/{project_id}/data-sources", headers=owner.headers)
    assert listed.json()["items"] == []


async def test_a_bad_row_deep_in_the_file_rejects_it_whole(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, project_id = await _setup(session)
    rows = [f"2026-01-01,{i}.00,ref{i}" for i in range(1, 3000)]
    rows.insert(2500, "2026-01-01,12.345.67,broken")  # after the first 100 rows preflight checks
    content = ("Date,Amount,Reference\n" + "\n".join(rows) + "\n").encode()
    response = await _upload(client, owner, project_id, content)
    assert response.status_code == 202, response.text
    url = f"/api/v1/projects/{project_id}/data-sources/{response.json()['id']}"
    failed = await wait_for(client, url, owner.headers, until={"ready", "failed"})
    assert failed["status"] == "failed"
    assert failed["row_count"] == 0
    assert failed["error"]["errors"][0]["row"] == 2501
    assert failed["error"]["errors"][0]["column"] == "Amount"
    assert await DataSourceRepository(session).count_records(failed["id"]) == 0


async def test_on_error_skip_loads_the_rest_and_offers_the_skipped_rows(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, project_id = await _setup(session)
    content = b"Date,Amount\n2026-01-01,10.00\n2026-01-02,oops\n2026-01-03,=1+2\n2026-01-04,12.00\n"
    response = await _upload(client, owner, project_id, content, options={"on_error": "skip"})
    assert response.status_code == 202, response.text
    url = f"/api/v1/projects/{project_id}/data-sources/{response.json()['id']}"
    ready = await wait_for(client, url, owner.headers, until={"ready", "failed"})
    assert (ready["status"], ready["row_count"], ready["skipped_count"]) == ("ready", 2, 2)
    skipped = await client.get(f"{url}/skipped", headers=owner.headers)
    assert skipped.status_code == 200
    text = skipped.text
    assert text.splitlines()[0] == "row,reasons,Date,Amount"
    assert "oops" in text
    assert "'=1+2" in text  # formula-escaped for spreadsheets


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"Date,Amount\n", "no data"),
        (bytes(range(256)) * 64, "binary"),
    ],
    ids=["empty", "header-only", "binary"],
)
async def test_bad_files_get_a_clear_4xx_and_nothing_is_written(
    client: AsyncClient, session: AsyncSession, content: bytes, fragment: str
) -> None:
    owner, project_id = await _setup(session)
    response = await _upload(client, owner, project_id, content)
    assert response.status_code in (400, 422), response.text
    assert fragment in response.text.lower()
    listed = await client.get(f"/api/v1/projects/{project_id}/data-sources", headers=owner.headers)
    assert listed.json()["items"] == []


async def test_upload_over_the_size_limit_is_413(
    client: AsyncClient, session: AsyncSession, test_settings: Any
) -> None:
    owner, project_id = await _setup(session)
    limit = test_settings.max_upload_bytes
    test_settings.max_upload_bytes = 1000
    try:
        response = await _upload(client, owner, project_id, GOOD_CSV * 100)
    finally:
        test_settings.max_upload_bytes = limit
    assert response.status_code == 413
    assert response.json()["error"] == "UploadTooLarge"


async def test_statement_upload_checks_balances(client: AsyncClient, session: AsyncSession) -> None:
    sample = SAMPLES / "kedder__ofxstatement-iso20022__davider80.xml"
    if not sample.exists():
        pytest.skip("shared bank samples not present")
    owner, project_id = await _setup(session)
    response = await _upload(
        client, owner, project_id, sample.read_bytes(), filename="statement.xml"
    )
    assert response.status_code == 202, response.text
    assert response.json()["format"].startswith("camt")
    url = f"/api/v1/projects/{project_id}/data-sources/{response.json()['id']}"
    ready = await wait_for(client, url, owner.headers, until={"ready", "failed"})
    assert ready["status"] == "ready", ready
    statements = ready["statement"]["statements"]
    assert statements and all(s["balance"]["status"] == "balanced" for s in statements)


async def test_deleting_a_source_removes_its_records(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, project_id = await _setup(session)
    response = await _upload(client, owner, project_id, GOOD_CSV)
    url = f"/api/v1/projects/{project_id}/data-sources/{response.json()['id']}"
    await wait_for(client, url, owner.headers, until={"ready"})
    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert (await client.get(url, headers=owner.headers)).status_code == 404
    assert await DataSourceRepository(session).count_records(response.json()["id"]) == 0
