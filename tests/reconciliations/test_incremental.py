"""State that persists across jobs, and incremental jobs over sources that grow by appends."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.reconciliations import (
    BANK,
    LEDGER,
    Ledgers,
    append_rows,
    ids_by_reference,
    run_job,
    two_sources,
)
from tests.helpers.records import Row

# Day 2: invoice 4 is paid, invoice 5 appears on both sides.
BANK_APPEND = [
    Row("INV-4", "2026-01-05", "500.00", "Payment INV-4", "Hooli"),
    Row("INV-5", "2026-01-06", "42.00", "Payment INV-5", "Umbrella"),
]
LEDGER_APPEND = [Row("INV-5", "2026-01-05", "42.00", "Invoice 5", "Umbrella")]


async def _get(client: AsyncClient, world: Ledgers, path: str) -> Any:
    response = await client.get(f"{world.url}{path}", headers=world.editor.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _post(
    client: AsyncClient, world: Ledgers, path: str, body: Any = None, status: int = 200
) -> Any:
    response = await client.post(f"{world.url}{path}", json=body, headers=world.editor.headers)
    assert response.status_code == status, response.text
    return response.json()


async def _matches(client: AsyncClient, world: Ledgers, job_id: int, tab: str) -> list[Any]:
    body = await _get(client, world, f"/jobs/{job_id}/matches?tab={tab}&per_page=200")
    return list(body["items"])


def _pair(match: dict[str, Any]) -> tuple[str, str]:
    return (
        ",".join(sorted(r["reference"] for r in match["left"])),
        ",".join(sorted(r["reference"] for r in match["right"])),
    )


async def _open(client: AsyncClient, world: Ledgers, reconciliation_id: int) -> dict[str, Any]:
    body = await _get(client, world, f"/reconciliations/{reconciliation_id}/open-items")
    return {(i["record"]["side"], i["record"]["reference"]): i for i in body["items"]}


async def test_incremental_job_matches_open_items_and_appended_rows_only(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    assert first["status"] == "completed" and first["mode"] == "full"
    reconciliation_id = first["reconciliation_id"]
    state = await _get(client, world, f"/reconciliations/{reconciliation_id}")
    assert (state["left_row_watermark"], state["right_row_watermark"]) == (4, 4)
    assert (state["open_left"], state["open_right"], state["latest_job_id"]) == (2, 2, first["id"])
    assert state["ageing"][0] == {"label": "0-7 days", "left": 2, "right": 2}
    assert sum(b["left"] + b["right"] for b in state["ageing"]) == 4
    opened = await _open(client, world, reconciliation_id)
    assert set(opened) == {
        ("left", "TRF"),
        ("left", "FEE"),
        ("right", "XFER"),
        ("right", "INV-4"),
    }
    assert {item["first_job_id"] for item in opened.values()} == {first["id"]}

    await append_rows(session, world.bank, BANK_APPEND)
    await append_rows(session, world.ledger, LEDGER_APPEND)
    second = await run_job(client, world, "incremental")
    assert second["status"] == "completed", second["error"]
    assert second["reconciliation_id"] == reconciliation_id
    summary = second["summary"]
    # Scope: the open items and the appended rows only; the four settled records stay out.
    assert summary["scope"] == {"left": 4, "right": 3}
    assert summary["settled_before"] == {"left": 2, "right": 2}
    matched = await _matches(client, world, second["id"], "matched")
    assert sorted(_pair(m) for m in matched) == [
        ("INV-4", "INV-4"),
        ("INV-5", "INV-5"),
    ]
    review = await _matches(client, world, second["id"], "review")
    assert [_pair(m) for m in review] == [("TRF", "XFER")]  # still waiting for a reviewer
    # The job's figures describe whole sources; its unmatched tabs list its scope's only.
    assert (summary["left"]["records"], summary["left"]["claimed"]) == (6, 5)
    unmatched_left = await _get(client, world, f"/jobs/{second['id']}/records?tab=unmatched_left")
    assert [r["reference"] for r in unmatched_left["items"]] == ["FEE"]
    assert unmatched_left["total"] == 1
    unmatched_right = await _get(client, world, f"/jobs/{second['id']}/records?tab=unmatched_right")
    assert unmatched_right["total"] == 0 and unmatched_right["items"] == []

    opened = await _open(client, world, reconciliation_id)
    assert set(opened) == {("left", "TRF"), ("left", "FEE"), ("right", "XFER")}
    # An open item keeps the date (and the job) it was first seen by.
    assert opened[("left", "FEE")]["first_job_id"] == first["id"]
    state = await _get(client, world, f"/reconciliations/{reconciliation_id}")
    assert (state["left_row_watermark"], state["right_row_watermark"]) == (6, 5)

    # Nothing new: an incremental job only proposes the pending suggestion again.
    third = await run_job(client, world, "incremental")
    assert third["summary"]["scope"] == {"left": 2, "right": 1}
    assert await _matches(client, world, third["id"], "matched") == []


async def test_decisions_carry_forward_and_rejected_proposals_never_return(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    reconciliation_id = first["reconciliation_id"]
    bank = await ids_by_reference(session, world.bank)
    ledger = await ids_by_reference(session, world.ledger)
    by_pair = {
        _pair(m): m
        for tab in ("matched", "review")
        for m in await _matches(client, world, first["id"], tab)
    }
    # Reject the suggested transfer and the automatic INV-1 match; match fee and invoice 4 by hand.
    transfer = by_pair[("TRF", "XFER")]["id"]
    inv1 = by_pair[("INV-1", "INV-1")]["id"]
    await _post(client, world, f"/jobs/{first['id']}/matches/{transfer}/reject")
    await _post(client, world, f"/jobs/{first['id']}/matches/{inv1}/reject")
    await _post(
        client,
        world,
        f"/jobs/{first['id']}/matches",
        {"left_record_ids": [bank["FEE"]], "right_record_ids": [ledger["INV-4"]]},
        status=201,
    )
    state = await _get(client, world, f"/reconciliations/{reconciliation_id}")
    assert state["rejected_pairs"] == 2
    assert set(await _open(client, world, reconciliation_id)) == {
        ("left", "TRF"),
        ("left", "INV-1"),
        ("right", "XFER"),
        ("right", "INV-1"),
    }

    second = await run_job(client, world, "incremental")
    assert second["summary"]["scope"] == {"left": 2, "right": 2}
    # Neither rejected proposal is made again; the manual match keeps its records settled.
    for tab in ("matched", "review", "discrepancies"):
        assert await _matches(client, world, second["id"], tab) == []
    assert set(await _open(client, world, reconciliation_id)) == {
        ("left", "TRF"),
        ("left", "INV-1"),
        ("right", "XFER"),
        ("right", "INV-1"),
    }
    # A full re-run does not propose them either.
    third = await run_job(client, world, "full")
    pairs = [
        _pair(m)
        for tab in ("matched", "review", "discrepancies")
        for m in await _matches(client, world, third["id"], tab)
    ]
    assert ("TRF", "XFER") not in pairs and ("INV-1", "INV-1") not in pairs
    assert ("INV-2", "INV-2") in pairs


async def test_a_confirmation_settles_its_records_for_every_job(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    second = await run_job(client, world, "incremental")
    # The transfer is proposed again by the second job (it was pending): confirm it there.
    [proposal] = await _matches(client, world, second["id"], "review")
    await _post(client, world, f"/jobs/{second['id']}/matches/{proposal['id']}/confirm")
    # The first job's proposal of the same records can no longer be confirmed: they are settled.
    [older] = await _matches(client, world, first["id"], "review")
    response = await client.post(
        f"{world.url}/jobs/{first['id']}/matches/{older['id']}/confirm",
        headers=world.editor.headers,
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "RecordsSettled"
    third = await run_job(client, world, "incremental")
    assert third["summary"]["scope"] == {"left": 1, "right": 1}  # the fee and invoice 4
    assert third["summary"]["settled_before"] == {"left": 3, "right": 3}


async def test_unsettle_returns_a_matchs_records_to_the_open_items(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    reconciliation_id = first["reconciliation_id"]
    bank = await ids_by_reference(session, world.bank)
    ledger = await ids_by_reference(session, world.ledger)
    base = f"/reconciliations/{reconciliation_id}/records"
    outcome = await _post(
        client, world, f"{base}/{bank['INV-1']}/unsettle", {"reason": "paid twice?"}
    )
    assert outcome["reopened_record_ids"] == sorted([bank["INV-1"], ledger["INV-1"]])
    assert outcome["job_id"] == first["id"]
    opened = await _open(client, world, reconciliation_id)
    assert {("left", "INV-1"), ("right", "INV-1")} <= set(opened)
    audit = await _get(client, world, f"/jobs/{first['id']}/audit")
    [event] = [e for e in audit["items"] if e["action"] == "record.unsettled"]
    assert event["detail"]["reason"] == "paid twice?"
    assert event["detail"]["match_id"] == outcome["match_id"]
    assert event["actor_id"] == world.editor.id

    # An open record has nothing to unsettle; a viewer-less editor check is the matrix's job.
    response = await client.post(
        f"{world.url}{base}/{bank['FEE']}/unsettle",
        json={"reason": "x"},
        headers=world.editor.headers,
    )
    assert response.status_code == 409 and response.json()["error"] == "RecordNotSettled"

    # The next incremental job matches the reopened records again (they were not rejected).
    second = await run_job(client, world, "incremental")
    matched = await _matches(client, world, second["id"], "matched")
    assert [_pair(m) for m in matched] == [("INV-1", "INV-1")]


async def test_a_full_rerun_matches_again_all_but_what_people_settled(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    reconciliation_id = first["reconciliation_id"]
    bank = await ids_by_reference(session, world.bank)
    ledger = await ids_by_reference(session, world.ledger)
    [transfer] = await _matches(client, world, first["id"], "review")
    await _post(client, world, f"/jobs/{first['id']}/matches/{transfer['id']}/confirm")
    await _post(
        client,
        world,
        f"/jobs/{first['id']}/matches",
        {"left_record_ids": [bank["FEE"]], "right_record_ids": [ledger["INV-4"]]},
        status=201,
    )
    assert await _open(client, world, reconciliation_id) == {}

    second = await run_job(client, world, "full")
    assert second["status"] == "completed", second["error"]
    # The automatic matches are made again; the confirmed and the manual ones are carried.
    assert second["summary"]["scope"] == {"left": 2, "right": 2}
    assert second["summary"]["settled_before"] == {"left": 2, "right": 2}
    matched = await _matches(client, world, second["id"], "matched")
    assert sorted(_pair(m) for m in matched) == [("INV-1", "INV-1"), ("INV-2", "INV-2")]
    assert await _matches(client, world, second["id"], "review") == []
    for tab in ("unmatched_left", "unmatched_right"):
        records = await _get(client, world, f"/jobs/{second['id']}/records?tab={tab}")
        assert (records["total"], records["items"]) == (0, [])
    left = second["summary"]["left"]
    assert (left["records"], left["claimed"], left["matched"]) == (4, 4, 4)
    assert await _open(client, world, reconciliation_id) == {}

    # Undoing the manual match (in its job) makes its records open items for the next job.
    [manual] = [
        m for m in await _matches(client, world, first["id"], "matched") if m["rule"] == "manual"
    ]
    await _post(client, world, f"/jobs/{first['id']}/matches/{manual['id']}/reject")
    assert set(await _open(client, world, reconciliation_id)) == {
        ("left", "FEE"),
        ("right", "INV-4"),
    }
    third = await run_job(client, world, "full")
    assert third["summary"]["settled_before"] == {"left": 1, "right": 1}  # the transfer


async def test_an_incremental_job_adds_its_unsettled_appended_rows_and_drops_what_it_settled(
    client: AsyncClient, session: AsyncSession
) -> None:
    """The open items move by the run's changes only: an appended row nothing settles joins
    them first seen by this job, a carried item the run settles leaves, and the carried items
    still open keep their first job."""
    world = await two_sources(session, BANK, LEDGER)
    first = await run_job(client, world, "full")
    reconciliation_id = first["reconciliation_id"]
    await append_rows(
        session, world.bank, [*BANK_APPEND, Row("FEE-2", "2026-01-07", "-3.50", "Bank fee", "Bank")]
    )
    await append_rows(session, world.ledger, LEDGER_APPEND)
    second = await run_job(client, world, "incremental")
    assert second["status"] == "completed", second["error"]
    assert second["summary"]["scope"] == {"left": 5, "right": 3}
    opened = await _open(client, world, reconciliation_id)
    assert set(opened) == {
        ("left", "TRF"),
        ("left", "FEE"),
        ("left", "FEE-2"),
        ("right", "XFER"),
    }
    assert opened[("left", "FEE-2")]["first_job_id"] == second["id"]
    assert {opened[key]["first_job_id"] for key in opened if key[1] != "FEE-2"} == {first["id"]}
    state = await _get(client, world, f"/reconciliations/{reconciliation_id}")
    assert (state["open_left"], state["open_right"]) == (3, 1)
    assert (state["left_row_watermark"], state["right_row_watermark"]) == (7, 5)
    # The next job carries exactly those open items, nothing else.
    third = await run_job(client, world, "incremental")
    assert third["summary"]["scope"] == {"left": 3, "right": 1}


# Two currencies: yen and euro invoices pay on day 1, one of each stays open; day 2 adds euros.
_MIXED_BANK = [
    Row("JP-1", "2026-02-02", "1200", "Yen", "Kobe", currency="JPY"),
    Row("EU-1", "2026-02-02", "12.5", "Euro", "Lyon", currency="EUR"),
    Row("EU-9", "2026-02-09", "7.25", "Open", "Nice", currency="EUR"),
]
_MIXED_LEDGER = [
    Row("JP-1", "2026-02-02", "1200", "Yen", "Kobe", currency="JPY"),
    Row("EU-1", "2026-02-02", "12.5", "Euro", "Lyon", currency="EUR"),
    Row("JP-9", "2026-02-12", "300", "Open", "Nara", currency="JPY"),
]
_MIXED_APPEND = [Row("EU-2", "2026-02-15", "20.00", "Euro 2", "Metz", currency="EUR")]


async def test_an_incremental_job_keeps_each_currencys_figures_like_a_full_job(
    client: AsyncClient, session: AsyncSession
) -> None:
    """The records settled before an incremental run join their own currency's figures: the
    run's scope holds only euros on the bank side, yet the yen settled on day 1 stay in the yen
    figures, and the summary equals a full job's over the same records."""
    world = await two_sources(session, _MIXED_BANK, _MIXED_LEDGER)
    first = await run_job(client, world, "full")
    assert first["status"] == "completed", first["error"]
    await append_rows(session, world.bank, _MIXED_APPEND)
    await append_rows(session, world.ledger, _MIXED_APPEND)
    second = await run_job(client, world, "incremental")
    assert second["status"] == "completed", second["error"]
    summary = second["summary"]
    assert summary["scope"] == {"left": 2, "right": 2}  # EU-9, EU-2 | JP-9, EU-2
    left = summary["left"]
    assert left["currency"] is None and left["matched_amount"] is None  # never a sum
    assert left["by_currency"] == [
        {
            "currency": "EUR",
            "records": 3,
            "matched": 2,
            "unmatched": 1,
            "matched_amount": "32.50",
            "unmatched_amount": "7.25",
        },
        {
            "currency": "JPY",
            "records": 1,
            "matched": 1,
            "unmatched": 0,
            "matched_amount": "1200",
            "unmatched_amount": "0",
        },
    ]
    stats = await _get(client, world, "/stats")
    assert stats["by_currency"] == [
        {"currency": "EUR", "matched_amount": "32.50", "unmatched_amount": "7.25"},
        {"currency": "JPY", "matched_amount": "1200", "unmatched_amount": "300"},
    ]
    third = await run_job(client, world, "full")
    for side in ("left", "right"):
        assert third["summary"][side] == summary[side], side
    # The next incremental run, with nothing new, still splits by currency.
    fourth = await run_job(client, world, "incremental")
    for side in ("left", "right"):
        assert fourth["summary"][side] == summary[side], side
