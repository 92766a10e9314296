"""A project whose two sources grow by appends, and jobs over them through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.ingest.records import RECORD_SCHEMA
from tally.models import DataSource, ProjectRole, Record
from tally.models.project import Project
from tally.sources.repository import DataSourceRepository
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows, rows_batch
from tests.helpers.results import RULES
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for

# Day 1: two invoices pay automatically, a transfer is a suggestion (3 days apart, no reference),
# the bank fee and invoice 4 stay open.
BANK = [
    Row("INV-1", "2026-01-02", "100.00", "Payment INV-1", "Acme"),
    Row("INV-2", "2026-01-03", "250.50", "Payment INV-2", "Globex"),
    Row("TRF", "2026-01-20", "75.00", "Transfer", "Initech"),
    Row("FEE", "2026-01-21", "-9.99", "Bank fee", "Bank"),
]
LEDGER = [
    Row("INV-1", "2026-01-01", "100.00", "Invoice 1", "Acme"),
    Row("INV-2", "2026-01-02", "250.50", "Invoice 2", "Globex"),
    Row("XFER", "2026-01-23", "75.00", "Transfer", "Initech Ltd"),
    Row("INV-4", "2026-01-04", "500.00", "Invoice 4", "Hooli"),
]


@dataclass(frozen=True)
class Ledgers:
    owner: AuthedUser
    editor: AuthedUser
    project: Project
    bank: DataSource
    ledger: DataSource

    @property
    def url(self) -> str:
        return f"/api/v1/projects/{self.project.id}"


async def two_sources(session: AsyncSession, bank: Sequence[Row], ledger: Sequence[Row]) -> Ledgers:
    owner = await create_user(session)
    editor = await create_user(session)
    project = await create_project(session, owner=owner, members={editor: ProjectRole.EDITOR})
    left = await create_source_with_rows(session, project=project, name="bank", rows=bank)
    right = await create_source_with_rows(session, project=project, name="ledger", rows=ledger)
    return Ledgers(owner, editor, project, left, right)


async def append_rows(session: AsyncSession, source: DataSource, rows: Sequence[Row]) -> None:
    """Append ``rows`` to a ready source, numbered after its last row (as an upload append)."""
    repository = DataSourceRepository(session)
    last = await repository.last_row_number(source.id)
    batch = rows_batch(rows)
    numbers = pa.array(range(last + 1, last + len(rows) + 1), pa.int64())
    batch = batch.set_column(RECORD_SCHEMA.get_field_index("row_number"), "row_number", numbers)

    async def one() -> AsyncIterator[pa.RecordBatch]:
        yield batch

    await repository.load_records(source.id, one())
    await session.execute(
        update(DataSource)
        .where(DataSource.id == source.id)
        .values(row_count=DataSource.row_count + len(rows))
    )
    await session.commit()


async def run_job(
    client: AsyncClient, world: Ledgers, mode: str, *, timeout: float = 60
) -> dict[str, Any]:
    """Create a job of the two sources in ``mode`` through the API and wait for it to finish."""
    response = await client.post(
        f"{world.url}/jobs",
        json={
            "left_source_id": world.bank.id,
            "right_source_id": world.ledger.id,
            "rules": RULES,
            "mode": mode,
        },
        headers=world.editor.headers,
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    return await wait_for(
        client,
        f"{world.url}/jobs/{job_id}",
        world.editor.headers,
        until={"completed", "failed", "cancelled"},
        timeout=timeout,
    )


async def ids_by_reference(session: AsyncSession, source: DataSource) -> dict[str, int]:
    rows = await session.execute(
        select(Record.reference, Record.id)
        .where(Record.data_source_id == source.id)
        .order_by(Record.row_number)
    )
    return {str(reference): int(record_id) for reference, record_id in rows}
