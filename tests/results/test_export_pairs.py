"""The pairs layout of the export: one row per pair, left and right side by side."""

from __future__ import annotations

import csv
import io

import openpyxl
from httpx import AsyncClient

from tally.results.export import COLUMNS, PAIR_COLUMNS, as_pairs
from tests.helpers.results import Reconciled
from tests.web.conftest import sign_in


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _record(tab: str, match_id: int | None, side: str, record_id: int) -> tuple[object, ...]:
    fields = dict.fromkeys(COLUMNS)
    fields.update(tab=tab, match_id=match_id, side=side, record_id=record_id, rule="r")
    return tuple(fields.values())


def test_as_pairs_puts_sides_side_by_side() -> None:
    rows = [
        _record("matched", 1, "left", 10),
        _record("matched", 1, "right", 20),
        _record("review", 2, "left", 11),  # one left against two rights
        _record("review", 2, "right", 21),
        _record("review", 2, "right", 22),
        _record("unmatched_left", None, "left", 12),
        _record("unmatched_left", None, "left", 13),
        _record("unmatched_right", None, "right", 23),
    ]
    pairs = [dict(zip(PAIR_COLUMNS, row, strict=True)) for row in as_pairs(rows)]
    assert [(p["match_id"], p["left_record_id"], p["right_record_id"]) for p in pairs] == [
        (1, 10, 20),
        (2, 11, 21),
        (2, None, 22),
        (None, 12, None),
        (None, 13, None),
        (None, None, 23),
    ]
    assert {p["rule"] for p in pairs} == {"r"}


async def test_csv_and_xlsx_pairs_through_the_api(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    headers = reconciled.viewer.headers
    response = await client.get(reconciled.url("/export?layout=pairs"), headers=headers)
    assert response.status_code == 200
    rows = _rows(response.text)
    assert list(rows[0]) == list(PAIR_COLUMNS)
    # 7 matches of one record a side, 5 unmatched on the left, 3 on the right.
    assert len(rows) == 7 + 5 + 3
    inv1 = next(r for r in rows if r["left_reference"] == "INV-1")
    assert inv1["right_reference"] == "INV-1" and inv1["tab"] == "matched"
    assert inv1["left_record_id"] == str(reconciled.left["inv1"])
    assert inv1["right_record_id"] == str(reconciled.right["inv1"])
    fee = next(r for r in rows if r["left_record_id"] == str(reconciled.left["fee"]))
    assert fee["right_record_id"] == "" and fee["left_amount"] == "-9.99"
    assert fee["left_description"].startswith("'=")  # still formula-safe

    workbook = await client.get(reconciled.url("/export?format=xlsx&layout=pairs"), headers=headers)
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)["Results"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == PAIR_COLUMNS and len(table) == 1 + 15


async def test_the_results_page_offers_the_pairs_export(
    client: AsyncClient, reconciled: Reconciled
) -> None:
    await sign_in(client, reconciled.viewer)
    base = f"/projects/{reconciled.project.id}/jobs/{reconciled.job.id}"
    page = await client.get(f"{base}/results")
    assert f'href="{base}/export.csv?layout=pairs"' in page.text
    response = await client.get(f"{base}/export.csv?layout=pairs")
    assert response.status_code == 200
    assert list(_rows(response.text)[0]) == list(PAIR_COLUMNS)
