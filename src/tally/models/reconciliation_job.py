from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    event,
    func,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from tally.models.base import Base, BigId, Timestamp, utcnow
from tally.models.project_counter import take_numbers


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED_JOB_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobMode(StrEnum):
    FULL = "full"  # every record of both sources
    INCREMENTAL = "incremental"  # the reconciliation's open items and the rows appended since


class Partitioning(StrEnum):
    """Whether a job's matching is split into parts (tally.matching.partition)."""

    AUTO = "auto"  # when the job holds at least TALLY_PARTITION_MIN_RECORDS records
    ON = "on"
    OFF = "off"


class ReconciliationJob(Base):
    __tablename__ = "reconciliation_job"
    __table_args__ = (
        # get_reconciliation_jobs: WHERE project_id = ? ORDER BY id DESC.
        Index("ix_reconciliation_job_project_id_id", "project_id", "id"),
        # A job's number within its project is its own (tally.models.project_counter).
        Index("ix_reconciliation_job_project_id_number", "project_id", "number", unique=True),
        # Start-up recovery looks for queued/running jobs; retention for old finished ones.
        Index("ix_reconciliation_job_status_finished_at", "status", "finished_at"),
        # The rule-set version the job ran with, by its number within the project.
        ForeignKeyConstraint(
            ["project_id", "rule_set_version"],
            ["rule_set_version.project_id", "rule_set_version.number"],
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    # 1, 2, 3 within the project, given as the row is inserted (_number_job); never reused.
    number: Mapped[int] = mapped_column(BigInteger)
    left_source_id: Mapped[int] = mapped_column(
        ForeignKey("data_source.id", ondelete="CASCADE"), index=True
    )
    right_source_id: Mapped[int] = mapped_column(
        ForeignKey("data_source.id", ondelete="CASCADE"), index=True
    )
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The project's rule-set version these rules are (None: rules given with the job itself).
    rule_set_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    mode: Mapped[str] = mapped_column(String(16), default=JobMode.FULL, server_default="full")
    # The running reconciliation of its two sources whose state the job reads and advances.
    reconciliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reconciliation.id", ondelete="SET NULL"), index=True
    )
    # An incremental job's scope: rows numbered above these, and its job_scope_record rows.
    left_from_row: Mapped[int | None] = mapped_column(BigInteger)
    right_from_row: Mapped[int | None] = mapped_column(BigInteger)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    partitioning: Mapped[str] = mapped_column(
        String(8), default=Partitioning.AUTO, server_default="auto"
    )
    # The partition plan the run made and each part's progress (None: not partitioned).
    partitions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the retention cleanup removed this job's matches (the summary stays).
    results_expired: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the background step after completion built the indexes its results pages read
    # (unmatched_record, record_search; tally.results.indexing). None: the pages use the scans.
    results_indexed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Archived: kept with its decisions and audit trail, read-only, exempt from result retention;
    # the sources it reconciled may then be deleted from the project (their records stay for it).
    archived_at: Mapped[datetime | None] = mapped_column(Timestamp)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # Moved by every change to the job's row, which every review of its results also makes (the
    # stored counts): what updated_since filters on and the polled reads' ETags derive from.
    updated_at: Mapped[datetime] = mapped_column(
        Timestamp, default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)


@event.listens_for(ReconciliationJob, "before_insert")
def _number_job(mapper: Mapper[Any], connection: Connection, job: ReconciliationJob) -> None:
    """Every job inserted takes its project's next number, in the inserting transaction: a job
    rolled back leaves a gap rather than a number given twice."""
    if job.number is None:
        statement = take_numbers(connection.dialect.name, job.project_id, "job", 1)
        job.number = int(connection.execute(statement).one()[0])
