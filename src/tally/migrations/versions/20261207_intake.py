"""statement intake: inboxes polled for new files, and the files each one took

Revision ID: 0017_intake
Revises: 0011_rule_suggestions
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_intake"
down_revision: str | None = "0018_continuous"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("pattern", sa.String(length=200), nullable=False),
        sa.Column("data_source_id", _ID, nullable=False),
        sa.Column("counterpart_source_id", _ID, nullable=True),
        sa.Column("profile_id", sa.String(length=64), nullable=True),
        sa.Column("poll_seconds", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("claimed_until", _TS, nullable=True),
        sa.Column("last_polled_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_inbox_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["data_source_id"],
            ["data_source.id"],
            name=op.f("fk_inbox_data_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counterpart_source_id"],
            ["data_source.id"],
            name=op.f("fk_inbox_counterpart_source_id_data_source"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sqlite_autoincrement=True,
    )
    # Keep AUTOINCREMENT when SQLite recreates the table (ids are never reused).
    with op.batch_alter_table("inbox", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_project_id"), ["project_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inbox_data_source_id"), ["data_source_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbox_counterpart_source_id"), ["counterpart_source_id"], unique=False
        )
    op.create_table(
        "inbox_file",
        sa.Column("id", _ID, nullable=False),
        sa.Column("inbox_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("append_id", _ID, nullable=True),
        sa.Column("job_id", _ID, nullable=True),
        sa.Column("taken_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["inbox_id"],
            ["inbox.id"],
            name=op.f("fk_inbox_file_inbox_id_inbox"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["append_id"],
            ["data_source_append.id"],
            name=op.f("fk_inbox_file_append_id_data_source_append"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_inbox_file_job_id_reconciliation_job"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_file")),
        sa.UniqueConstraint(
            "inbox_id",
            "name",
            "size_bytes",
            "content_sha256",
            name=op.f("uq_inbox_file_inbox_id_name_size_bytes_content_sha256"),
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("inbox_file")
    with op.batch_alter_table("inbox") as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_counterpart_source_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_data_source_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_project_id"))
    op.drop_table("inbox")
