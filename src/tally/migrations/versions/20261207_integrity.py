"""ids are never reused; archived jobs; sources deleted under archived jobs; idempotency keys

Revision ID: 0015_integrity
Revises: 0011_rule_suggestions
Create Date: 2026-12-07

SQLite hands out the highest rowid again once its row is deleted, unless the key is declared
AUTOINCREMENT, which only a rebuilt table can be: every table keyed by ``id`` is copied into a
new one (foreign-key enforcement is off during migrations, so the copy cascades nothing), and the
highest id it held is where its sequence starts. PostgreSQL sequences never go back: nothing to do
there. ``reconciliation_job.archived_at``, ``data_source.deleted_at`` and the
``idempotency_key`` table (tally.idempotency) and the API-key columns of ``api_token``
(tally.apikeys) are new.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_integrity"
down_revision: str | None = "0011_rule_suggestions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Every table whose primary key is its own ``id`` (tally.models.base.Base.__init_subclass__).
_ID_TABLES = (
    "user",
    "api_token",
    "project",
    "web_session",
    "data_source",
    "data_source_append",
    "import_profile",
    "rule_set_version",
    "rule_suggestion",
    "rule_set_backtest",
    "reconciliation_job",
    "audit_event",
    "record",
    "match",
    "match_record",
)
# Partial indexes, which a batch copy does not carry over: dropped before and made again after.
_PARTIAL_INDEXES = {
    "match_record": (
        "uq_match_record_job_id_record_id_claims",
        ["job_id", "record_id"],
        sa.text("claims"),
    ),
}


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_idempotency_key_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_key_user_id_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_idempotency_key_created_at"), "idempotency_key", ["created_at"], unique=False
    )
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), server_default="login", nullable=False)
        )
        batch_op.add_column(sa.Column("project_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("prefix", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_api_token_project_id_project"),
            "project",
            ["project_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_api_token_project_id"), ["project_id"], unique=False)
    with op.batch_alter_table("reconciliation_job") as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("data_source") as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_tables(autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_tables(autoincrement=False)
    with op.batch_alter_table("data_source") as batch_op:
        batch_op.drop_column("deleted_at")
    with op.batch_alter_table("reconciliation_job") as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_project_id"))
        batch_op.drop_constraint(batch_op.f("fk_api_token_project_id_project"), type_="foreignkey")
        for column in ("last_used_at", "prefix", "role", "project_id", "kind"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_idempotency_key_created_at"), table_name="idempotency_key")
    op.drop_table("idempotency_key")


def _rebuild_sqlite_tables(*, autoincrement: bool) -> None:
    for table in _ID_TABLES:
        partial = _PARTIAL_INDEXES.get(table)
        if partial is not None:
            op.drop_index(partial[0], table_name=table)
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
        if partial is not None:
            name, columns, where = partial
            op.create_index(name, table, columns, unique=True, sqlite_where=where)
