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
    assert Decimal(statement["statement_balance"]) == Decimal(CLOSING)
    assert statement["statement_balance_basis"] == "entered"
    assert Decimal(statement["ledger_balance"]) == Decimal("925.50")
    assert statement["open_statement_items"]["count"] == 2
    assert Decimal(statement["open_statement_items"]["amount"]) == Decimal("65.01")
    assert Decimal(statement["open_ledger_items"]["amount"]) == Decimal("575.00")
    assert Decimal(statement["adjusted_statement_balance"]) == Decimal("925.50")
    assert Decimal(statement["difference"]) == 0
    assert {line["reference"] for line in statement["open_statement_items"]["lines"]} == {
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
    assert after["open_statement_items"]["count"] == 1
    assert Decimal(after["statement_write_offs"]["amount"]) == Decimal("-9.99")
    assert after["statement_write_offs"]["lines"][0]["account"] == "6810"
    assert Decimal(after["adjusted_statement_balance"]) == Decimal("915.51")
    assert Decimal(after["adjusted_ledger_balance"]) == Decimal("915.51")
    assert Decimal(after["difference"]) == 0
    # A cent off is a cent of difference, never rounded away.
    off = await _statement(client, w, "&statement_balance=415.50")
    assert Decimal(off["difference"]) == Decimal("-0.01")
    # An earlier date leaves out what was booked after it.
    early = await call(
        client, w, "GET", _path(w, "/statement?as_of=2026-01-10&statement_balance=350.50")
    )
    assert Decimal(early["ledger_balance"]) == Decimal("850.50")
    assert early["open_statement_items"]["count"] == 0
    assert Decimal(early["difference"]) == 0


async def test_statement_balance_from_the_stored_statement_closing_balance(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    missing = await _statement(client, w, "")
    assert missing["statement_balance"] is None and missing["difference"] is None
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
    assert Decimal(statement["statement_balance"]) == Decimal(CLOSING)
    assert "S-1" in statement["statement_balance_basis"]
    assert Decimal(statement["difference"]) == 0


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
    assert Decimal(unbalanced["statement"]["difference"]) == Decimal("-0.01")
    body = {"as_of_date": "2026-01-31", "statement_balance": CLOSING}
    await call(client, w, "POST", sign_offs, body, status=403)  # editors do not sign off
    signed = await call(client, w, "POST", sign_offs, body, user=owner, status=201)
    assert (signed["as_of_date"], signed["signed_by_email"]) == ("2026-01-31", owner.email)
    assert Decimal(signed["statement"]["difference"]) == 0
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
            select(AuditEvent.action).where(AuditEvent.target == f"signoff:{signed['id']}")
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
