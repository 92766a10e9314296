"""exceptions: open items worked by people (status, assignee, comments, reason codes, write-offs)

Revision ID: 0024_exceptions
Revises: 0027_invitations
Create Date: 2026-12-07

An exception row per (reconciliation, record) that a job left open, kept when the record is
settled; comments and write-offs are rows of their own (a write-off is a line of the
reconciliation statement); reason codes are configured per project.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_exceptions"
down_revision: str | None = "0027_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "exception_item",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("reconciliation_id", _ID, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.Column("first_seen_at", _TS, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("assignee_id", _ID, nullable=True),
        sa.Column("expected_clear_date", sa.Date(), nullable=True),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        _fk("exception_item", "project_id", "project", "CASCADE"),
        _fk("exception_item", "reconciliation_id", "reconciliation", "CASCADE"),
        _fk("exception_item", "assignee_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_item")),
        sa.UniqueConstraint(
            "reconciliation_id",
            "record_id",
            name=op.f("uq_exception_item_reconciliation_id_record_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_exception_item_project_id_status_first_seen_at",
        "exception_item",
        ["project_id", "status", "first_seen_at"],
    )
    op.create_index(op.f("ix_exception_item_assignee_id"), "exception_item", ["assignee_id"])
    op.create_table(
        "exception_comment",
        sa.Column("id", _ID, nullable=False),
        sa.Column("exception_id", _ID, nullable=False),
        sa.Column("author_id", _ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _fk("exception_comment", "exception_id", "exception_item", "CASCADE"),
        _fk("exception_comment", "author_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_comment")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_exception_comment_exception_id_id", "exception_comment", ["exception_id", "id"]
    )
    op.create_index(op.f("ix_exception_comment_author_id"), "exception_comment", ["author_id"])
    op.create_table(
        "exception_reason",
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("exception_reason", "project_id", "project", "CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "code", name=op.f("pk_exception_reason")),
    )
    op.create_table(
        "write_off",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("reconciliation_id", _ID, nullable=False),
        sa.Column("exception_id", _ID, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", _ID, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("voided_at", _TS, nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        _fk("write_off", "project_id", "project", "CASCADE"),
        _fk("write_off", "reconciliation_id", "reconciliation", "CASCADE"),
        _fk("write_off", "exception_id", "exception_item", "CASCADE"),
        _fk("write_off", "created_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_off")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_write_off_reconciliation_id_voided_at", "write_off", ["reconciliation_id", "voided_at"]
    )
    op.create_index(op.f("ix_write_off_exception_id"), "write_off", ["exception_id"])
    op.create_index(op.f("ix_write_off_created_by_id"), "write_off", ["created_by_id"])
    # The open items of reconciliations that existed before: open exceptions from now on.
    op.execute(
        """
        INSERT INTO exception_item (project_id, reconciliation_id, record_id, side, amount,
            currency, booking_date, first_seen_at, status, version, created_at, updated_at)
        SELECT r.project_id, o.reconciliation_id, o.record_id, o.side, rec.amount,
            rec.currency, rec.booking_date, o.first_seen_at, 'open', 0,
            CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM open_item o
        JOIN reconciliation r ON r.id = o.reconciliation_id
        JOIN record rec ON rec.id = o.record_id
        """
    )


def downgrade() -> None:
    op.drop_table("write_off")
    op.drop_table("exception_reason")
    op.drop_table("exception_comment")
    op.drop_table("exception_item")
