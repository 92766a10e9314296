"""A reconciliation with open items after one job, and calls on its exceptions through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.tasks import TaskQueue
from tally.models import ExceptionItem, Reconciliation, Record
from tally.periods.schemas import SignoffCreate
from tally.periods.service import PeriodService
from tally.projects.auth import owner_access
from tests.helpers.reconciliations import BANK, LEDGER, Ledgers, run_job, two_sources
from tests.helpers.users import AuthedUser


@dataclass(frozen=True)
class Worked:
    world: Ledgers
    job: dict[str, Any]

    @property
    def reconciliation_id(self) -> int:
        return int(self.job["reconciliation_id"])

    def url(self, path: str) -> str:
        return f"{self.world.url}{path}"


async def worked(client: AsyncClient, session: AsyncSession) -> Worked:
    world = await two_sources(session, BANK, LEDGER)
    job = await run_job(client, world, "full")
    assert job["status"] == "completed", job
    return Worked(world, job)


async def call(
    client: AsyncClient,
    w: Worked,
    method: str,
    path: str,
    body: Any = None,
    *,
    user: AuthedUser | None = None,
    status: int = 200,
) -> Any:
    response = await send(client, w, method, path, body, user=user)
    assert response.status_code == status, response.text
    return response.json()


async def send(
    client: AsyncClient,
    w: Worked,
    method: str,
    path: str,
    body: Any = None,
    *,
    user: AuthedUser | None = None,
) -> Response:
    headers = (user or w.world.editor).headers
    return await client.request(method, w.url(path), json=body, headers=headers)


async def by_reference(client: AsyncClient, w: Worked, query: str = "") -> dict[str, Any]:
    body = await call(client, w, "GET", f"/exceptions?per_page=200{query}")
    return {item["record"]["reference"]: item for item in body["items"]}


async def age(session: AsyncSession, exception_id: int, days: int) -> None:
    """Make an exception first seen ``days`` ago (as if its job had run then)."""
    await session.execute(
        update(ExceptionItem)
        .where(ExceptionItem.id == exception_id)
        .values(first_seen_at=datetime.now(UTC) - timedelta(days=days, hours=1))
    )
    await session.commit()


async def seed_exception_and_signoff(
    session: AsyncSession, reconciliation: Reconciliation, *, record_id: int, queue: TaskQueue
) -> dict[str, int]:
    """An open exception of ``record_id`` (written directly) and a standing sign-off of the
    reconciliation's empty period to 2025-12-31 (through the service); returns their ids."""
    record = await session.get(Record, record_id)
    assert record is not None
    item = ExceptionItem(
        project_id=reconciliation.project_id,
        reconciliation_id=reconciliation.id,
        record_id=record.id,
        side="left",
        amount=record.amount,
        currency=record.currency,
        booking_date=record.booking_date,
        first_seen_at=datetime.now(UTC),
    )
    session.add(item)
    await session.flush()
    access = await owner_access(session, reconciliation.project_id)
    signed = await PeriodService(session).sign_off(
        access,
        reconciliation.id,
        SignoffCreate(as_of_date=date(2025, 12, 31), statement_balance=Decimal(0)),
        queue,
    )
    return {"exception_id": item.id, "signoff_id": signed.id}
