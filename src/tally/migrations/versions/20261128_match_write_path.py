"""match: drop the category/status index the bulk write paid for and no page reads

Revision ID: 0006_match_write
Revises: 0005_ingest
Create Date: 2026-11-28

Result pages filter on (job_id, tab) since 0003; counting by category/status happens once per job,
from memory (tally.results.totals). Each index on match costs ~12% of a job's result write.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_match_write"
down_revision: str | None = "0005_ingest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match") as batch_op:
        batch_op.drop_index("ix_match_job_id_category_status_id")


def downgrade() -> None:
    with op.batch_alter_table("match") as batch_op:
        batch_op.create_index(
            "ix_match_job_id_category_status_id", ["job_id", "category", "status", "id"]
        )
