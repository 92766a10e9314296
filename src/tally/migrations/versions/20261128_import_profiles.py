"""import profiles and duplicate-safe appends (issue 8)

Revision ID: 0007_import_profiles
Revises: 0006_match_write
Create Date: 2026-11-28

``import_profile``: a project's saved mapping and parse options by name. ``data_source_append``: one
file appended to an existing source, with how many of its rows were new and how many the source
already held.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_import_profiles"
down_revision: str | None = "0006_match_write"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "import_profile",
        sa.Column("id", _Id, nullable=False),
        sa.Column("project_id", _Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("created_by_id", _Id, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_import_profile_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_import_profile_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_profile")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_import_profile_project_id_name")),
    )
    op.create_index(op.f("ix_import_profile_created_by_id"), "import_profile", ["created_by_id"])
    op.create_table(
        "data_source_append",
        sa.Column("id", _Id, nullable=False),
        sa.Column("data_source_id", _Id, nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("parse_options", sa.JSON(), nullable=True),
        sa.Column("include_duplicates", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("rows_added", sa.BigInteger(), nullable=False),
        sa.Column("rows_already_imported", sa.BigInteger(), nullable=False),
        sa.Column("skipped_count", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("created_by_id", _Id, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["data_source_id"],
            ["data_source.id"],
            name=op.f("fk_data_source_append_data_source_id_data_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_data_source_append_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_source_append")),
    )
    op.create_index(
        "ix_data_source_append_data_source_id_id", "data_source_append", ["data_source_id", "id"]
    )
    op.create_index(
        op.f("ix_data_source_append_created_by_id"), "data_source_append", ["created_by_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_data_source_append_created_by_id"), table_name="data_source_append")
    op.drop_index("ix_data_source_append_data_source_id_id", table_name="data_source_append")
    op.drop_table("data_source_append")
    op.drop_index(op.f("ix_import_profile_created_by_id"), table_name="import_profile")
    op.drop_table("import_profile")
