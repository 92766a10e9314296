"""A completed job with every kind of result, produced by the real runner, for results tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database
from tally.matching import RuleSet, reconcile
from tally.models import JobStatus, Project, ProjectRole, ReconciliationJob, Record
from tally.results.writes import ResultWriter
from tally.sources.frames import load_record_frame
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.users import AuthedUser, create_user

RULES: dict[str, Any] = {
    "rules": [
        {
            "name": "reference",
            "conditions": [
                {
                    "type": "equals",
                    "field": "reference",
                    "normalisers": ["case", "punctuation", "whitespace"],
                },
                {"type": "amount", "abs_tolerance": "0.01"},
                {"type": "date", "window_days": 5},
            ],
            "auto": 0.9,
            "suggest": 0.6,
        },
        {
            "name": "amount_date",
            "conditions": [
                {"type": "amount", "abs_tolerance": "0"},
                {"type": "date", "window_days": 3},
                {"type": "fuzzy", "field": "counterparty", "threshold": 80, "required": False},
            ],
            "auto": 0.95,
            "suggest": 0.7,
        },
    ]
}

# What the engine makes of these (checked in tests/results): inv1 auto; inv2 a discrepancy (5.00
# apart); the two card payments tie (four ambiguous alternatives); transfer a suggestion (3 days
# apart); fee and inv9 unmatched; the two dup rows duplicates of each other.
BANK = {
    "inv1": Row("INV-1", "2026-01-02", "100.00", "Payment INV-1", "Acme"),
    "inv2": Row("INV-2", "2026-01-03", "250.50", "Payment INV-2", "Globex"),
    "card_a": Row(None, "2026-01-10", "40.00", "Card", "Shop A"),
    "card_b": Row(None, "2026-01-10", "40.00", "Card", "Shop A"),
    "transfer": Row(None, "2026-01-20", "75.00", "Transfer", "Initech"),
    "fee": Row("FEE", "2026-01-21", "-9.99", '=HYPERLINK("http://evil.test","fee")', "Bank"),
    "dup_a": Row("DUP-7", "2026-01-22", "12.00", "Twice", "Dup"),
    "dup_b": Row("DUP-7", "2026-01-22", "12.00", "Twice", "Dup"),
}
LEDGER = {
    "inv1": Row("INV-1", "2026-01-01", "100.00", "Invoice 1", "Acme"),
    "inv2": Row("INV 2", "2026-01-02", "255.50", "Invoice 2", "Globex"),
    "card_a": Row(None, "2026-01-10", "40.00", "Card A", "Shop A"),
    "card_b": Row(None, "2026-01-10", "40.00", "Card B", "Shop A"),
    "transfer": Row(None, "2026-01-23", "75.00", "Transfer", "Initech Ltd"),
    "inv9": Row("INV-9", "2026-01-25", "12.00", "+cmd|' /C calc'!A0", "Hooli"),
}


@dataclass(frozen=True)
class Reconciled:
    owner: AuthedUser
    editor: AuthedUser
    viewer: AuthedUser
    project: Project
    job: ReconciliationJob
    left: dict[str, int]  # record ids by the labels of BANK
    right: dict[str, int]  # ... and of LEDGER

    def url(self, path: str = "") -> str:
        return f"/api/v1/projects/{self.project.id}/jobs/{self.job.id}{path}"


async def record_ids_by_label(
    session: AsyncSession, source_id: int, labels: list[str]
) -> dict[str, int]:
    ids = await session.scalars(
        select(Record.id).where(Record.data_source_id == source_id).order_by(Record.row_number)
    )
    return dict(zip(labels, ids, strict=True))


async def reconciled_job(
    session: AsyncSession,
    db: Database,
    *,
    bank: dict[str, Row] | None = None,
    ledger: dict[str, Row] | None = None,
    rules: dict[str, Any] | None = None,
) -> Reconciled:
    """Users (owner, editor, viewer), a project, two sources and a job run to completion."""
    bank = BANK if bank is None else bank
    ledger = LEDGER if ledger is None else ledger
    owner = await create_user(session)
    editor = await create_user(session)
    viewer = await create_user(session)
    project = await create_project(
        session,
        owner=owner,
        members={editor: ProjectRole.EDITOR, viewer: ProjectRole.VIEWER},
    )
    left = await create_source_with_rows(
        session, project=project, name="bank", rows=list(bank.values())
    )
    right = await create_source_with_rows(
        session, project=project, name="ledger", rows=list(ledger.values())
    )
    job = await create_job(
        session, project=project, left=left, right=right, status=JobStatus.QUEUED
    )
    job.rules = rules or RULES
    await session.commit()
    assert await run_reconciliation(db, job.id) == JobStatus.COMPLETED
    await session.refresh(job)
    return Reconciled(
        owner,
        editor,
        viewer,
        project,
        job,
        await record_ids_by_label(session, left.id, list(bank)),
        await record_ids_by_label(session, right.id, list(ledger)),
    )


async def rewrite_results(session: AsyncSession, job: ReconciliationJob) -> None:
    """Reconcile ``job``'s sources again and write the result over the job's own, committed (what
    a re-run of the job does)."""
    left = await load_record_frame(session, job.left_source_id)
    right = await load_record_frame(session, job.right_source_id)
    result = reconcile(left, right, RuleSet.model_validate(job.rules))
    await ResultWriter(session).replace_results(
        job.id,
        result.matches,
        result.links,
        duplicates=result.duplicates,
        left_records=left.select("id", "amount", "booking_date"),
    )
    await session.commit()


async def seed_results(
    session: AsyncSession, *, job: ReconciliationJob, left_source_id: int, right_source_id: int
) -> dict[str, int]:
    """Two records per side and one automatic match (left ``a`` with right ``a``) in ``job``,
    written directly; the ``b`` records stay unmatched. Returns the ids by name."""
    from datetime import date

    from tally.models import Match, MatchRecord

    def record(source_id: int, row: int, reference: str, amount: int) -> Record:
        return Record(
            data_source_id=source_id,
            row_number=row,
            reference=reference,
            booking_date=date(2026, 1, row),
            amount=amount,
            currency="EUR",
            row_hash=0,
        )

    records = {
        "left_a": record(left_source_id, 1, "A", 10_0000),
        "left_b": record(left_source_id, 2, "B", 20_0000),
        "right_a": record(right_source_id, 1, "A", 10_0000),
        "right_b": record(right_source_id, 2, "C", 20_0000),
    }
    session.add_all(records.values())
    await _create_partitions(session, job.id)
    match = Match(job_id=job.id, rule="reference", amount=10_0000, evidence='{"kind":"pair"}')
    session.add(match)
    job.rules = RULES
    await session.flush()
    session.add_all(
        [
            MatchRecord(
                job_id=job.id, match_id=match.id, record_id=records["left_a"].id, side="left"
            ),
            MatchRecord(
                job_id=job.id, match_id=match.id, record_id=records["right_a"].id, side="right"
            ),
        ]
    )
    await session.commit()
    return {"match_id": match.id, **{name: r.id for name, r in records.items()}}


async def _create_partitions(session: AsyncSession, job_id: int) -> None:
    """The job's (empty) partitions of match and match_record, as a completed run leaves them on
    PostgreSQL (tally.results.writes); SQLite's tables are not partitioned."""
    from sqlalchemy import text

    from tally.results.partitions import PARTITIONED, partition_name

    if (await session.connection()).dialect.name != "postgresql":
        return
    for model in PARTITIONED:
        name = partition_name(model, job_id)
        parent = model.__tablename__
        await session.execute(
            text(f"CREATE TABLE {name} PARTITION OF {parent} FOR VALUES IN ({int(job_id)})")
        )
