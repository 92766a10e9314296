from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    String,
    Text,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow
from tally.models.project_counter import take_numbers
from tally.models.reconciliation_job import ReconciliationJob


class MatchStatus(StrEnum):
    AUTO = "auto"
    SUGGESTED = "suggested"
    AMBIGUOUS = "ambiguous"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    MANUAL = "manual"


class MatchCategory(StrEnum):
    MATCHED = "matched"
    DISCREPANCY = "discrepancy"


class MatchTab(StrEnum):
    """The results tab a match is listed under; a function of its category and status."""

    MATCHED = "matched"  # settled: auto, confirmed or manual
    REVIEW = "review"  # suggestions and ambiguous alternatives waiting for a reviewer
    DISCREPANCIES = "discrepancies"  # equal on the keys, outside the amount/date tolerance
    REJECTED = "rejected"


class MatchOrigin(StrEnum):
    """What produced a match; kept when a reviewer changes its status, for the quality report."""

    AUTO = "auto"
    SUGGESTED = "suggested"
    AMBIGUOUS = "ambiguous"
    DISCREPANCY = "discrepancy"
    MANUAL = "manual"


def match_tab(category: str, status: str) -> MatchTab:
    if status == MatchStatus.REJECTED:
        return MatchTab.REJECTED
    if category == MatchCategory.DISCREPANCY:
        return MatchTab.DISCREPANCIES
    if status in (MatchStatus.SUGGESTED, MatchStatus.AMBIGUOUS):
        return MatchTab.REVIEW
    return MatchTab.MATCHED


def match_origin(category: str, status: str) -> MatchOrigin:
    if category == MatchCategory.DISCREPANCY:
        return MatchOrigin.DISCREPANCY
    return MatchOrigin(status)


class Match(Base):
    """A match of a job. On PostgreSQL ``match`` and ``match_record`` are partitioned by job, with
    (job_id, id) as primary key (a partitioned table's keys contain its partition key): a job's
    results are loaded into tables of their own and attached (tally.results.writes)."""

    __tablename__ = "match"
    __table_args__ = (
        # Results pages and their counts: WHERE job_id = ? AND tab = ? ORDER BY id, and the
        # export's keyset walk (id > ?).
        Index("ix_match_job_id_tab_id", "job_id", "tab", "id"),
        # sort=amount|-amount and the min_amount/max_amount range within a tab.
        Index("ix_match_job_id_tab_amount_id", "job_id", "tab", "amount", "id"),
        # sort=date|-date within a tab.
        Index("ix_match_job_id_tab_booking_date_id", "job_id", "tab", "booking_date", "id"),
        # No index for sort=score: it serves the review queue, a small tab sorted after the
        # (job_id, tab) range; each index here adds ~12 % to the bulk write of a job's matches.
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[int] = mapped_column(BigInteger)  # no foreign key: see BULK_TABLES_NOTE
    # 1, 2, 3 within the project: a job's matches take one range when its results are written
    # (tally.models.project_counter). None only for a row written outside those paths.
    number: Mapped[int | None] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(200))
    rule_index: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(16), default=MatchStatus.AUTO)
    category: Mapped[str] = mapped_column(String(16), default=MatchCategory.MATCHED)
    amount_difference: Mapped[int] = mapped_column(BigInteger, default=0)
    date_difference_days: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)  # JSON written by the matching engine
    # The left side's total (units) and earliest booking date: what amount filters and the
    # amount/date sorts read, without touching the records.
    amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    booking_date: Mapped[date | None] = mapped_column(Date)
    # Derived from category and status by match_tab(); stored so every tab is one index range.
    tab: Mapped[str] = mapped_column(String(16), default=MatchTab.MATCHED, server_default="matched")
    origin: Mapped[str] = mapped_column(String(16), default=MatchOrigin.AUTO, server_default="auto")
    # Moved by every review change: a decision made on an older version is refused (409), so of
    # two reviewers acting at once one wins and the other sees what changed.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A server default: results are bulk-loaded with COPY, which bypasses Python-side defaults.
    created_at: Mapped[datetime] = mapped_column(
        Timestamp, default=utcnow, server_default=func.now()
    )
    # Set by every review change; None: unchanged since the job wrote it (created_at). Not a
    # server default: a bulk load must not pay for a second timestamp per match.
    updated_at: Mapped[datetime | None] = mapped_column(Timestamp, onupdate=utcnow)


@event.listens_for(Match, "before_insert")
def _number_match(mapper: Mapper[Any], connection: Connection, match: Match) -> None:
    """A match inserted one at a time (a manual match) takes its project's next number; a job's
    bulk-written matches come numbered (tally.results.writes)."""
    if match.number is None:
        project_id = connection.execute(
            select(ReconciliationJob.project_id).where(ReconciliationJob.id == match.job_id)
        ).scalar_one()
        statement = take_numbers(connection.dialect.name, project_id, "match", 1)
        match.number = int(connection.execute(statement).one()[0])


# Match statuses whose records are held exclusively. Ambiguous alternatives share records until a
# reviewer picks one; rejected matches release theirs.
CLAIMING_STATUSES = (
    MatchStatus.AUTO,
    MatchStatus.SUGGESTED,
    MatchStatus.CONFIRMED,
    MatchStatus.MANUAL,
)


class MatchRecord(Base):
    """Links a match to its records.

    The partial unique index makes "no record is ever used twice in a job" a database guarantee for
    every claiming link (``claims``), whatever code writes them.
    """

    __tablename__ = "match_record"
    __table_args__ = (
        Index(
            "uq_match_record_job_id_record_id_claims",
            "job_id",
            "record_id",
            unique=True,
            postgresql_where=text("claims"),
            sqlite_where=text("claims"),
        ),
        # "Is this record in a match of this job?" for the unmatched anti-join and the review pages.
        Index("ix_match_record_job_id_record_id", "job_id", "record_id"),
        Index("ix_match_record_match_id", "match_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # No foreign keys: see BULK_TABLES_NOTE in tally.models.base.
    job_id: Mapped[int] = mapped_column(BigInteger)
    match_id: Mapped[int] = mapped_column(BigInteger)
    record_id: Mapped[int] = mapped_column(BigInteger)
    side: Mapped[str] = mapped_column(String(5))
    claims: Mapped[bool] = mapped_column(Boolean, default=True)
