"""period sign-off: a reconciliation's statement signed up to a date, and its reopening

Revision ID: 0024b_signoff
Revises: 0024_exceptions
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024b_signoff"
down_revision: str | None = "0024_exceptions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "period_signoff",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("reconciliation_id", _ID, nullable=False),
        sa.Column("as_of_date", sa.Date(), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("signed_by_id", _ID, nullable=True),
        sa.Column("signed_at", _TS, nullable=False),
        sa.Column("reopened_at", _TS, nullable=True),
        sa.Column("reopened_by_id", _ID, nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_period_signoff_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reconciliation_id"],
            ["reconciliation.id"],
            name=op.f("fk_period_signoff_reconciliation_id_reconciliation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["user.id"],
            name=op.f("fk_period_signoff_signed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by_id"],
            ["user.id"],
            name=op.f("fk_period_signoff_reopened_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_signoff")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_period_signoff_reconciliation_id_reopened_at",
        "period_signoff",
        ["reconciliation_id", "reopened_at"],
    )
    op.create_index(op.f("ix_period_signoff_signed_by_id"), "period_signoff", ["signed_by_id"])
    op.create_index(op.f("ix_period_signoff_reopened_by_id"), "period_signoff", ["reopened_by_id"])


def downgrade() -> None:
    op.drop_table("period_signoff")
