"""Keyed ledgers and jobs for the partitioned-matching tests, and a job's stored matches in a
form two jobs compare by."""

from __future__ import annotations

import datetime as dt
import random
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
DATE_2 = {"type": "date", "window_days": 2}
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


CASE_KEY = {"type": "equals", "field": "reference", "normalisers": ["case"]}
GROUPED_RULES = RuleSet.model_validate(
    {
        "rules": [
            {"name": "reference", "conditions": [CASE_KEY, {"type": "amount"}, DATE_2]},
            {
                "name": "reference_fee",
                "suggest": 0.5,
                "conditions": [CASE_KEY, {"type": "amount", "abs_tolerance": "1.00"}, DATE_2],
            },
            {
                "name": "instalments",
                "cardinality": "one_to_many",
                "conditions": [CASE_KEY, {"type": "amount"}, {"type": "date", "window_days": 3}],
            },
            {
                "name": "settlements",
                "cardinality": "many_to_many",
                "conditions": [CASE_KEY, {"type": "amount"}, {"type": "date", "window_days": 5}],
            },
        ]
    }
)
"""Rules sharing the reference key, grouped ones included (one-to-many, many-to-many)."""


def skewed_rows(n: int, seed: int) -> tuple[list[Row], list[Row]]:
    """``n`` payments: one reference on 30% of them with a few amounts over 20 days (many twins
    equal in amount and date), the rest on references of a few payments each. The ledger books
    them up to two days later and exports 5% twice; 10% are paid in two instalments, and 5%
    are booked in two lines by the bank and in two other lines by the ledger (many-to-many)."""
    rng = random.Random(seed)
    bank: list[Row] = []
    ledger: list[Row] = []
    day0 = dt.date(2026, 1, 1)
    for _ in range(n):
        hot = rng.random() < 0.3
        reference = "ACME" if hot else f"INV-{rng.randrange(max(n // 3, 1)):05d}"
        units = rng.choice([1000, 2500, 9999]) if hot else rng.randrange(100, 5000)
        day = day0 + dt.timedelta(days=rng.randrange(20))
        booked = (day + dt.timedelta(days=rng.randrange(3))).isoformat()
        shape = rng.random()
        if shape < 0.1:
            half = units // 2
            bank.append(Row(reference, day.isoformat(), f"{units}.00"))
            ledger += [
                Row(reference, booked, f"{half}.00"),
                Row(reference, booked, f"{units - half}.00"),
            ]
        elif shape < 0.15:
            half, third = units // 2, units // 3
            bank += [Row(reference, day.isoformat(), f"{a}.00") for a in (half, units - half)]
            ledger += [Row(reference, booked, f"{a}.00") for a in (third, units - third)]
        else:
            bank.append(Row(reference, day.isoformat(), f"{units}.00"))
            copies = 2 if rng.random() < 0.05 else 1
            ledger += [Row(reference.lower(), booked, f"{units}.00")] * copies
    return bank, ledger


async def keyed_world(
    session: AsyncSession, rows: tuple[list[Row], list[Row]] | None = None
) -> tuple[Project, tuple[DataSource, DataSource]]:
    """A project with a bank and a ledger source holding ``rows`` (default: ``keyed_rows``)."""
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank_rows, ledger_rows = rows if rows is not None else keyed_rows()
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
