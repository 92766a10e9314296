"""Uploads cannot expand without limit: gzip and XLSX bombs, expanded bytes, columns and rows per
source are refused with an error naming the limit, before the parsers run."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest
from httpx import AsyncClient
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.db import Database
from tally.sources.limits import (
    ExpansionTooLarge,
    SourceLimits,
    TooManyColumns,
    check_upload,
)
from tests.helpers.apps import running_app, settings_with
from tests.helpers.projects import create_project
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for

LIMITS = SourceLimits(
    max_expanded_bytes=10**9, max_ratio=200, max_sheet_bytes=10**9, max_columns=1000
)


def _csv(rows: int) -> bytes:
    lines = ["Date,Amount,Reference"] + [
        f"2026-01-{1 + n % 28:02d},{n}.{n % 100:02d},REF-{n}" for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def _gzip_bomb() -> bytes:
    return gzip.compress(b"2026-01-01,1.00,SAME\n" * 3_000_000, compresslevel=9)  # 63 MB


def _xlsx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c><v>1</v></c>" * 2_000_000)
    return buffer.getvalue()


def test_a_gzip_bomb_is_refused_from_its_first_megabytes() -> None:
    with pytest.raises(ExpansionTooLarge, match="TALLY_MAX_COMPRESSION_RATIO"):
        check_upload(_gzip_bomb(), None, LIMITS)
    check_upload(gzip.compress(_csv(50_000)), None, LIMITS)  # a real export compresses ~5:1


def test_xlsx_parts_are_judged_by_their_declared_sizes() -> None:
    with pytest.raises(ExpansionTooLarge, match="TALLY_MAX_COMPRESSION_RATIO"):
        check_upload(_xlsx_bomb(), None, LIMITS)
    small_sheets = SourceLimits(10**9, 10**6, 1_000_000, 1000)
    with pytest.raises(ExpansionTooLarge, match="TALLY_MAX_SHEET_BYTES"):
        check_upload(_xlsx_bomb(), None, small_sheets)


def test_a_header_of_100k_columns_is_refused() -> None:
    wide = (",".join(f"c{n}" for n in range(100_000)) + "\n1\n").encode()
    with pytest.raises(TooManyColumns, match="100000 columns"):
        check_upload(wide, None, LIMITS)
    with pytest.raises(TooManyColumns):
        check_upload(gzip.compress(wide), None, LIMITS)
    # A title and a key/value preamble above the header (where preflight looks for it) too.
    with pytest.raises(TooManyColumns, match="100000 columns"):
        check_upload(b"Account statement\nPeriod;January 2026\n" + wide, None, LIMITS)
    check_upload(_csv(10), None, LIMITS)


def _workbook(*rows: list[object]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Statement")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_of_16k_columns_is_refused_before_it_is_read() -> None:
    """A 130 KB workbook of 16,384 columns kept preflight busy for minutes before its header was
    counted; the sheet's first rows are counted from the zip instead, below a title too."""
    header = [f"c{n}" for n in range(16_384)]
    with pytest.raises(TooManyColumns, match="16384 columns"):
        check_upload(_workbook(header, [1] * 16_384), None, LIMITS)
    with pytest.raises(TooManyColumns, match="16384 columns"):
        check_upload(_workbook(["Account statement"], [], header), None, LIMITS)
    # One cell far to the right makes every row that wide once read.
    with pytest.raises(TooManyColumns, match="5000 columns"):
        check_upload(_workbook(["Date", *[None] * 4_998, "Amount"]), None, LIMITS)
    check_upload(_workbook(["Date", "Amount"], ["2026-01-02", 1.5]), None, LIMITS)


async def _upload(
    client: AsyncClient, user: AuthedUser, project_id: int, name: str, body: bytes, path: str = ""
) -> tuple[int, dict[str, object]]:
    response = await client.post(
        f"/api/v1/projects/{project_id}/data-sources{path}",
        files={"file": (name, body)},
        data={"complete": "true"},
        headers=user.headers,
    )
    return response.status_code, response.json()


async def test_uploads_and_preflight_refuse_bombs_and_wide_files(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    status, body = await _upload(client, owner, project.id, "bomb.csv.gz", _gzip_bomb())
    assert status == 413 and body["error"] == "ExpansionTooLarge", body
    status, body = await _upload(client, owner, project.id, "bomb.xlsx", _xlsx_bomb())
    assert status == 413 and body["error"] == "ExpansionTooLarge", body
    wide = (",".join(f"c{n}" for n in range(5_000)) + "\n").encode() * 2
    for path in ("", "/preflight"):
        status, body = await _upload(client, owner, project.id, "wide.csv", wide, path)
        assert status == 422 and body["error"] == "TooManyColumns", (path, body)
        assert "TALLY_MAX_COLUMNS" in str(body["detail"])
    listed = await client.get(f"/api/v1/projects/{project.id}/data-sources", headers=owner.headers)
    assert listed.json()["items"] == []  # nothing was stored


async def test_expanded_bytes_and_rows_per_source_are_configurable(
    db: Database, test_settings: Settings, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    settings = settings_with(
        test_settings, TALLY_MAX_EXPANDED_BYTES=200_000, TALLY_MAX_SOURCE_ROWS=1_000
    )
    async with running_app(db, settings) as (_, client):
        status, body = await _upload(
            client, owner, project.id, "big.csv.gz", gzip.compress(_csv(20_000))
        )
        assert status == 413 and "TALLY_MAX_EXPANDED_BYTES" in str(body["detail"]), body
        status, body = await _upload(client, owner, project.id, "rows.csv", _csv(3_000))
        assert status == 202, body
        url = f"/api/v1/projects/{project.id}/data-sources/{body['id']}"
        source = await wait_for(client, url, owner.headers, until={"ready", "failed"})
        assert source["status"] == "failed"
        assert "TALLY_MAX_SOURCE_ROWS" in str(source["error"]), source
        status, body = await _upload(client, owner, project.id, "fits.csv", _csv(900))
        assert status == 202
        url = f"/api/v1/projects/{project.id}/data-sources/{body['id']}"
        assert (await wait_for(client, url, owner.headers, until={"ready", "failed"}))[
            "status"
        ] == "ready"
