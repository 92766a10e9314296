"""Exports: CSV streamed in keyset pages and formula-safe; XLSX written row by row, with quality."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

import tally.results.export as export
from tally.kit.db import Database, StatementCounter
from tally.models import ReconciliationJob
from tally.results.export import (
    COLUMNS,
    ExportFilter,
    copy_csv_chunks,
    csv_cell,
    export_tabs,
    page_csv_chunks,
)
from tally.results.schemas import ResultTab
from tests.helpers.records import Row
from tests.helpers.results import Reconciled, reconciled_job

# 7 matches of 2 records each, 5 unmatched on the left, 3 on the right.
ALL_ROWS = 7 * 2 + 5 + 3


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


async def test_csv_export_content(client: AsyncClient, reconciled: Reconciled) -> None:
    response = await client.get(
        reconciled.url("/export?format=csv"), headers=reconciled.viewer.headers
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="tally-job-{reconciled.job.id}-results.csv"'
    rows = _rows(response.text)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == ALL_ROWS
    assert [r["tab"] for r in rows].count("matched") == 2
    assert [r["tab"] for r in rows].count("review") == 10
    auto = [r for r in rows if r["tab"] == "matched"]
    assert {r["side"] for r in auto} == {"left", "right"}
    assert auto[0]["status"] == "auto" and auto[0]["rule"] == "reference"
    assert auto[0]["score"] == "0.98" and auto[0]["amount"] == "100.00"
    assert auto[0]["explanation"] == "reference equal; amount equal; booked 1 day earlier"
    assert auto[0]["match_id"] == auto[1]["match_id"] != ""

    by_record = {int(r["record_id"]): r for r in rows}
    fee = by_record[reconciled.left["fee"]]
    assert fee["tab"] == "unmatched_left" and fee["match_id"] == ""
    # Formula-like text is escaped; a negative amount is a plain number and is not.
    assert fee["description"] == '\'=HYPERLINK("http://evil.test","fee")'
    assert fee["amount"] == "-9.99"
    assert by_record[reconciled.right["inv9"]]["description"] == "'+cmd|' /C calc'!A0"
    assert by_record[reconciled.left["dup_a"]]["duplicate_group"] == str(reconciled.left["dup_a"])


async def test_csv_export_of_one_tab_and_filters(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    async def export_rows(query: str) -> list[dict[str, str]]:
        response = await client.get(
            reconciled.url(f"/export?{query}"), headers=reconciled.owner.headers
        )
        assert response.status_code == 200, response.text
        return _rows(response.text)

    assert {r["tab"] for r in await export_rows("tab=discrepancies")} == {"discrepancies"}
    duplicates = await export_rows("tab=duplicates")
    assert [int(r["record_id"]) for r in duplicates] == [
        reconciled.left["dup_a"],
        reconciled.left["dup_b"],
    ]
    # A rule filter leaves out records that are in no match.
    by_rule = await export_rows("rule=amount_date")
    assert len(by_rule) == 10 and {r["rule"] for r in by_rule} == {"amount_date"}
    small = await export_rows("tab=unmatched_left&max_amount=0")
    assert [int(r["record_id"]) for r in small] == [reconciled.left["fee"]]
    assert len(await export_rows("q=invoice")) == 4  # inv1 and inv2 pairs (ledger descriptions)


def test_formula_escaping_of_cells() -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("\tcmd") == "'\tcmd"
    assert csv_cell("\rcmd") == "'\rcmd"
    assert csv_cell("-12.50") == "-12.50"
    assert csv_cell("+ 73.01") == "+ 73.01"
    assert csv_cell("-1+1") == "'-1+1"
    assert csv_cell("plain") == "plain"
    assert csv_cell(None) == ""


async def test_csv_streams_in_keyset_pages(
    db: Database, reconciled: Reconciled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk is one page read when it is needed; the body never exists as a whole."""
    monkeypatch.setattr(export, "EXPORT_PAGE_SIZE", 2)
    async with db.sessionmaker() as session:
        job = await session.get(ReconciliationJob, reconciled.job.id)
    assert job is not None
    chunks = page_csv_chunks(db, job, export_tabs(None), ExportFilter())
    statements: list[int] = []
    sizes: list[int] = []
    with StatementCounter(db.engine) as counter:
        async for chunk in chunks:
            statements.append(counter.count)
            sizes.append(len(chunk.decode().splitlines()))
    assert statements == sorted(statements) and statements[-1] > statements[0]
    # Pages of at most 2 matches (4 rows) or 2 records: 4 + 1 + 1 + 3 + 2 + 2 + 1 data chunks.
    assert max(sizes) <= 4
    assert len(sizes) > 7
    assert sum(sizes) == ALL_ROWS


