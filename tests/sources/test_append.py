"""Appending a file to an existing data source: only rows it does not hold yet are added."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import DataSourceStatus, Project, Record
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "bank-samples"
OFX_SAMPLE = SAMPLES / "jseutter__ofxparse__bank_medium.ofx"

HEADER = "Date,Reference,Amount,Description\n"
JANUARY = HEADER + "2026-01-02,INV-1,100.00,First\n2026-01-03,INV-2,-5.50,Second\n"
OVERLAP = HEADER + "2026-01-03,INV-2,-5.50,Second\n2026-01-04,INV-3,7.25,Third\n"


class Api:
    def __init__(self, client: AsyncClient, user: AuthedUser, project_id: int) -> None:
        self.client = client
        self.user = user
        self.project_id = project_id
        self.base = f"/api/v1/projects/{project_id}/data-sources"

    async def upload(self, content: bytes, **fields: str) -> dict[str, Any]:
        response = await self.client.post(
            self.base,
            files={"file": ("file", content, "application/octet-stream")},
            data={"name": "bank", **fields},
            headers=self.user.headers,
        )
        assert response.status_code == 202, response.text
        return await self.finished(f"{self.base}/{response.json()['id']}")

    async def append(self, source_id: int, content: bytes, **fields: str) -> dict[str, Any]:
        response = await self.post_append(source_id, content, **fields)
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "ingesting"
        return await self.finished(f"{self.base}/{source_id}/appends/{response.json()['id']}")

    async def post_append(self, source_id: int, content: bytes, **fields: str) -> Any:
        return await self.client.post(
            f"{self.base}/{source_id}/append",
            files={"file": ("more", content, "application/octet-stream")},
            data=fields,
            headers=self.user.headers,
        )

    async def source(self, source_id: int) -> dict[str, Any]:
        response = await self.client.get(f"{self.base}/{source_id}", headers=self.user.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def finished(self, url: str) -> dict[str, Any]:
        return await wait_for(self.client, url, self.user.headers, until={"ready", "failed"})


async def _api(client: AsyncClient, session: AsyncSession) -> Api:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    return Api(client, owner, project.id)


async def _records(session: AsyncSession, source_id: int) -> list[tuple[int, str | None, int]]:
    rows = await session.execute(
        select(Record.row_number, Record.reference, Record.amount)
        .where(Record.data_source_id == source_id)
        .order_by(Record.row_number)
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def test_append_adds_only_the_new_rows(client: AsyncClient, session: AsyncSession) -> None:
    api = await _api(client, session)
    source = await api.upload(JANUARY.encode())
    assert source["row_count"] == 2

    append = await api.append(source["id"], OVERLAP.encode())
    assert append["status"] == "ready", append
    assert (append["rows_read"], append["rows_added"], append["rows_already_imported"]) == (2, 1, 1)
    after = await api.source(source["id"])
    assert (after["status"], after["row_count"]) == ("ready", 3)
    # The new row is numbered after the source's last one; the old rows are untouched.
    assert await _records(session, source["id"]) == [
        (1, "INV-1", 1_000_000),
        (2, "INV-2", -55_000),
        (3, "INV-3", 72_500),
    ]
    listed = await client.get(f"{api.base}/{source['id']}/appends", headers=api.user.headers)
    assert [a["rows_added"] for a in listed.json()["items"]] == [1]


async def test_the_same_file_twice_adds_nothing(client: AsyncClient, session: AsyncSession) -> None:
    if not OFX_SAMPLE.exists():
        pytest.skip("the shared bank samples are not beside the repository")
    api = await _api(client, session)
    # A real OFX statement: rows are identified by their FITID.
    content = OFX_SAMPLE.read_bytes()
    source = await api.upload(content)
    assert source["status"] == "ready" and source["row_count"] > 0, source

    append = await api.append(source["id"], content)
    assert (append["rows_added"], append["rows_already_imported"]) == (0, source["row_count"])
    assert (await api.source(source["id"]))["row_count"] == source["row_count"]

    csv = await api.upload(JANUARY.encode())  # no transaction ids: identified by content
    again = await api.append(csv["id"], JANUARY.encode())
    assert (again["rows_added"], again["rows_already_imported"]) == (0, 2)


async def test_identical_genuine_rows_are_counted_by_occurrence(
    client: AsyncClient, session: AsyncSession
) -> None:
    api = await _api(client, session)
    payment = "2026-02-01,RENT,-800.00,Rent\n"
    source = await api.upload((HEADER + payment * 2 + "2026-02-02,X,1.00,Other\n").encode())
    assert source["row_count"] == 3

    append = await api.append(source["id"], (HEADER + payment * 3).encode())
    # The source holds the payment twice, the file three times: one of them is new.
    assert (append["rows_added"], append["rows_already_imported"]) == (1, 2)
    references = [r[1] for r in await _records(session, source["id"])]
    assert references.count("RENT") == 3


async def test_the_user_can_import_every_row_anyway(
    client: AsyncClient, session: AsyncSession
) -> None:
    api = await _api(client, session)
    source = await api.upload(JANUARY.encode())
    append = await api.append(source["id"], OVERLAP.encode(), include_duplicates="true")
    assert append["include_duplicates"] is True
    assert (append["rows_added"], append["rows_already_imported"]) == (2, 1)
    assert (await api.source(source["id"]))["row_count"] == 4


async def test_preflight_says_how_many_rows_are_new(
    client: AsyncClient, session: AsyncSession
) -> None:
    api = await _api(client, session)
    source = await api.upload(JANUARY.encode())
    more = OVERLAP + "2026-01-05,INV-4,1.00,Fourth\n"
    response = await client.post(
        f"{api.base}/{source['id']}/append/preflight",
        files={"file": ("more.csv", more.encode(), "text/csv")},
        data={"complete": "true"},
        headers=api.user.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["duplicates"] == {
        "new": 2,
        "already_imported": 1,
        "rows_checked": 3,
        "whole_file": True,
    }
    assert body["ok"] is True
    # The head of a bigger file: counted up to the cut, and said so.
    head = await client.post(
        f"{api.base}/{source['id']}/append/preflight",
        files={"file": ("more.csv", more.encode()[:-10], "text/csv")},
        data={"complete": "false"},
        headers=api.user.headers,
    )
    assert head.json()["duplicates"] == {
        "new": 1,
        "already_imported": 1,
        "rows_checked": 2,
        "whole_file": False,
    }
    assert (await api.source(source["id"]))["row_count"] == 2  # nothing stored


async def test_a_failed_append_leaves_the_source_as_it_was(
    client: AsyncClient, session: AsyncSession
) -> None:
    api = await _api(client, session)
    source = await api.upload(JANUARY.encode())
    before = await _records(session, source["id"])
    # The first 100 rows are fine (so the file is accepted); row 150 is not.
    rows = [f"2026-03-{1 + n % 28:02d},R{n},{n}.00,Row {n}\n" for n in range(200)]
    rows[149] = "2026-03-01,R149,not money,Bad\n"
    append = await api.append(source["id"], (HEADER + "".join(rows)).encode())
    assert append["status"] == "failed", append
    assert append["error"]["errors"][0]["row"] == 150
    after = await api.source(source["id"])
    assert (after["status"], after["row_count"]) == ("ready", 2)
    assert await _records(session, source["id"]) == before


async def test_appending_reuses_the_sources_mapping_and_needs_a_ready_source(
    client: AsyncClient, session: AsyncSession
) -> None:
    api = await _api(client, session)
    # Columns the detector would not map: the source was uploaded with an explicit mapping.
    mapping = {"booking_date": "When", "amount": "Sum", "reference": "Code"}
    content = "When,Sum,Code\n2026-04-01,1.00,A\n"
    source = await api.upload(content.encode(), options=json.dumps({"mapping": mapping}))
    assert source["status"] == "ready", source
    append = await api.append(source["id"], (content + "2026-04-02,2.00,B\n").encode())
    assert (append["rows_added"], append["rows_already_imported"]) == (1, 1)

    owner = await session.get(Project, api.project_id)
    assert owner is not None
    failed = await create_data_source(session, project=owner, status=DataSourceStatus.FAILED)
    refused = await api.post_append(failed.id, JANUARY.encode())
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "SourceBusy"


async def test_skipped_rows_of_an_append_are_counted_and_downloadable(
    client: AsyncClient, session: AsyncSession
) -> None:
    api = await _api(client, session)
    source = await api.upload(JANUARY.encode())
    more = OVERLAP + "2026-01-06,INV-5,not money,Bad\n"
    append = await api.append(source["id"], more.encode(), options=json.dumps({"on_error": "skip"}))
    assert (append["status"], append["rows_added"], append["skipped_count"]) == ("ready", 1, 1)
    skipped = await client.get(
        f"{api.base}/{source['id']}/appends/{append['id']}/skipped", headers=api.user.headers
    )
    assert skipped.status_code == 200
    assert "not money" in skipped.text
    assert (await api.source(source["id"]))["row_count"] == 3
