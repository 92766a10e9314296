"""updated_at on jobs and matches: the updated_since filters and the polled reads' ETags

Revision ID: 0022_paging
Revises: 0016_hardening
Create Date: 2026-12-07

``reconciliation_job.updated_at`` starts at the job's last known change (finished, started or
created). ``match.updated_at`` stays NULL until a review changes the match: a match is otherwise
as its job wrote it (``created_at``), and a bulk load writes no second timestamp per match.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_paging"
down_revision: str | None = "0016_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "reconciliation_job", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE reconciliation_job SET updated_at = COALESCE(finished_at, started_at, created_at)"
    )
    with op.batch_alter_table(
        "reconciliation_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.alter_column(
            "updated_at",
            existing_type=sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),  # rows written by SQL alone (bulk seeds) get one too
        )
    # On PostgreSQL ``match`` is partitioned: the column reaches every partition.
    op.add_column("match", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("match", "updated_at")
    with op.batch_alter_table(
        "reconciliation_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_column("updated_at")
