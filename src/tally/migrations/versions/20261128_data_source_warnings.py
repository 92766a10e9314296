"""data source warnings, ingest progress, and bulk tables without per-row triggers

Revision ID: 0005_ingest
Revises: 0004_web_sessions
Create Date: 2026-11-28

The bulk tables (record, match, match_record, record_duplicate) lose their foreign keys and the two
indexes nothing reads: measured, they made a 1M-row COPY 2-3x slower (see BULK_TABLES_NOTE in
tally.models.base and bench/ingest/REPORT.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_ingest"
down_revision: str | None = "0004_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOREIGN_KEYS = {
    "record": [("fk_record_data_source_id_data_source", "data_source", "data_source_id")],
    "match": [("fk_match_job_id_reconciliation_job", "reconciliation_job", "job_id")],
    "match_record": [
        ("fk_match_record_job_id_reconciliation_job", "reconciliation_job", "job_id"),
        ("fk_match_record_match_id_match", "match", "match_id"),
        ("fk_match_record_record_id_record", "record", "record_id"),
    ],
    "record_duplicate": [
        ("fk_record_duplicate_job_id_reconciliation_job", "reconciliation_job", "job_id"),
        ("fk_record_duplicate_record_id_record", "record", "record_id"),
    ],
}


def upgrade() -> None:
    op.create_table(
        "ingest_progress",
        sa.Column("data_source_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("data_source_id", name=op.f("pk_ingest_progress")),
    )
    with op.batch_alter_table("data_source") as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.JSON(), nullable=True))
    for table, keys in _FOREIGN_KEYS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, _, _ in keys:
                batch_op.drop_constraint(name, type_="foreignkey")
            if table == "record":
                batch_op.drop_index("ix_record_data_source_id_row_hash")
            if table == "match_record":
                batch_op.drop_index("ix_match_record_record_id")


def downgrade() -> None:
    for table, keys in _FOREIGN_KEYS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, referred, column in keys:
                batch_op.create_foreign_key(name, referred, [column], ["id"], ondelete="CASCADE")
            if table == "record":
                batch_op.create_index(
                    "ix_record_data_source_id_row_hash", ["data_source_id", "row_hash"]
                )
            if table == "match_record":
                batch_op.create_index("ix_match_record_record_id", ["record_id"])
    with op.batch_alter_table("data_source") as batch_op:
        batch_op.drop_column("warnings")
    op.drop_table("ingest_progress")
