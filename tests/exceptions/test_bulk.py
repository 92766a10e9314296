"""Bulk assign, comment and write-off: one transaction, each exception audited on its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.audit.service import AuditService
from tally.kit.db import Database
from tally.models import AuditEvent, ExceptionComment, ExceptionItem, WriteOff
from tests.helpers.exceptions import Worked, by_reference, call, worked
from tests.helpers.reconciliations import run_job, two_sources
from tests.helpers.records import Row
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


# Bank and ledger lines that never pair (their own references, amounts far apart): each one an
# open item, so an exception, after the first job.
MANY = 1_500


def _unpaired(prefix: str, base: int) -> list[Row]:
    return [
        Row(f"{prefix}-{n}", "2026-02-02", f"{base + n * 1000}.{n % 100:02d}", f"{prefix} {n}")
        for n in range(MANY)
    ]


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    sent: list[str] = []

    def capture(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)


async def test_bulk_actions_on_thousands_are_set_based_and_audited_one_by_one(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    """Assign, comment on, write off and explain 3,000 exceptions: each request is a few dozen
    statements whatever the number of exceptions (not ten or so per exception), and still
    leaves one audit event per exception in an intact chain, each write-off its own row."""
    world = await two_sources(session, _unpaired("BANK", 7), _unpaired("BOOK", 500))
    job = await run_job(client, world, "full", timeout=300)
    assert job["status"] == "completed", job
    w = Worked(world, job)
    everything = {"selection": {}}
    with _statements(db) as sent:
        assigned = await call(
            client,
            w,
            "POST",
            "/exceptions/bulk",
            {"action": "assign", "assignee_id": world.owner.id, **everything},
        )
    assert len(assigned["changed"]) == 2 * MANY and assigned["unchanged"] == []
    assert len(sent) < 100, len(sent)
    ids = assigned["changed"]
    with _statements(db) as sent:
        commented = await call(
            client,
            w,
            "POST",
            "/exceptions/bulk",
            {"action": "comment", "exception_ids": ids, "body": "Asked the bank"},
        )
    assert commented["changed"] == ids
    assert len(sent) < 100, len(sent)
    small = {"selection": {"max_amount": "500000"}}  # the bank's and the book's first 500 each
    with _statements(db) as sent:
        written = await call(
            client,
            w,
            "POST",
            "/exceptions/bulk",
            {"action": "write_off", "reason": "Cleared", "account": "6810", **small},
        )
    assert len(written["changed"]) == 1_000
    assert len(sent) < 100, len(sent)
    with _statements(db) as sent:
        explained = await call(
            client,
            w,
            "POST",
            "/exceptions/bulk",
            {
                "action": "explain",
                "expected_clear_date": "2026-02-09",
                "reason_code": "timing_difference",
                "note": "Books it next week",
                **everything,
            },
        )
    assert len(explained["changed"]) == 2 * MANY - 1_000
    assert len(sent) < 100, len(sent)

    for action, count in (
        ("exception.assigned", 2 * MANY),
        ("exception.commented", 2 * MANY),
        ("exception.written_off", 1_000),
        ("exception.explained", 2 * MANY - 1_000),
    ):
        assert len(set(await _events(session, action))) == count, action
    written_off = list(await session.scalars(select(WriteOff).order_by(WriteOff.id)))
    assert {x.exception_id for x in written_off} == set(written["changed"])
    logged = await session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "exception.written_off")
    )
    assert {d["write_off_id"] for d in logged} == {x.id for x in written_off}
    comments = await session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "exception.commented")
    )
    assert len({d["comment_id"] for d in comments}) == 2 * MANY
    state = await call(client, w, "GET", f"/reconciliations/{w.reconciliation_id}")
    assert state["open_left"] + state["open_right"] == 2 * MANY - 1_000
    resolutions = await session.execute(
        select(
            ExceptionItem.resolution,
            ExceptionItem.expected_clear_date,
            ExceptionItem.version,
            func.count(),
        ).group_by(
            ExceptionItem.resolution, ExceptionItem.expected_clear_date, ExceptionItem.version
        )
    )
    # Each moved on twice (assigned, then resolved); comments leave the version as it is.
    assert sorted(resolutions.tuples(), key=str) == [
        ("explained", date(2026, 2, 9), 2, 2 * MANY - 1_000),
        ("written_off", None, 2, 1_000),
    ]
    (chain,) = await AuditService(session).verify(world.project.id)
    assert chain.valid, chain
