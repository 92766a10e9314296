"""state that persists across jobs: reconciliations, open items, rejected pairs, settlements, job scopes

Revision ID: 0018_continuous
Revises: 0011_rule_suggestions
Create Date: 2026-12-07

A reconciliation is a project's running match of a left and a right source that grow by appends.
Its state lives in tables of its own rather than in ``record`` (millions of rows, bulk-loaded):
row-number watermarks per side, the open items (the only per-record state, as small as the open
items) and the rejected pairs. Jobs say which reconciliation they advance and, when incremental,
which rows they started from; an incremental job's carried open items are its scope rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_continuous"
down_revision: str | None = "0015_integrity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reconciliation",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("left_source_id", _ID, nullable=False),
        sa.Column("right_source_id", _ID, nullable=False),
        sa.Column("left_row_watermark", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("right_row_watermark", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("left_records", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("left_size", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("right_records", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("right_size", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("latest_job_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_reconciliation_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["left_source_id"],
            ["data_source.id"],
            name=op.f("fk_reconciliation_left_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["right_source_id"],
            ["data_source.id"],
            name=op.f("fk_reconciliation_right_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation")),
        sa.UniqueConstraint(
            "project_id",
            "left_source_id",
            "right_source_id",
            name=op.f("uq_reconciliation_project_id_left_source_id_right_source_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_reconciliation_left_source_id"), "reconciliation", ["left_source_id"])
    op.create_index(
        op.f("ix_reconciliation_right_source_id"), "reconciliation", ["right_source_id"]
    )
    op.create_table(
        "open_item",
        sa.Column("reconciliation_id", _ID, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("first_seen_at", _TS, nullable=False),
        sa.Column("first_job_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reconciliation_id"],
            ["reconciliation.id"],
            name=op.f("fk_open_item_reconciliation_id_reconciliation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reconciliation_id", "record_id", name=op.f("pk_open_item")),
    )
    op.create_index(
        "ix_open_item_reconciliation_id_side_first_seen_at",
        "open_item",
        ["reconciliation_id", "side", "first_seen_at"],
    )
    op.create_table(
        "rejected_pair",
        sa.Column("reconciliation_id", _ID, nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("left_record_id", sa.BigInteger(), nullable=True),
        sa.Column("right_record_id", sa.BigInteger(), nullable=True),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("match_id", sa.BigInteger(), nullable=False),
        sa.Column("rejected_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["reconciliation_id"],
            ["reconciliation.id"],
            name=op.f("fk_rejected_pair_reconciliation_id_reconciliation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reconciliation_id", "signature", name=op.f("pk_rejected_pair")),
    )
    op.create_table(
        "settlement",
        sa.Column("reconciliation_id", _ID, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("match_id", sa.BigInteger(), nullable=False),
        sa.Column("settled_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["reconciliation_id"],
            ["reconciliation.id"],
            name=op.f("fk_settlement_reconciliation_id_reconciliation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reconciliation_id", "record_id", name=op.f("pk_settlement")),
    )
    # Keep AUTOINCREMENT when SQLite recreates the table (ids are never reused).
    with op.batch_alter_table(
        "reconciliation_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column("mode", sa.String(length=16), server_default="full", nullable=False)
        )
        batch_op.add_column(sa.Column("reconciliation_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("left_from_row", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("right_from_row", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reconciliation_job_reconciliation_id_reconciliation"),
            "reconciliation",
            ["reconciliation_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_reconciliation_job_reconciliation_id"), ["reconciliation_id"]
        )
    # On PostgreSQL ``match`` is partitioned by job: the column reaches every partition.
    # Keep AUTOINCREMENT when SQLite recreates the table (ids are never reused).
    with op.batch_alter_table("match", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "job_scope_record",
        sa.Column("job_id", _ID, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=8), server_default="open", nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_job_scope_record_job_id_reconciliation_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "record_id", name=op.f("pk_job_scope_record")),
    )


def downgrade() -> None:
    op.drop_table("job_scope_record")
    with op.batch_alter_table("match") as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("reconciliation_job") as batch_op:
        batch_op.drop_index(batch_op.f("ix_reconciliation_job_reconciliation_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_reconciliation_job_reconciliation_id_reconciliation"),
            type_="foreignkey",
        )
        batch_op.drop_column("right_from_row")
        batch_op.drop_column("left_from_row")
        batch_op.drop_column("reconciliation_id")
        batch_op.drop_column("mode")
    op.drop_table("settlement")
    op.drop_table("rejected_pair")
    op.drop_index("ix_open_item_reconciliation_id_side_first_seen_at", table_name="open_item")
    op.drop_table("open_item")
    op.drop_index(op.f("ix_reconciliation_right_source_id"), table_name="reconciliation")
    op.drop_index(op.f("ix_reconciliation_left_source_id"), table_name="reconciliation")
    op.drop_table("reconciliation")
