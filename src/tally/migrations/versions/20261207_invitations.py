"""project invitations: adding a member by email invites the address, known or not; and the
open items of a reconciliation listed oldest first from an index

Revision ID: 0027_invitations
Revises: 0021_inference_runs
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_invitations"
down_revision: str | None = "0021_inference_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "project_invitation",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", _ID, nullable=True),
        sa.Column("accepted_by_id", _ID, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("accepted_at", _TS, nullable=True),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_invitation_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user.id"],
            name=op.f("fk_project_invitation_invited_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["user.id"],
            name=op.f("fk_project_invitation_accepted_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_project_invitation_token_hash")),
        sqlite_autoincrement=True,
    )
    # Keep AUTOINCREMENT when SQLite recreates the table (ids are never reused).
    with op.batch_alter_table(
        "project_invitation", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.create_index(
            "ix_project_invitation_project_id_id", ["project_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_invitation_invited_by_id"), ["invited_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_invitation_accepted_by_id"), ["accepted_by_id"], unique=False
        )
    with op.batch_alter_table("open_item") as batch_op:
        batch_op.create_index(
            "ix_open_item_reconciliation_id_first_seen_at_record_id",
            ["reconciliation_id", "first_seen_at", "record_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("open_item") as batch_op:
        batch_op.drop_index("ix_open_item_reconciliation_id_first_seen_at_record_id")
    op.drop_table("project_invitation")
