"""rule inference runs: rules inferred in the background from large sources

Revision ID: 0021_inference_runs
Revises: 0022_paging
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_inference_runs"
down_revision: str | None = "0022_paging"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_TABLE = "rule_inference_run"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("left_source_id", _ID, nullable=False),
        sa.Column("right_source_id", _ID, nullable=False),
        sa.Column("job_id", _ID, nullable=True),
        sa.Column("activate", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("phase", sa.String(length=32), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", _ID, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_rule_inference_run_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["left_source_id"],
            ["data_source.id"],
            name=op.f("fk_rule_inference_run_left_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["right_source_id"],
            ["data_source.id"],
            name=op.f("fk_rule_inference_run_right_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_rule_inference_run_job_id_reconciliation_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_rule_inference_run_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_inference_run")),
        sqlite_autoincrement=True,
    )
    # Keep AUTOINCREMENT when SQLite recreates the table (ids are never reused).
    with op.batch_alter_table(_TABLE, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        for column in ("project_id", "left_source_id", "right_source_id", "created_by_id"):
            batch_op.create_index(batch_op.f(f"ix_{_TABLE}_{column}"), [column], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{_TABLE}_job_id"), ["job_id"], unique=True)


def downgrade() -> None:
    op.drop_table(_TABLE)
