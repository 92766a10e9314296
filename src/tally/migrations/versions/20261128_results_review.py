"""results review: audit trail, duplicates per job, match amount/date/tab/origin and their indexes

Revision ID: 0003_results
Revises: 0002_tasks
Create Date: 2026-11-28 23:00:00

Each index serves a named query; the comments in tally.models.match, record, audit_event and
record_duplicate say which. Rows written before this revision get their amount, date, tab and
origin computed here, so the results pages list them like new ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_results"
down_revision: str | None = "0002_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_BACKFILL = """
UPDATE match SET
    tab = CASE
        WHEN status = 'rejected' THEN 'rejected'
        WHEN category = 'discrepancy' THEN 'discrepancies'
        WHEN status IN ('suggested', 'ambiguous') THEN 'review'
        ELSE 'matched'
    END,
    origin = CASE WHEN category = 'discrepancy' THEN 'discrepancy' ELSE status END,
    amount = COALESCE((
        SELECT SUM(r.amount) FROM match_record mr JOIN record r ON r.id = mr.record_id
        WHERE mr.match_id = match.id AND mr.side = 'left'
    ), 0),
    booking_date = (
        SELECT MIN(r.booking_date) FROM match_record mr JOIN record r ON r.id = mr.record_id
        WHERE mr.match_id = match.id AND mr.side = 'left'
    )
"""


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("job_id", _ID, nullable=True),
        sa.Column("actor_id", _ID, nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_audit_event_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_audit_event_job_id_reconciliation_job"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_audit_event_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_event_job_id_id", ["job_id", "id"], unique=False)
        batch_op.create_index("ix_audit_event_project_id_id", ["project_id", "id"], unique=False)

    op.create_table(
        "record_duplicate",
        sa.Column("job_id", _ID, nullable=False),
        sa.Column("record_id", _ID, nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_record_duplicate_job_id_reconciliation_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_record_duplicate_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "record_id", name=op.f("pk_record_duplicate")),
    )
    with op.batch_alter_table("record_duplicate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_duplicate_job_id_group_id_record_id",
            ["job_id", "group_id", "record_id"],
            unique=False,
        )
        batch_op.create_index("ix_record_duplicate_record_id", ["record_id"], unique=False)

    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("booking_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("tab", sa.String(length=16), server_default="matched", nullable=False)
        )
        batch_op.add_column(
            sa.Column("origin", sa.String(length=16), server_default="auto", nullable=False)
        )
    op.execute(_BACKFILL)
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.create_index("ix_match_job_id_tab_id", ["job_id", "tab", "id"], unique=False)
        batch_op.create_index(
            "ix_match_job_id_tab_amount_id", ["job_id", "tab", "amount", "id"], unique=False
        )
        batch_op.create_index(
            "ix_match_job_id_tab_booking_date_id",
            ["job_id", "tab", "booking_date", "id"],
            unique=False,
        )

    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_data_source_id_booking_date",
            ["data_source_id", "booking_date"],
            unique=False,
        )
        batch_op.create_index(
            "ix_record_data_source_id_amount", ["data_source_id", "amount"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index("ix_record_data_source_id_amount")
        batch_op.drop_index("ix_record_data_source_id_booking_date")

    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_index("ix_match_job_id_tab_booking_date_id")
        batch_op.drop_index("ix_match_job_id_tab_amount_id")
        batch_op.drop_index("ix_match_job_id_tab_id")
        batch_op.drop_column("origin")
        batch_op.drop_column("tab")
        batch_op.drop_column("booking_date")
        batch_op.drop_column("amount")

    with op.batch_alter_table("record_duplicate", schema=None) as batch_op:
        batch_op.drop_index("ix_record_duplicate_record_id")
        batch_op.drop_index("ix_record_duplicate_job_id_group_id_record_id")
    op.drop_table("record_duplicate")

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_project_id_id")
        batch_op.drop_index("ix_audit_event_job_id_id")
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
    op.drop_table("audit_event")
