"""audit chain: each audit event sealed into its project's hash chain (seq, sealed, hashes)

Revision ID: 0016_hardening
Revises: 0011_rule_suggestions
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from tally.kit.hash_chain import GENESIS, link, seal

revision: str = "0016_hardening"
down_revision: str | None = "0017_intake"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_events = sa.table(
    "audit_event",
    sa.column("id", sa.BigInteger()),
    sa.column("project_id", sa.BigInteger()),
    sa.column("job_id", sa.BigInteger()),
    sa.column("actor_id", sa.BigInteger()),
    sa.column("action", sa.String()),
    sa.column("target", sa.String()),
    sa.column("detail", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("seq", sa.BigInteger()),
    sa.column("sealed", sa.Text()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def upgrade() -> None:
    # Keep AUTOINCREMENT when SQLite recreates the table (ids are never reused).
    with op.batch_alter_table("audit_event", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("sealed", sa.Text(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    # Existing events join their project's chain in the order they were written (id order).
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            _events.c.id,
            _events.c.project_id,
            _events.c.job_id,
            _events.c.actor_id,
            _events.c.action,
            _events.c.target,
            _events.c.detail,
            _events.c.created_at,
        ).order_by(_events.c.project_id, _events.c.id)
    )
    project_id, seq, previous = None, 0, GENESIS
    for row in rows.all():
        if row.project_id != project_id:
            project_id, seq, previous = row.project_id, 0, GENESIS
        seq += 1
        content: dict[str, Any] = {
            "project_id": row.project_id,
            "seq": seq,
            "job_id": row.job_id,
            "actor_id": row.actor_id,
            "action": row.action,
            "target": row.target,
            "detail": row.detail,
            "created_at": _utc(row.created_at),
        }
        sealed = seal(content)
        digest = link(previous, sealed)
        connection.execute(
            sa.update(_events)
            .where(_events.c.id == row.id)
            .values(seq=seq, sealed=sealed, prev_hash=previous, hash=digest)
        )
        previous = digest
    # Keep AUTOINCREMENT when SQLite recreates the table (ids are never reused).
    with op.batch_alter_table("audit_event", table_kwargs={"sqlite_autoincrement": True}) as batch:
        for name in ("seq", "sealed", "prev_hash", "hash"):
            batch.alter_column(name, nullable=False)
    op.create_index(
        "uq_audit_event_project_id_seq", "audit_event", ["project_id", "seq"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_audit_event_project_id_seq", table_name="audit_event")
    with op.batch_alter_table("audit_event") as batch:
        for name in ("hash", "prev_hash", "sealed", "seq"):
            batch.drop_column(name)
