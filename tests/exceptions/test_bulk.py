"""Bulk assign, comment and write-off: one transaction, each exception audited on its own."""

from __future__ import annotations

from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import AuditEvent, ExceptionComment, WriteOff
from tests.helpers.exceptions import by_reference, call, worked
from tests.helpers.users import create_user


async def _events(session: AsyncSession, action: str) -> list[str]:
    rows = await session.scalars(
        select(AuditEvent.target).where(AuditEvent.action == action).order_by(AuditEvent.id)
    )
    return list(rows)


async def test_assign_every_open_item_below_an_amount(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    found = await by_reference(client, w)
    body = {
        "action": "assign",
        "assignee_id": w.world.owner.id,
        "selection": {"max_amount": "100", "ignore_sign": True},
    }
    outcome = await call(client, w, "POST", "/exceptions/bulk", body)
    small = {found[r]["id"] for r in ("TRF", "XFER", "FEE")}
    assert set(outcome["changed"]) == small and outcome["unchanged"] == []
    assert set(await _events(session, "exception.assigned")) == {f"exception:{i}" for i in small}
    after = await by_reference(client, w)
    assert after["INV-4"]["assignee_id"] is None
    assert {after[r]["assignee_id"] for r in ("TRF", "XFER", "FEE")} == {w.world.owner.id}
    again = await call(client, w, "POST", "/exceptions/bulk", body)
    assert again["changed"] == [] and set(again["unchanged"]) == small


async def test_comment_on_listed_and_write_off_a_filtered_set(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    found = await by_reference(client, w)
    ids = [found["TRF"]["id"], found["XFER"]["id"]]
    commented = await call(
        client,
        w,
        "POST",
        "/exceptions/bulk",
        {"action": "comment", "exception_ids": ids, "body": "Same transfer, one day late"},
    )
    assert commented["changed"] == ids
    assert await session.scalar(select(func.count()).select_from(ExceptionComment)) == 2
    written = await call(
        client,
        w,
        "POST",
        "/exceptions/bulk",
        {
            "action": "write_off",
            "selection": {"max_amount": "10", "ignore_sign": True},
            "reason": "Small bank charges",
            "account": "6810 Bank charges",
            "reason_code": "bank_fee",
        },
    )
    assert written["changed"] == [found["FEE"]["id"]]
    (write_off,) = (await session.scalars(select(WriteOff))).all()
    assert (write_off.amount, write_off.account) == (-99_900, "6810 Bank charges")
    fee = (await by_reference(client, w))["FEE"]
    assert (fee["resolution"], fee["reason_code"]) == ("written_off", "bank_fee")
    # Resolved exceptions are outside a selection: writing off again changes nothing.
    again = await call(
        client,
        w,
        "POST",
        "/exceptions/bulk",
        {
            "action": "write_off",
            "selection": {"max_amount": "10", "ignore_sign": True},
            "reason": "again",
            "account": "6810",
        },
    )
    assert again["changed"] == [] == again["unchanged"]
    statement = await call(
        client,
        w,
        "GET",
        f"/reconciliations/{w.reconciliation_id}/statement?as_of=2026-01-31&statement_balance=415.51",
    )
    assert Decimal(statement["currencies"][0]["difference"]) == 0


async def test_one_refusal_changes_nothing(client: AsyncClient, session: AsyncSession) -> None:
    w = await worked(client, session)
    found = await by_reference(client, w)
    ids = [found["TRF"]["id"], found["XFER"]["id"], 987_654]
    refused = await call(
        client,
        w,
        "POST",
        "/exceptions/bulk",
        {"action": "assign", "exception_ids": ids, "assignee_id": w.world.editor.id},
        status=404,
    )
    assert (refused["error"], refused["exception_id"]) == ("BulkExceptionsRefused", 987_654)
    assert refused["reason"] == "ExceptionNotFound"
    after = await by_reference(client, w)
    assert {after[r]["assignee_id"] for r in ("TRF", "XFER")} == {None}
    assert await _events(session, "exception.assigned") == []
    stranger = await create_user(session)
    not_member = await call(
        client,
        w,
        "POST",
        "/exceptions/bulk",
        {"action": "assign", "selection": {}, "assignee_id": stranger.id},
        status=422,
    )
    assert not_member["reason"] == "NotAMember"
    invalid = await call(
        client, w, "POST", "/exceptions/bulk", {"action": "assign", "selection": {}}, status=422
    )
    assert invalid["error"] == "ValidationError"
