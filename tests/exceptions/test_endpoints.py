"""Exceptions through the API: every open item a job leaves is worked to a resolution."""

from __future__ import annotations

import asyncio

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import AuditEvent, ProjectMember, ProjectRole, WriteOff
from tests.helpers.exceptions import age, by_reference, call, send, worked
from tests.helpers.reconciliations import append_rows, run_job
from tests.helpers.records import Row
from tests.helpers.users import create_user


async def test_every_open_item_a_job_leaves_is_an_open_exception(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    found = await by_reference(client, w)
    assert set(found) == {"TRF", "FEE", "XFER", "INV-4"}
    fee = found["FEE"]
    assert (fee["status"], fee["resolution"], fee["assignee_id"], fee["version"]) == (
        "open",
        None,
        None,
        0,
    )
    assert fee["record"]["amount"] == "-9.9900" or fee["record"]["amount"] == "-9.99"
    assert fee["reconciliation_id"] == w.reconciliation_id and fee["age_days"] == 0
    reasons = await call(client, w, "GET", "/exception-reasons")
    assert reasons["defaults"] is True
    assert [r["code"] for r in reasons["reasons"]] == [
        "bank_fee",
        "timing_difference",
        "missing_in_ledger",
        "missing_in_bank",
        "duplicate",
        "other",
    ]


async def test_assign_comment_investigate_and_write_off(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    fee = (await by_reference(client, w))["FEE"]
    path = f"/exceptions/{fee['id']}"
    changed = await call(
        client,
        w,
        "PATCH",
        path,
        {"version": 0, "assignee_id": w.world.editor.id, "status": "investigating"},
    )
    assert (changed["assignee_id"], changed["assignee_email"]) == (
        w.world.editor.id,
        w.world.editor.email,
    )
    assert (changed["status"], changed["version"]) == ("investigating", 1)
    stranger = await create_user(session)
    refused = await call(client, w, "PATCH", path, {"assignee_id": stranger.id}, status=422)
    assert refused["error"] == "NotAMember"
    bad = await call(client, w, "PATCH", path, {"reason_code": "nonsense"}, status=422)
    assert bad["error"] == "UnknownReasonCode"
    await call(client, w, "POST", f"{path}/comments", {"body": "Asked the bank"}, status=201)
    await call(
        client,
        w,
        "POST",
        f"{path}/comments",
        {"body": "Monthly fee, book it"},
        user=w.world.owner,
        status=201,
    )
    resolved = await call(
        client,
        w,
        "POST",
        f"{path}/resolve",
        {
            "version": 1,
            "resolution": "written_off",
            "reason_code": "bank_fee",
            "write_off": {"reason": "Monthly account fee", "account": "6810 Bank charges"},
        },
    )
    assert (resolved["status"], resolved["resolution"], resolved["reason_code"]) == (
        "resolved",
        "written_off",
        "bank_fee",
    )
    write_off = resolved["write_off"]
    assert write_off["amount"] in ("-9.99", "-9.9900")
    assert (write_off["account"], write_off["voided_at"]) == ("6810 Bank charges", None)
    # The write-off is a record of its own, exactly the item's amount in units.
    stored = (await session.scalars(select(WriteOff))).one()
    assert stored.amount == -99_900
    assert [c["body"] for c in resolved["comments"]] == ["Asked the bank", "Monthly fee, book it"]
    assert [c["author_email"] for c in resolved["comments"]] == [
        w.world.editor.email,
        w.world.owner.email,
    ]
    assert [h["action"] for h in resolved["history"]] == [
        "exception.status_changed",
        "exception.assigned",
        "exception.commented",
        "exception.commented",
        "exception.written_off",
    ]
    # Written off: no longer an open item, and no later job proposes it again.
    state = await call(client, w, "GET", f"/reconciliations/{w.reconciliation_id}")
    assert (state["open_left"], state["open_right"]) == (1, 2)
    await append_rows(session, w.world.bank, [Row("FEE2", "2026-01-22", "-9.99", "Fee", "Bank")])
    await append_rows(session, w.world.ledger, [Row("FEE", "2026-01-21", "-9.99", "Fee", "Bank")])
    again = await run_job(client, w.world, "full")
    assert again["status"] == "completed", again
    after = await by_reference(client, w)
    assert after["FEE"]["status"] == "resolved" and after["FEE"]["resolution"] == "written_off"
    # The ledger's fee matched the new bank fee, not the written-off one.
    assert "FEE2" not in after or after["FEE2"]["resolution"] == "matched"
    events = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.target == f"exception:{fee['id']}")
    )
    assert events == 5


