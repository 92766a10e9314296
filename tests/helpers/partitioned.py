"""Keyed ledgers and jobs for the partitioned-matching tests, and a job's stored matches in a
form two jobs compare by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.matching.rules import RuleSet
from tally.models import (
    DataSource,
    JobStatus,
    Match,
    MatchRecord,
    Partitioning,
    Project,
    ReconciliationJob,
    RecordDuplicate,
    UnmatchedRecord,
)
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.users import create_user

KEY = {"type": "equals", "field": "reference", "normalisers": ["case", "punctuation"]}
KEYED_RULES = RuleSet.model_validate(
    {
        "rules": [
            {"name": "reference", "conditions": [KEY, {"type": "amount"}, {"type": "date"}]},
            {
                "name": "reference_fee",
                "suggest": 0.5,
                "conditions": [KEY, {"type": "amount", "abs_tolerance": "2.00"}, {"type": "date"}],
            },
            {
                "name": "instalments",
                "cardinality": "one_to_many",
                "conditions": [KEY, {"type": "amount"}, {"type": "date", "window_days": 10}],
            },
        ]
    }
)


def keyed_rows() -> tuple[list[Row], list[Row]]:
    """Keyed pairs, fee deductions, instalments, twins on one busy reference, a duplicate."""
    bank: list[Row] = []
    ledger: list[Row] = []
    day = dt.date(2026, 1, 1)
    for n in range(40):
        on = (day + dt.timedelta(days=n % 9)).isoformat()
        ref = "BUSY" if n % 4 == 0 else f"INV-{n:03d}"
        cents = 100 if ref == "BUSY" else 1000 + n
        bank.append(Row(ref, on, f"{cents}.00"))
        if ref == "BUSY":  # a day later: two bank lines two days apart tie for it
            later = (day + dt.timedelta(days=n % 9 + 1)).isoformat()
            ledger.append(Row(ref, later, f"{cents}.00"))
        elif n % 7 == 3:  # paid in two instalments
            ledger += [Row(ref.lower(), on, f"{cents - 400}.00"), Row(ref, on, "400.00")]
        elif n % 5 == 1:  # a fee deducted
            ledger.append(Row(ref, on, f"{cents - 1}.50"))
        else:
            ledger.append(Row(ref, on, f"{cents}.00"))
    ledger.append(ledger[0])  # exported twice
    return bank, ledger


async def keyed_world(session: AsyncSession) -> tuple[Project, tuple[DataSource, DataSource]]:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank_rows, ledger_rows = keyed_rows()
    bank = await create_source_with_rows(session, project=project, name="bank", rows=bank_rows)
    ledger = await create_source_with_rows(
        session, project=project, name="ledger", rows=ledger_rows
    )
    return project, (bank, ledger)


async def create_job(
    session: AsyncSession,
    project: Project,
    sides: tuple[DataSource, DataSource],
    partitioning: Partitioning,
    rules: RuleSet,
) -> ReconciliationJob:
    job = ReconciliationJob(
        project_id=project.id,
        left_source_id=sides[0].id,
        right_source_id=sides[1].id,
        rules=rules.model_dump(mode="json"),
        status=JobStatus.QUEUED,
        partitioning=partitioning,
    )
    session.add(job)
    await session.commit()
    return job


async def stored_matches(db: Database, job_id: int) -> list[tuple[Any, ...]]:
    async with db.sessionmaker() as check:
        matches = (await check.scalars(select(Match).where(Match.job_id == job_id))).all()
        links = (await check.scalars(select(MatchRecord).where(MatchRecord.job_id == job_id))).all()
    members: dict[int, list[tuple[str, int]]] = {}
    for link in links:
        members.setdefault(link.match_id, []).append((link.side, link.record_id))
    # Match numbers run on through the project: compare their order, not their values.
    order = {m.id: at for at, m in enumerate(sorted(matches, key=lambda m: m.number or 0))}
    return sorted(
        (
            order[m.id],
            m.rule,
            m.status,
            m.category,
            m.score,
            m.amount_difference,
            m.evidence,
            tuple(sorted(members[m.id])),
        )
        for m in matches
    )


async def stored_outcome(db: Database, job_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """A job's matches (as ``stored_matches``), duplicates and indexed unmatched records."""
    async with db.sessionmaker() as check:
        duplicates = await check.execute(
            select(RecordDuplicate.record_id, RecordDuplicate.side, RecordDuplicate.group_id)
            .where(RecordDuplicate.job_id == job_id)
            .order_by(RecordDuplicate.record_id)
        )
        unmatched = await check.execute(
            select(UnmatchedRecord.record_id, UnmatchedRecord.side)
            .where(UnmatchedRecord.job_id == job_id)
            .order_by(UnmatchedRecord.record_id)
        )
        return {
            "matches": await stored_matches(db, job_id),
            "duplicates": [tuple(row) for row in duplicates],
            "unmatched": [tuple(row) for row in unmatched],
        }