@pytest.mark.parametrize(
    "filters",
    [
        ExportFilter(),
        ExportFilter(rule="amount_date"),
        ExportFilter(min_amount=0, max_amount=1_000_000),
        ExportFilter(q="invoice"),
        ExportFilter(q="it's 100%_"),
    ],
)
async def test_copy_export_equals_the_page_export(
    db: Database,
    reconciled: Reconciled,
    backend: str,
    filters: ExportFilter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PostgreSQL streams the CSV with COPY in blocks of whole rows: byte for byte the rows the
    keyset pages give (formula escaping, money, scores, explanations, order), on every tab."""
    if backend != "postgresql":
        pytest.skip("COPY TO STDOUT is PostgreSQL's")
    monkeypatch.setattr(export, "COPY_BLOCK_ROWS", 3)
    async with db.sessionmaker() as session:
        job = await session.get(ReconciliationJob, reconciled.job.id)
    assert job is not None
    for tabs in (export_tabs(None), *((tab,) for tab in ResultTab)):
        pages = [c async for c in page_csv_chunks(db, job, tabs, filters)]
        blocks = [c async for c in copy_csv_chunks(db, job, tabs, filters)]
        assert b"".join(blocks) == b"".join(pages), tabs
        for block in blocks:  # whole rows of at most 3 records each
            assert len(list(csv.reader(io.StringIO(block.decode())))) <= 3
    assert len([c async for c in copy_csv_chunks(db, job, export_tabs(None), filters)]) > 1 or (
        filters.q is not None
    )


async def test_csv_response_is_streamed(client: AsyncClient, reconciled: Reconciled) -> None:
    async with client.stream(
        "GET", reconciled.url("/export"), headers=reconciled.owner.headers
    ) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers  # chunked, not a buffered body
        body = b"".join([chunk async for chunk in response.aiter_bytes()])
    assert len(_rows(body.decode())) == ALL_ROWS


async def test_xlsx_export(
    client: AsyncClient,
    reconciled: Reconciled,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = await client.get(
        reconciled.url("/export?format=xlsx"), headers=reconciled.viewer.headers
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"tally-job-{reconciled.job.id}-results.xlsx" in response.headers["content-disposition"]
    assert list(tmp_path.iterdir()) == []  # the temp file is gone once sent
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Results", "Quality", "Audit"]
    rows = list(workbook["Results"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == ALL_ROWS + 1
    by_record = {row[7]: dict(zip(COLUMNS, row, strict=False)) for row in rows[1:]}
    fee = by_record[reconciled.left["fee"]]
    assert fee["description"] == '\'=HYPERLINK("http://evil.test","fee")'
    assert fee["amount"] == pytest.approx(-9.99)  # a number cell, not text
    assert fee["booking_date"].date().isoformat() == "2026-01-21"
    quality = list(workbook["Quality"].iter_rows(values_only=True))
    assert quality[0][:3] == ("scope", "rule", "matches")
    assert quality[1][:3] == ("job", None, 7)
    assert [row[1] for row in quality[2:]] == ["reference", "amount_date"]


async def test_xlsx_continues_on_a_new_sheet_at_the_row_limit(
    client: AsyncClient, reconciled: Reconciled, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 10)
    monkeypatch.setattr(export, "EXPORT_PAGE_SIZE", 3)
    response = await client.get(
        reconciled.url(f"/export?format=xlsx&tab={ResultTab.REVIEW}"),
        headers=reconciled.owner.headers,
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Results", "Results 2", "Quality", "Audit"]
    counts = [
        len(list(workbook[name].iter_rows(values_only=True))) for name in workbook.sheetnames[:2]
    ]
    assert counts == [10, 1 + 1]  # 10 data rows of the review tab: 9 + 1, each sheet with header


# One pair each in yen, euro and dinar: each amount in its currency's own places (a fee of a
# hundredth of a cent keeps its digits), the same in CSV (pages and COPY), pairs and XLSX.
_CURRENCIES_BANK = {
    "yen": Row("JP-1", "2026-02-02", "1200", "Yen", "Kobe", currency="JPY"),
    "euro": Row("EU-1", "2026-02-02", "12.5", "Euro", "Lyon", currency="EUR"),
    "dinar": Row("BH-1", "2026-02-02", "1.25", "Dinar", "Manama", currency="BHD"),
    "rate": Row("EU-2", "2026-02-03", "0.0125", "Rate", "Lyon", currency="EUR"),
}
_CURRENCIES_LEDGER = {
    "yen": Row("JP-1", "2026-02-02", "1200", "Yen", "Kobe", currency="JPY"),
    "euro": Row("EU-1", "2026-02-02", "12.5", "Euro", "Lyon", currency="EUR"),
    "dinar": Row("BH-1", "2026-02-02", "1.25", "Dinar", "Manama", currency="BHD"),
}
_SHOWN = {"yen": "1200", "euro": "12.50", "dinar": "1.250", "rate": "0.0125"}


async def test_each_amount_is_exported_in_its_currencys_places(
    client: AsyncClient,
    session: AsyncSession,
    db: Database,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    world = await reconciled_job(session, db, bank=_CURRENCIES_BANK, ledger=_CURRENCIES_LEDGER)
    headers = world.owner.headers
    rows = _rows((await client.get(world.url("/export"), headers=headers)).text)
    by_record = {int(r["record_id"]): r for r in rows}
    for label, shown in _SHOWN.items():
        assert by_record[world.left[label]]["amount"] == shown, label
    for label in ("yen", "euro", "dinar"):
        assert by_record[world.right[label]]["amount"] == _SHOWN[label], label
    assert {
        by_record[world.left[label]]["amount_difference"] for label in ("yen", "euro", "dinar")
    } == {"0", "0.00", "0.000"}

    pairs = _rows((await client.get(world.url("/export?layout=pairs"), headers=headers)).text)
    assert {p["left_amount"] for p in pairs} == set(_SHOWN.values())

    if backend == "postgresql":  # the COPY path prints what the page path prints
        async with db.sessionmaker() as own:
            job = await own.get(ReconciliationJob, world.job.id)
        assert job is not None
        tabs = export_tabs(None)
        pages = [c async for c in page_csv_chunks(db, job, tabs, ExportFilter())]
        blocks = [c async for c in copy_csv_chunks(db, job, tabs, ExportFilter())]
        assert b"".join(blocks) == b"".join(pages)

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = await client.get(world.url("/export?format=xlsx"), headers=headers)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Results"]
    amount_at = COLUMNS.index("amount") + 1
    formats = {
        sheet.cell(row, COLUMNS.index("record_id") + 1).value: sheet.cell(row, amount_at)
        for row in range(2, sheet.max_row + 1)
    }
    for label, number_format in (
        ("yen", "0"),
        ("euro", "0.00"),
        ("dinar", "0.000"),
        ("rate", "0.0000"),
    ):
        cell = formats[world.left[label]]
        assert cell.number_format == number_format and isinstance(cell.value, (int, float)), label