async def test_reopening_a_write_off_voids_it_and_the_item_is_open_again(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    fee = (await by_reference(client, w))["FEE"]
    path = f"/exceptions/{fee['id']}"
    body = {"resolution": "written_off", "write_off": {"reason": "fee", "account": "6810"}}
    await call(client, w, "POST", f"{path}/resolve", body)
    again = await call(client, w, "POST", f"{path}/resolve", body, status=409)
    assert again["error"] == "ExceptionResolved"
    await call(client, w, "POST", f"{path}/reopen", {}, status=422)  # a reason is required
    reopened = await call(client, w, "POST", f"{path}/reopen", {"reason": "wrong account"})
    assert (reopened["status"], reopened["resolution"], reopened["write_off"]) == (
        "open",
        None,
        None,
    )
    assert reopened["history"][-1]["action"] == "exception.reopened"
    assert reopened["history"][-1]["detail"]["reason"] == "wrong account"
    voided = (await session.scalars(select(WriteOff))).one()
    assert voided.voided_at is not None and voided.void_reason == "wrong account"
    state = await call(client, w, "GET", f"/reconciliations/{w.reconciliation_id}")
    assert state["open_left"] == 2
    not_resolved = await call(client, w, "POST", f"{path}/reopen", {"reason": "x"}, status=409)
    assert not_resolved["error"] == "ExceptionNotResolved"


async def test_explained_item_is_resolved_as_matched_when_a_later_job_matches_it(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    invoice = (await by_reference(client, w))["INV-4"]
    explained = await call(
        client,
        w,
        "POST",
        f"/exceptions/{invoice['id']}/resolve",
        {
            "resolution": "explained",
            "reason_code": "timing_difference",
            "expected_clear_date": "2026-02-05",
        },
    )
    assert (explained["resolution"], explained["expected_clear_date"]) == (
        "explained",
        "2026-02-05",
    )
    # Still an open item: the next job may match it.
    await append_rows(session, w.world.bank, [Row("INV-4", "2026-01-05", "500.00", "INV-4", "H")])
    second = await run_job(client, w.world, "incremental")
    assert second["status"] == "completed", second
    matched = (await by_reference(client, w))["INV-4"]
    assert (matched["status"], matched["resolution"]) == ("resolved", "matched")
    assert matched["version"] == explained["version"] + 1


async def test_confirming_resolves_as_matched_and_rejecting_reopens(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    job_url = f"/jobs/{w.job['id']}"
    review = await call(client, w, "GET", f"{job_url}/matches?tab=review")
    (suggestion,) = review["items"]
    await call(client, w, "POST", f"{job_url}/matches/{suggestion['id']}/confirm", {})
    found = await by_reference(client, w)
    assert {found[r]["resolution"] for r in ("TRF", "XFER")} == {"matched"}
    open_now = await by_reference(client, w, "&status=open&status=investigating")
    assert set(open_now) == {"FEE", "INV-4"}
    await call(client, w, "POST", f"{job_url}/matches/{suggestion['id']}/reject", {})
    found = await by_reference(client, w)
    assert {found[r]["status"] for r in ("TRF", "XFER")} == {"open"}


async def test_filters_by_status_assignee_age_and_amount(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    found = await by_reference(client, w)
    await call(
        client, w, "PATCH", f"/exceptions/{found['TRF']['id']}", {"assignee_id": w.world.owner.id}
    )
    await call(
        client, w, "PATCH", f"/exceptions/{found['XFER']['id']}", {"status": "investigating"}
    )
    await age(session, found["INV-4"]["id"], 45)
    await age(session, found["FEE"]["id"], 100)
    assert set(await by_reference(client, w, f"&assignee_id={w.world.owner.id}")) == {"TRF"}
    assert set(await by_reference(client, w, "&unassigned=true")) == {"XFER", "FEE", "INV-4"}
    assert set(await by_reference(client, w, "&status=investigating")) == {"XFER"}
    assert set(await by_reference(client, w, "&min_age_days=31")) == {"INV-4", "FEE"}
    assert set(await by_reference(client, w, "&min_age_days=31&max_age_days=60")) == {"INV-4"}
    assert set(await by_reference(client, w, "&max_age_days=7")) == {"TRF", "XFER"}
    assert set(await by_reference(client, w, "&side=left")) == {"TRF", "FEE"}
    assert set(await by_reference(client, w, "&min_amount=5")) == {"TRF", "XFER", "INV-4"}
    assert set(await by_reference(client, w, "&min_amount=5&ignore_sign=true")) == set(found)
    assert set(await by_reference(client, w, "&max_amount=-5")) == {"FEE"}
    assert set(await by_reference(client, w, "&max_amount=-5&ignore_sign=true")) == set()
    assert set(await by_reference(client, w, "&min_amount=9.99&max_amount=75")) == {"TRF", "XFER"}
    # More places than amounts are kept to is a clear 422, not a rounding.
    await call(client, w, "GET", "/exceptions?min_amount=1.123456", status=422)
    statement = f"/reconciliations/{w.reconciliation_id}/statement?statement_balance=0.00001"
    await call(client, w, "GET", statement, status=422)
    ageing = await call(client, w, "GET", "/exceptions/ageing")
    assert [(b["label"], b["count"]) for b in ageing] == [
        ("0-7 days", 2),
        ("8-30 days", 0),
        ("31-60 days", 1),
        ("61-90 days", 0),
        ("over 90 days", 1),
    ]
    assert ageing[0]["amount"] in ("150.00", "150.0000")
    assert ageing[4]["amount"] in ("9.99", "9.9900")


async def test_two_edits_at_once_one_wins_the_other_gets_409_with_the_current_state(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    fee = (await by_reference(client, w))["FEE"]
    path = f"/exceptions/{fee['id']}"
    first, second = await asyncio.gather(
        send(client, w, "PATCH", path, {"version": 0, "assignee_id": w.world.editor.id}),
        send(
            client,
            w,
            "PATCH",
            path,
            {"version": 0, "status": "investigating"},
            user=w.world.owner,
        ),
    )
    assert sorted((first.status_code, second.status_code)) == [200, 409], (first.text, second.text)
    won, lost = (first, second) if first.status_code == 200 else (second, first)
    body = lost.json()
    assert body["error"] == "ExceptionChanged"
    assert body["exception"]["version"] == 1 == won.json()["version"]
    assert body["exception"]["assignee_id"] == won.json()["assignee_id"]
    stale = await call(client, w, "PATCH", path, {"version": 0, "status": "open"}, status=409)
    assert stale["exception"]["version"] == 1
    detail = await call(client, w, "GET", path)
    assert len(detail["history"]) == 1  # only the winner's change happened


async def test_two_resolutions_at_once_write_off_only_once(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    fee = (await by_reference(client, w))["FEE"]
    path = f"/exceptions/{fee['id']}/resolve"
    body = {"resolution": "written_off", "write_off": {"reason": "fee", "account": "6810"}}
    first, second = await asyncio.gather(
        send(client, w, "POST", path, {**body, "version": 0}),
        send(client, w, "POST", path, {**body, "version": 0}, user=w.world.owner),
    )
    assert sorted((first.status_code, second.status_code)) == [200, 409], (first.text, second.text)
    count = await session.scalar(select(func.count()).select_from(WriteOff))
    assert count == 1


async def test_viewers_read_but_do_not_change_and_owners_set_reason_codes(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    viewer = await create_user(session)
    session.add(
        ProjectMember(project_id=w.world.project.id, user_id=viewer.id, role=ProjectRole.VIEWER)
    )
    await session.commit()
    fee = (await by_reference(client, w))["FEE"]
    await call(client, w, "GET", f"/exceptions/{fee['id']}", user=viewer)
    await call(
        client, w, "PATCH", f"/exceptions/{fee['id']}", {"status": "open"}, user=viewer, status=403
    )
    codes = {
        "reasons": [{"code": "fx", "label": "FX difference"}, {"code": "other", "label": "Other"}]
    }
    await call(client, w, "PUT", "/exception-reasons", codes, status=403)
    saved = await call(client, w, "PUT", "/exception-reasons", codes, user=w.world.owner)
    assert (saved["defaults"], [r["code"] for r in saved["reasons"]]) == (False, ["fx", "other"])
    now = await call(client, w, "PATCH", f"/exceptions/{fee['id']}", {"reason_code": "fx"})
    assert now["reason_code"] == "fx"
    await call(
        client, w, "PATCH", f"/exceptions/{fee['id']}", {"reason_code": "bank_fee"}, status=422
    )
    other = await create_user(session)
    await call(client, w, "GET", f"/exceptions/{fee['id']}", user=other, status=404)


async def test_a_deactivated_reason_code_stays_on_its_exceptions_but_is_not_offered(
    client: AsyncClient, session: AsyncSession
) -> None:
    w = await worked(client, session)
    fee = (await by_reference(client, w))["FEE"]
    tagged = await call(client, w, "PATCH", f"/exceptions/{fee['id']}", {"reason_code": "other"})
    assert tagged["reason_code"] == "other"
    codes = {
        "reasons": [
            {"code": "bank_fee", "label": "Bank charge"},
            {"code": "other", "label": "Other", "active": False},
        ]
    }
    saved = await call(client, w, "PUT", "/exception-reasons", codes, user=w.world.owner)
    assert [(r["code"], r["label"], r["active"]) for r in saved["reasons"]] == [
        ("bank_fee", "Bank charge", True),
        ("other", "Other", False),
    ]
    kept = await call(client, w, "GET", f"/exceptions/{fee['id']}")
    assert kept["reason_code"] == "other"
    invoice = (await by_reference(client, w))["INV-4"]
    await call(
        client, w, "PATCH", f"/exceptions/{invoice['id']}", {"reason_code": "other"}, status=422
    )
    none_active = {"reasons": [{"code": "other", "label": "Other", "active": False}]}
    await call(client, w, "PUT", "/exception-reasons", none_active, user=w.world.owner, status=422)
