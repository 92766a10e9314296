"""A job matched in parts stores exactly what the same job stores in one part, and shows its plan."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.partitioning import PartitionOptions
from tally.jobs.rules import DEFAULT_RULE_SET
from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database
from tally.models import (
    JobStatus,
    Partitioning,
    ReconciliationJob,
)
from tally.web.pages.jobs import job_state
from tests.helpers.partitioned import (
    KEYED_RULES,
    create_job,
    keyed_rows,
    keyed_world,
    stored_matches,
)
from tests.helpers.reconciliations import Ledgers, append_rows, two_sources
from tests.helpers.waiting import wait_for


async def test_a_partitioned_job_stores_exactly_the_single_run_results(
    session: AsyncSession, db: Database
) -> None:
    project, (bank, ledger) = await keyed_world(session)
    bank_rows, ledger_rows = keyed_rows()
    whole = await create_job(session, project, (bank, ledger), Partitioning.OFF, KEYED_RULES)
    split = await create_job(session, project, (bank, ledger), Partitioning.ON, KEYED_RULES)
    options = PartitionOptions(part_records=30, workers=2)

    for job in (whole, split):
        status = await run_reconciliation(db, job.id, partition_options=options)
        assert status == JobStatus.COMPLETED

    expected = await stored_matches(db, whole.id)
    assert len(expected) > 30
    assert {m[1] for m in expected} == {"reference", "reference_fee", "instalments"}
    assert {m[2] for m in expected} >= {"auto", "ambiguous"}
    assert await stored_matches(db, split.id) == expected
    async with db.sessionmaker() as check:
        done = {j.id: j for j in (await check.scalars(select(ReconciliationJob))).all()}
    assert done[whole.id].partitions is None
    plan = done[split.id].partitions
    assert plan is not None and plan["parts"] >= 2 and plan["key"] == "reference"
    assert sum(plan["records_per_part"]) == len(bank_rows) + len(ledger_rows)
    assert plan["progress"] == [1.0] * plan["parts"] and plan["boundary_share"] == 0
    for key in ("left", "right", "matches", "duplicates"):
        assert done[split.id].summary[key] == done[whole.id].summary[key]  # type: ignore[index]
    assert job_state(done[split.id])["partitions"] == plan


async def test_forced_on_without_a_shared_key_runs_in_one_part_and_says_why(
    session: AsyncSession, db: Database
) -> None:
    project, (bank, ledger) = await keyed_world(session)
    job = await create_job(session, project, (bank, ledger), Partitioning.ON, DEFAULT_RULE_SET)

    assert await run_reconciliation(db, job.id) == JobStatus.COMPLETED

    async with db.sessionmaker() as check:
        stored = await check.get(ReconciliationJob, job.id)
    assert stored is not None and stored.partitions is not None
    assert stored.partitions["parts"] == 1 and "share no" in stored.partitions["reason"]


async def test_auto_partitions_only_from_the_configured_size(
    session: AsyncSession, db: Database
) -> None:
    project, (bank, ledger) = await keyed_world(session)
    bank_rows, ledger_rows = keyed_rows()
    small = await create_job(session, project, (bank, ledger), Partitioning.AUTO, KEYED_RULES)
    large = await create_job(session, project, (bank, ledger), Partitioning.AUTO, KEYED_RULES)
    total = len(bank_rows) + len(ledger_rows)

    await run_reconciliation(
        db, small.id, partition_options=PartitionOptions(min_records=total + 1)
    )
    await run_reconciliation(
        db, large.id, partition_options=PartitionOptions(min_records=total, part_records=40)
    )

    async with db.sessionmaker() as check:
        first = await check.get(ReconciliationJob, small.id)
        second = await check.get(ReconciliationJob, large.id)
    assert first is not None and first.partitions is None
    assert second is not None and second.partitions is not None
    assert second.partitions["parts"] == -(-total // 40)


async def _apicreate_job(
    client: AsyncClient, world: Ledgers, mode: str, partitioning: str
) -> dict[str, Any]:
    response = await client.post(
        f"{world.url}/jobs",
        json={
            "left_source_id": world.bank.id,
            "right_source_id": world.ledger.id,
            "rules": KEYED_RULES.model_dump(mode="json"),
            "mode": mode,
            "partitioning": partitioning,
        },
        headers=world.editor.headers,
    )
    assert response.status_code == 202, response.text
    done = await wait_for(
        client,
        f"{world.url}/jobs/{response.json()['id']}",
        world.editor.headers,
        until={"completed", "failed", "cancelled"},
    )
    assert done["status"] == "completed", done["error"]
    assert done["partitioning"] == partitioning
    return done


async def _pairs(client: AsyncClient, world: Ledgers, job_id: int) -> list[Any]:
    pairs = []
    for tab in ("matched", "review"):
        response = await client.get(
            f"{world.url}/jobs/{job_id}/matches?tab={tab}&per_page=200",
            headers=world.editor.headers,
        )
        assert response.status_code == 200, response.text
        for match in response.json()["items"]:
            sides = tuple(
                tuple(sorted((r["reference"], r["amount"], r["booking_date"]) for r in match[s]))
                for s in ("left", "right")
            )
            pairs.append((tab, match["rule"], match["status"], sides))
    return sorted(pairs)


async def test_an_incremental_job_partitions_its_open_items_alike(
    client: AsyncClient, session: AsyncSession
) -> None:
    """Only the open items and the appended rows are partitioned; the carried-forward state
    gives the partitioned incremental job the same matches as the one-part job."""
    bank_rows, ledger_rows = keyed_rows()
    worlds = [await two_sources(session, bank_rows[:30], ledger_rows[:30]) for _ in range(2)]
    for world in worlds:
        await _apicreate_job(client, world, "full", "off")
        await append_rows(session, world.bank, bank_rows[30:])
        await append_rows(session, world.ledger, ledger_rows[30:])
        await session.commit()
    whole = await _apicreate_job(client, worlds[0], "incremental", "off")
    split = await _apicreate_job(client, worlds[1], "incremental", "on")

    assert whole["partitions"] is None
    assert split["partitions"]["parts"] == 2 and split["partitions"]["key"] == "reference"
    assert split["summary"]["scope"] == whole["summary"]["scope"]
    assert sum(split["partitions"]["records_per_part"]) == sum(whole["summary"]["scope"].values())
    expected = await _pairs(client, worlds[0], whole["id"])
    assert expected and await _pairs(client, worlds[1], split["id"]) == expected
