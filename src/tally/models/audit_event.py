from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, event, inspect, select
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from tally.kit.hash_chain import GENESIS, link, seal
from tally.models.base import Base, BigId, Timestamp, utcnow
from tally.models.project import Project


class AuditEvent(Base):
    """Who changed what and when: one row per review change (confirm, reject, manual match).

    A project's events form a hash chain (tally.kit.hash_chain): ``seq`` numbers them 1, 2, ...
    per project, ``sealed`` is the event's content as written, ``hash`` covers it and the
    previous event's hash. Events are sealed when flushed (``_seal_new_events``), whoever adds them.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        # A project's activity, newest first: WHERE project_id = ? ORDER BY id DESC.
        Index("ix_audit_event_project_id_id", "project_id", "id"),
        # GET .../jobs/{job_id}/audit: WHERE job_id = ? ORDER BY id DESC.
        Index("ix_audit_event_job_id_id", "job_id", "id"),
        # The chain: one event per position, read in order by verification and for the head.
        Index("uq_audit_event_project_id_seq", "project_id", "seq", unique=True),
        # An exception's history, in every answer about it (each change returns it): WHERE
        # project_id = ? AND target = 'exception:N' ORDER BY id. Without it each read walked all
        # of the project's events, a cost that grew with every decision ever taken.
        Index("ix_audit_event_project_id_target_id", "project_id", "target", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    # The trail outlives the job's results (retention) but not the job itself being deleted.
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("reconciliation_job.id", ondelete="SET NULL")
    )
    # Indexed for the ON DELETE SET NULL lookup when a user is removed.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))  # e.g. match.confirmed
    target: Mapped[str] = mapped_column(String(200))  # e.g. match:123
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    seq: Mapped[int] = mapped_column(BigInteger)
    sealed: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def content(self) -> dict[str, Any]:
        """What the chain seals: every field a reader relies on, ids included."""
        return {
            "project_id": self.project_id,
            "seq": self.seq,
            "job_id": self.job_id,
            "actor_id": self.actor_id,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
            "created_at": self.created_at,
        }


@event.listens_for(Session, "before_flush")
def _seal_new_events(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """Append each new event to its project's chain, in the order the events were added.

    On PostgreSQL the project row is locked first, so two transactions appending to one project
    take turns instead of forking the chain (the unique (project_id, seq) index is the backstop);
    SQLite has one writer at a time anyway.
    """
    pending: defaultdict[int, list[AuditEvent]] = defaultdict(list)
    for obj in session.new:
        if isinstance(obj, AuditEvent) and obj.seq is None:
            pending[obj.project_id].append(obj)
    if not pending:
        return
    with session.no_autoflush:
        for project_id, events in pending.items():
            session.execute(select(Project.id).where(Project.id == project_id).with_for_update())
            last = session.execute(
                select(AuditEvent.seq, AuditEvent.hash)
                .where(AuditEvent.project_id == project_id, AuditEvent.seq.is_not(None))
                .order_by(AuditEvent.seq.desc())
                .limit(1)
            ).first()
            head = (last[0], last[1]) if last is not None else (0, GENESIS)
            # session.new is a set: seal in the order the events were added to the session.
            chain_events(sorted(events, key=lambda added: inspect(added).insert_order or 0), head)


def chain_events(events: Iterable[AuditEvent], head: tuple[int, str]) -> tuple[int, str]:
    """Seal ``events`` in this order as the links after ``head`` (seq, hash) of their project's
    chain: each gets its seq, the previous link's hash, its sealed content and its own hash.
    Returns the new head. One definition of a link for events added one at a time (the flush
    hook above) and for a batch written in bulk (tally.audit.repository.append_events)."""
    seq, previous = head
    for audit_event in events:
        seq += 1
        audit_event.seq = seq
        audit_event.created_at = audit_event.created_at or utcnow()
        audit_event.prev_hash = previous
        audit_event.sealed = seal(audit_event.content())
        audit_event.hash = previous = link(previous, audit_event.sealed)
    return seq, previous
