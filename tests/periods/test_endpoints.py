"""The reconciliation statement, period sign-off, the lock it puts on decisions, and reopening."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import AuditEvent, DataSource
from tests.helpers.exceptions import Worked, by_reference, call, worked
from tests.helpers.reconciliations import append_rows, ids_by_reference, run_job
from tests.helpers.records import Row

# The bank's records sum to 415.51 (the statement opened at zero); the ledger's to 925.50.
CLOSING = "415.51"


def _path(w: Worked, rest: str) -> str:
    return f"/reconciliations/{w.reconciliation_id}{rest}"


async def _statement(client: AsyncClient, w: Worked, query: str) -> dict[str, Any]:
    return dict(await call(client, w, "GET", _path(w, f"/statement?as_of=2026-01-31{query}")))


async def test_statement_is_exact_and_a_write_off_keeps_it_balanced(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    statement = await _statement(client, w, f"&statement_balance={CLOSING}")
    assert Decimal(statement["currencies"][0]["statement_balance"]) == Decimal(CLOSING)
    assert statement["currencies"][0]["statement_balance_basis"] == "entered"
    assert Decimal(statement["currencies"][0]["ledger_balance"]) == Decimal("925.50")
    assert statement["currencies"][0]["open_statement_items"]["count"] == 2
    assert Decimal(statement["currencies"][0]["open_statement_items"]["amount"]) == Decimal("65.01")
    assert Decimal(statement["currencies"][0]["open_ledger_items"]["amount"]) == Decimal("575.00")
    assert Decimal(statement["currencies"][0]["adjusted_statement_balance"]) == Decimal("925.50")
    assert Decimal(statement["currencies"][0]["difference"]) == 0
    assert {
        line["reference"] for line in statement["currencies"][0]["open_statement_items"]["lines"]
    } == {
        "TRF",
        "FEE",
    }
    fee = (await by_reference(client, w))["FEE"]
    await call(
        client,
        w,
        "POST",
        f"/exceptions/{fee['id']}/resolve",
        {"resolution": "written_off", "write_off": {"reason": "fee", "account": "6810"}},
    )
    after = await _statement(client, w, f"&statement_balance={CLOSING}")
    assert after["currencies"][0]["open_statement_items"]["count"] == 1
    assert Decimal(after["currencies"][0]["statement_write_offs"]["amount"]) == Decimal("-9.99")
    assert after["currencies"][0]["statement_write_offs"]["lines"][0]["account"] == "6810"
    assert Decimal(after["currencies"][0]["adjusted_statement_balance"]) == Decimal("915.51")
    assert Decimal(after["currencies"][0]["adjusted_ledger_balance"]) == Decimal("915.51")
    assert Decimal(after["currencies"][0]["difference"]) == 0
    # A cent off is a cent of difference, never rounded away.
    off = await _statement(client, w, "&statement_balance=415.50")
    assert Decimal(off["currencies"][0]["difference"]) == Decimal("-0.01")
    # An earlier date leaves out what was booked after it.
    early = await call(
        client, w, "GET", _path(w, "/statement?as_of=2026-01-10&statement_balance=350.50")
    )
    assert Decimal(early["currencies"][0]["ledger_balance"]) == Decimal("850.50")
    assert early["currencies"][0]["open_statement_items"]["count"] == 0
    assert Decimal(early["currencies"][0]["difference"]) == 0


async def test_statement_balance_from_the_stored_statement_closing_balance(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    missing = await _statement(client, w, "")
    assert (
        missing["currencies"][0]["statement_balance"] is None
        and missing["currencies"][0]["difference"] is None
    )
    stored = {
        "statements": [
            {"statement_id": "S-1", "closing_balance": "350.50", "to_date": "2026-01-15"},
            {"statement_id": "S-2", "closing_balance": "999.00", "to_date": "2026-02-28"},
        ]
    }
    await session.execute(
        update(DataSource).where(DataSource.id == w.world.bank.id).values(statement=stored)
    )
    await session.commit()
    statement = await _statement(client, w, "")
    # 350.50 on the 15th, plus the transfer and the fee booked after it.
    assert Decimal(statement["currencies"][0]["statement_balance"]) == Decimal(CLOSING)
    assert "S-1" in statement["currencies"][0]["statement_balance_basis"]
    assert Decimal(statement["currencies"][0]["difference"]) == 0


async def test_sign_off_refused_unless_balanced_then_locks_until_reopened(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    owner = w.world.owner
    sign_offs = _path(w, "/sign-offs")
    unknown = await call(
        client, w, "POST", sign_offs, {"as_of_date": "2026-01-31"}, user=owner, status=409
    )
    assert unknown["error"] == "PeriodNotBalanced"
    unbalanced = await call(
        client,
        w,
        "POST",
        sign_offs,
        {"as_of_date": "2026-01-31", "statement_balance": "415.50"},
        user=owner,
        status=409,
    )
    assert Decimal(unbalanced["statement"]["currencies"][0]["difference"]) == Decimal("-0.01")
    body = {"as_of_date": "2026-01-31", "statement_balance": CLOSING}
    await call(client, w, "POST", sign_offs, body, status=403)  # editors do not sign off
    signed = await call(client, w, "POST", sign_offs, body, user=owner, status=201)
    assert (signed["as_of_date"], signed["signed_by_email"]) == ("2026-01-31", owner.email)
    assert Decimal(signed["statement"]["currencies"][0]["difference"]) == 0
    again = await call(client, w, "POST", sign_offs, body, user=owner, status=409)
    assert again["error"] == "PeriodAlreadySigned"

    # Decisions on records dated within the period are locked, naming it.
    job_url = f"/jobs/{w.job['id']}"
    (suggestion,) = (await call(client, w, "GET", f"{job_url}/matches?tab=review"))["items"]
    locked = await call(
        client, w, "POST", f"{job_url}/matches/{suggestion['id']}/confirm", {}, status=409
    )
    assert locked["error"] == "PeriodLocked" and "2026-01-31" in locked["detail"]
    (matched, *_rest) = (await call(client, w, "GET", f"{job_url}/matches?tab=matched"))["items"]
    await call(client, w, "POST", f"{job_url}/matches/{matched['id']}/reject", {}, status=409)
    bank_ids = await ids_by_reference(session, w.world.bank)
    unsettle = await call(
        client,
        w,
        "POST",
        _path(w, f"/records/{bank_ids['INV-1']}/unsettle"),
        {"reason": "wrong"},
        status=409,
    )
    assert unsettle["error"] == "PeriodLocked"
    fee = (await by_reference(client, w))["FEE"]
    for method, rest, payload in (
        ("PATCH", "", {"status": "investigating"}),
        ("POST", "/comments", {"body": "late note"}),
        ("POST", "/resolve", {"resolution": "explained", "expected_clear_date": "2026-02-10"}),
    ):
        refused = await call(
            client, w, method, f"/exceptions/{fee['id']}{rest}", payload, status=409
        )
        assert refused["error"] == "PeriodLocked"
    bulk = await call(
        client,
        w,
        "POST",
        "/exceptions/bulk",
        {"action": "assign", "selection": {}, "assignee_id": w.world.editor.id},
        status=409,
    )
    assert bulk["reason"] == "PeriodLocked"
    statement = await _statement(client, w, f"&statement_balance={CLOSING}")
    assert statement["signed_off"]["id"] == signed["id"]

    # Records dated after the period stay open to decisions.
    await append_rows(session, w.world.bank, [Row("FEB", "2026-02-03", "-5.00", "Fee", "Bank")])
    later = await run_job(client, w.world, "incremental")
    assert later["status"] == "completed", later
    february = (await by_reference(client, w))["FEB"]
    await call(client, w, "PATCH", f"/exceptions/{february['id']}", {"status": "investigating"})

    reopen = _path(w, f"/sign-offs/{signed['id']}/reopen")
    await call(client, w, "POST", reopen, {}, user=owner, status=422)  # a reason is required
    await call(client, w, "POST", reopen, {"reason": "late fee"}, status=403)
    reopened = await call(client, w, "POST", reopen, {"reason": "late fee"}, user=owner)
    assert (reopened["reopen_reason"], reopened["reopened_by_id"]) == ("late fee", owner.id)
    await call(client, w, "POST", reopen, {"reason": "twice"}, user=owner, status=409)
    await call(client, w, "POST", f"{job_url}/matches/{suggestion['id']}/confirm", {})
    await call(client, w, "PATCH", f"/exceptions/{fee['id']}", {"status": "investigating"})
    events = list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target == f"signoff:{signed['id']}")
            .order_by(AuditEvent.seq)  # a heap has no order: space freed by a vacuum is reused
        )
    )
    assert events == ["period.signed_off", "period.reopened"]
    listed = (await call(client, w, "GET", sign_offs))["items"]
    assert [s["id"] for s in listed] == [signed["id"]] and listed[0]["reopened_at"] is not None
    count = await session.scalar(select(func.count()).select_from(AuditEvent))
    assert count


async def test_statement_xlsx_holds_the_exact_figures(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    response = await client.get(
        w.url(_path(w, f"/statement.xlsx?as_of=2026-01-31&statement_balance={CLOSING}")),
        headers=w.world.editor.headers,
    )
    assert response.status_code == 200, response.text
    assert "2026-01-31.xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["Unexplained difference"][0] == 0
    assert Decimal(str(rows["Statement balance"][0])) == Decimal(CLOSING)
    assert Decimal(str(rows["Ledger balance"][0])) == Decimal("925.5")


# Two currencies on one account pair: EUR pays and a USD transfer match; a EUR fee and a USD
# invoice stay open.
MIXED_BANK = [
    Row("INV-1", "2026-02-02", "100.00", "Payment INV-1", "Acme"),
    Row("INV-2", "2026-02-03", "250.00", "Payment INV-2", "Globex", currency="USD"),
    Row("FEE", "2026-02-04", "-9.99", "Bank fee", "Bank"),
]
MIXED_LEDGER = [
    Row("INV-1", "2026-02-01", "100.00", "Invoice 1", "Acme"),
    Row("INV-2", "2026-02-02", "250.00", "Invoice 2", "Globex", currency="USD"),
    Row("INV-3", "2026-02-05", "40.00", "Invoice 3", "Hooli", currency="USD"),
]


async def test_a_statement_in_several_currencies_has_a_section_per_currency(
    client: AsyncClient, session: AsyncSession
) -> None:
    from tests.helpers.reconciliations import two_sources

    world = await two_sources(session, MIXED_BANK, MIXED_LEDGER)
    job = await run_job(client, world, "full")
    assert job["status"] == "completed", job["error"]
    base = f"{world.url}/reconciliations/{job['reconciliation_id']}"
    headers = world.owner.headers

    # One balance for a reconciliation in two currencies cannot say which: a clear 422.
    single = await client.get(
        f"{base}/statement?as_of=2026-02-28&statement_balance=1", headers=headers
    )
    assert single.status_code == 422 and single.json()["error"] == "BalanceNeedsCurrency"
    bad = await client.get(
        f"{base}/statement?as_of=2026-02-28&statement_balances=EUR-1", headers=headers
    )
    assert bad.status_code == 422

    query = "as_of=2026-02-28&statement_balances=EUR:90.01&statement_balances=USD:250.00"
    response = await client.get(f"{base}/statement?{query}", headers=headers)
    assert response.status_code == 200, response.text
    statement = response.json()
    eur, usd = statement["currencies"]
    assert (eur["currency"], usd["currency"]) == ("EUR", "USD")
    # Each currency's figures are its own, never summed with the other's.
    assert Decimal(eur["ledger_balance"]) == Decimal("100.00")
    assert Decimal(usd["ledger_balance"]) == Decimal("290.00")
    assert [line["reference"] for line in eur["open_statement_items"]["lines"]] == ["FEE"]
    assert Decimal(eur["open_statement_items"]["amount"]) == Decimal("-9.99")
    assert eur["open_ledger_items"]["count"] == 0
    assert [line["reference"] for line in usd["open_ledger_items"]["lines"]] == ["INV-3"]
    assert Decimal(usd["open_ledger_items"]["amount"]) == Decimal("40.00")
    assert Decimal(eur["difference"]) == 0 and Decimal(usd["difference"]) == 0
    assert statement["balanced"] is True

    # A cent off in one currency is that currency's difference only; the period cannot sign.
    off = "as_of=2026-02-28&statement_balances=EUR:90.01&statement_balances=USD:250.01"
    unbalanced = (await client.get(f"{base}/statement?{off}", headers=headers)).json()
    assert Decimal(unbalanced["currencies"][0]["difference"]) == 0
    assert Decimal(unbalanced["currencies"][1]["difference"]) == Decimal("0.01")
    assert unbalanced["balanced"] is False
    refused = await client.post(
        f"{base}/sign-offs",
        json={"as_of_date": "2026-02-28", "statement_balances": {"EUR": "90.01", "USD": "250.01"}},
        headers=headers,
    )
    assert refused.status_code == 409 and "USD" in refused.json()["detail"]

    xlsx = await client.get(f"{base}/statement.xlsx?{query}", headers=headers)
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert [row[1] for row in rows if row[0] == "Currency"] == ["EUR", "USD"]
    assert [row[1] for row in rows if row[0] == "Unexplained difference"] == [0, 0]
    ledger = [Decimal(str(row[1])) for row in rows if row[0] == "Ledger balance"]
    assert ledger == [Decimal("100"), Decimal("290")]

    signed = await client.post(
        f"{base}/sign-offs",
        json={"as_of_date": "2026-02-28", "statement_balances": {"EUR": "90.01", "USD": "250.00"}},
        headers=headers,
    )
    assert signed.status_code == 201, signed.text
    assert [c["currency"] for c in signed.json()["statement"]["currencies"]] == ["EUR", "USD"]
