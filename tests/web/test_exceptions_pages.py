"""The exceptions pages: worklist with filters and bulk actions, one exception's forms, the
statement with its sign-off and reopening; each form goes through the API's services."""

from __future__ import annotations

from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import AuditEvent, WriteOff
from tests.helpers.exceptions import by_reference, call, worked
from tests.web.conftest import sign_in


async def test_worklist_filters_and_bulk_assign(client: AsyncClient, session: AsyncSession) -> None:
    w = await worked(client, session)
    token = await sign_in(client, w.world.editor)
    base = f"/projects/{w.world.project.id}/exceptions"
    page = await client.get(base)
    assert page.status_code == 200
    for reference in ("TRF", "FEE", "XFER", "INV-4"):
        assert f">{reference}</a>" in page.text
    assert 'id="exception-ageing"' in page.text and "over 90 days" in page.text
    small = await client.get(f"{base}?max_amount=10&ignore_sign=true")
    assert ">FEE</a>" in small.text and ">TRF</a>" not in small.text
    response = await client.post(
        f"{base}/bulk",
        data={
            "csrf_token": token,
            "max_amount": "100",
            "ignore_sign": "true",
            "action": "assign",
            "assignee_id_to": str(w.world.owner.id),
        },
    )
    assert response.status_code == 303, response.text
    after = await client.get(response.headers["location"])
    assert "3 changed, 0 already so" in after.text
    found = await by_reference(client, w)
    assert {found[r]["assignee_id"] for r in ("TRF", "XFER", "FEE")} == {w.world.owner.id}
    assert found["INV-4"]["assignee_id"] is None
    missing = await client.post(
        f"{base}/bulk", data={"csrf_token": token, "action": "write_off", "reason": "x"}
    )
    assert missing.status_code == 422 and "write_off needs reason and account" in missing.text
    overview = await client.get(f"/projects/{w.world.project.id}")
    assert 'id="overview-exception-ageing"' in overview.text


async def test_exception_page_comment_assign_write_off_and_reopen(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    fee = (await by_reference(client, w))["FEE"]
    token = await sign_in(client, w.world.editor)
    url = f"/projects/{w.world.project.id}/exceptions/{fee['id']}"
    page = await client.get(url)
    assert page.status_code == 200 and "Exception #" in page.text
    posted = await client.post(f"{url}/comment", data={"csrf_token": token, "body": "Checking"})
    assert posted.status_code == 303
    saved = await client.post(
        f"{url}/update",
        data={
            "csrf_token": token,
            "version": "0",
            "assign": "1",
            "status": "investigating",
            "assignee_id": str(w.world.editor.id),
            "reason_code": "bank_fee",
        },
    )
    assert saved.status_code == 303
    # A form made on the old version is refused, showing the exception as it is now.
    stale = await client.post(
        f"{url}/update",
        data={"csrf_token": token, "version": "0", "assign": "1", "status": "open"},
    )
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text and "investigating" in stale.text
    resolved = await client.post(
        f"{url}/resolve",
        data={
            "csrf_token": token,
            "version": "1",
            "resolution": "written_off",
            "reason": "Monthly fee",
            "account": "6810 Bank charges",
        },
    )
    assert resolved.status_code == 303, resolved.text
    page = await client.get(url)
    assert "Checking" in page.text and "6810 Bank charges" in page.text
    assert "written off" in page.text
    reopened = await client.post(
        f"{url}/reopen", data={"csrf_token": token, "version": "2", "reason": "Wrong account"}
    )
    assert reopened.status_code == 303, reopened.text
    write_off = (await session.scalars(select(WriteOff))).one()
    assert write_off.void_reason == "Wrong account"


async def test_statement_page_sign_off_and_reopen(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    await sign_in(client, w.world.editor)
    url = f"/projects/{w.world.project.id}/reconciliations/{w.reconciliation_id}/statement"
    page = await client.get(f"{url}?as_of=2026-01-31&statement_balance=415.51")
    assert page.status_code == 200
    assert 'id="statement-difference">0.00<' in page.text
    assert 'id="signoff-submit"' not in page.text  # editors do not sign off
    xlsx = await client.get(f"{url}.xlsx?as_of=2026-01-31&statement_balance=415.51")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    token = await sign_in(client, w.world.owner)
    unbalanced = await client.post(
        f"{url.rsplit('/', 1)[0]}/sign-offs",
        data={"csrf_token": token, "as_of": "2026-01-31", "statement_balance": "415.50"},
    )
    assert unbalanced.status_code == 409 and "not zero" in unbalanced.text
    signed = await client.post(
        f"{url.rsplit('/', 1)[0]}/sign-offs",
        data={"csrf_token": token, "as_of": "2026-01-31", "statement_balance": "415.51"},
    )
    assert signed.status_code == 303, signed.text
    page = await client.get(signed.headers["location"])
    assert 'id="statement-signed"' in page.text and "Signed off" in page.text
    signoffs = await call(client, w, "GET", f"/reconciliations/{w.reconciliation_id}/sign-offs")
    (signoff,) = signoffs["items"]
    assert Decimal(signoff["difference"]) == 0
    reopened = await client.post(
        f"{url.rsplit('/', 1)[0]}/sign-offs/{signoff['id']}/reopen",
        data={"csrf_token": token, "as_of": "2026-01-31", "reason": "Late bank fee"},
    )
    assert reopened.status_code == 303, reopened.text
    actions = list(
        await session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("period.%")))
    )
    assert actions == ["period.signed_off", "period.reopened"]


