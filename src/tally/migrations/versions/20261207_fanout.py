"""job_stage and job_part: a job fanned out over the task queue, its parts' staged records and
results, and the counter of parts done

Revision ID: 0034_fanout
Revises: 0032_partition
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_fanout"
down_revision: str | None = "0032_partition"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_stage",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("parts_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=True),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("shared", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_job_stage_job_id_reconciliation_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_stage")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "job_part",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(8), server_default="pending", nullable=False),
        sa.Column("records", sa.LargeBinary(), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_job_part_job_id_reconciliation_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "part", name=op.f("pk_job_part")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("job_part")
    op.drop_table("job_stage")
