"""data source warnings and the record index for duplicate-safe appends

Revision ID: 0005_ingest
Revises: 0004_web_sessions
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_ingest"
down_revision: str | None = "0004_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_source") as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.JSON(), nullable=True))
    with op.batch_alter_table("record") as batch_op:
        # Appending an overlapping statement looks its rows up by the bank's transaction id.
        batch_op.create_index(
            "ix_record_data_source_id_transaction_id", ["data_source_id", "transaction_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("record") as batch_op:
        batch_op.drop_index("ix_record_data_source_id_transaction_id")
    with op.batch_alter_table("data_source") as batch_op:
        batch_op.drop_column("warnings")
