"""reconciliation_job.partitioning (auto | on | off) and .partitions: a job's partition plan and
each part's progress while it runs

Revision ID: 0032_partition
Revises: 0030_incr
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_partition"
down_revision: str | None = "0030_incr"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table(
        "reconciliation_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column("partitioning", sa.String(8), nullable=False, server_default="auto")
        )
        batch_op.add_column(sa.Column("partitions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(
        "reconciliation_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("partitions")
        batch_op.drop_column("partitioning")