async def test_statement_page_shows_one_section_per_currency_and_signs_off(
    client: AsyncClient, session: AsyncSession
) -> None:
    from tests.helpers.reconciliations import run_job, two_sources
    from tests.periods.test_endpoints import MIXED_BANK, MIXED_LEDGER

    world = await two_sources(session, MIXED_BANK, MIXED_LEDGER)
    job = await run_job(client, world, "full")
    project = world.project.id
    url = f"/projects/{project}/reconciliations/{job['reconciliation_id']}/statement"
    token = await sign_in(client, world.owner)
    single = await client.get(f"{url}?as_of=2026-02-28&statement_balance=1")
    assert single.status_code == 422 and "enter a balance per currency" in single.text
    query = "as_of=2026-02-28&statement_balance.EUR=90.01&statement_balance.USD=250.00"
    page = await client.get(f"{url}?{query}")
    assert page.status_code == 200, page.text
    assert 'data-currency="EUR"' in page.text and 'data-currency="USD"' in page.text
    assert 'id="statement-difference-EUR">0.00<' in page.text
    assert 'id="statement-difference-USD">0.00<' in page.text
    assert 'name="statement_balance.USD" value="250.00"' in page.text
    signed = await client.post(
        f"{url.rsplit('/', 1)[0]}/sign-offs",
        data={
            "csrf_token": token,
            "as_of": "2026-02-28",
            "statement_balance.EUR": "90.01",
            "statement_balance.USD": "250.00",
        },
    )
    assert signed.status_code == 303, signed.text
    assert "statement_balance.USD=250.00" in signed.headers["location"]


async def test_exception_pages_offer_active_reason_codes_and_the_one_carried(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    found = await by_reference(client, w)
    fee, invoice = found["FEE"], found["INV-4"]
    await call(client, w, "PATCH", f"/exceptions/{fee['id']}", {"reason_code": "duplicate"})
    codes = {
        "reasons": [
            {"code": "bank_fee", "label": "Bank fee"},
            {"code": "duplicate", "label": "Duplicate", "active": False},
        ]
    }
    await call(client, w, "PUT", "/exception-reasons", codes, user=w.world.owner)
    await sign_in(client, w.world.editor)
    base = f"/projects/{w.world.project.id}/exceptions"
    other = await client.get(f"{base}/{invoice['id']}")
    assert other.status_code == 200
    assert 'value="bank_fee"' in other.text and 'value="duplicate"' not in other.text
    carried = await client.get(f"{base}/{fee['id']}")
    assert 'value="duplicate" selected' in carried.text
    worklist = await client.get(base)
    assert 'value="duplicate"' not in worklist.text

    owner_token = await sign_in(client, w.world.owner)
    settings = f"/projects/{w.world.project.id}/reason-codes"
    page = await client.get(settings)
    assert page.status_code == 200 and 'data-code="duplicate"' in page.text
    renamed = await client.post(
        settings,
        data={"csrf_token": owner_token, "action": "rename", "code": "bank_fee", "label": "Fees"},
    )
    assert renamed.status_code == 303
    unknown = await client.post(
        settings,
        data={"csrf_token": owner_token, "action": "deactivate", "code": "nope", "label": ""},
    )
    assert unknown.status_code == 422 and "No reason code" in unknown.text
    last = await client.post(
        settings,
        data={"csrf_token": owner_token, "action": "deactivate", "code": "bank_fee", "label": ""},
    )
    assert last.status_code == 422 and "at least one" in last.text
    saved = await call(client, w, "GET", "/exception-reasons")
    assert [(r["code"], r["label"], r["active"]) for r in saved["reasons"]] == [
        ("bank_fee", "Fees", True),
        ("duplicate", "Duplicate", False),
    ]
    editor_token = await sign_in(client, w.world.editor)
    refused = await client.post(
        settings, data={"csrf_token": editor_token, "action": "add", "code": "", "label": "X"}
    )
    assert refused.status_code == 403
