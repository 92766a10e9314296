"""result indexes: record_search (trigram text search), unmatched_record, job.results_indexed_at

Revision ID: 0009_result_search
Revises: 0008_rule_sets
Create Date: 2026-11-28

Both tables are filled in the background after a job completes (tally.results.indexing), so
neither ingestion's COPY into ``record`` nor the job's write pays for them; jobs completed before
this revision keep reading the scans until they are indexed. On PostgreSQL record_search is
partitioned by source, each partition in the schema ``source_search``. pg_trgm ships with
PostgreSQL's contrib (Debian's postgresql package) and is a trusted extension: a database owner
may create it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Fixed here (not imported from tally.models): a migration keeps the names it was written with.
SEARCH_SCHEMA = "source_search"

revision: str = "0009_result_search"
down_revision: str | None = "0008_rule_sets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {SEARCH_SCHEMA}")
    op.create_table(
        "record_search",
        sa.Column("data_source_id", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("data_source_id", "record_id", name=op.f("pk_record_search")),
        postgresql_partition_by="LIST (data_source_id)",
    )
    op.create_index(
        "ix_record_search_content",
        "record_search",
        ["content"],
        postgresql_using="gin",
        postgresql_ops={"content": "gin_trgm_ops"},
    )

    op.create_table(
        "unmatched_record",
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("row_number", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("job_id", "record_id", name=op.f("pk_unmatched_record")),
    )
    for column in ("row_number", "amount", "booking_date"):
        op.create_index(
            f"ix_unmatched_record_job_id_side_{column}_record_id",
            "unmatched_record",
            ["job_id", "side", column, "record_id"],
        )

    with op.batch_alter_table("reconciliation_job") as batch_op:
        batch_op.add_column(
            sa.Column("results_indexed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("reconciliation_job") as batch_op:
        batch_op.drop_column("results_indexed_at")
    op.drop_table("unmatched_record")
    op.drop_table("record_search")  # with its partitions
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA IF EXISTS {SEARCH_SCHEMA}")
    # pg_trgm stays: other objects may use it, and keeping an extension costs nothing.
