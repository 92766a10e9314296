"""versioned rule sets: rule_set_version, rule_set_backtest, rule_suggestion, the job's version

Revision ID: 0008_rule_sets
Revises: 0007_import_profiles
Create Date: 2026-11-28

A project's rule set becomes a list of numbered versions, one of them active (what new jobs use).
The project's former default rules become its version 1, active, and the column is dropped so the
rules have one home. Every job records the version it ran with (by number within its project).
Rule suggestions learned from review decisions wait in rule_suggestion until accepted or dismissed.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008_rule_sets"
down_revision: str | None = "0007_import_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_MIGRATED_NOTE = "The project's default rules before rule-set versions existed."


def upgrade() -> None:
    op.create_table(
        "rule_set_version",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_rule_set_version_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_rule_set_version_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_set_version")),
        sa.UniqueConstraint(
            "project_id", "number", name=op.f("uq_rule_set_version_project_id_number")
        ),
    )
    with op.batch_alter_table("rule_set_version") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rule_set_version_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "uq_rule_set_version_project_id_active",
            ["project_id"],
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "rule_set_backtest",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("version_id", _ID, nullable=False),
        sa.Column("job_id", _ID, nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_rule_set_backtest_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_rule_set_backtest_job_id_reconciliation_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_rule_set_backtest_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["rule_set_version.id"],
            name=op.f("fk_rule_set_backtest_version_id_rule_set_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_set_backtest")),
    )
    with op.batch_alter_table("rule_set_backtest") as batch_op:
        for column in ("created_by_id", "job_id", "project_id"):
            batch_op.create_index(
                batch_op.f(f"ix_rule_set_backtest_{column}"), [column], unique=False
            )
        batch_op.create_index(
            "ix_rule_set_backtest_version_id_id", ["version_id", "id"], unique=False
        )

    op.create_table(
        "rule_suggestion",
        sa.Column("id", _ID, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("job_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("derived_fields", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("pairs", "support", "found", "predicted", "confirmed", "rejected")
        ),
        sa.Column("conflicting", sa.Integer(), nullable=False),
        sa.Column("precision", sa.Float(), nullable=True),
        sa.Column("draft_version", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_rule_suggestion_decided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["reconciliation_job.id"],
            name=op.f("fk_rule_suggestion_job_id_reconciliation_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_rule_suggestion_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_suggestion")),
    )
    with op.batch_alter_table("rule_suggestion") as batch_op:
        for column in ("decided_by_id", "job_id"):
            batch_op.create_index(
                batch_op.f(f"ix_rule_suggestion_{column}"), [column], unique=False
            )
        batch_op.create_index(
            "ix_rule_suggestion_project_id_status_id",
            ["project_id", "status", "id"],
            unique=False,
        )

    with op.batch_alter_table("reconciliation_job") as batch_op:
        batch_op.add_column(sa.Column("rule_set_version", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reconciliation_job_project_id_rule_set_version"),
            "rule_set_version",
            ["project_id", "rule_set_version"],
            ["project_id", "number"],
        )

    _default_rules_to_versions()
    with op.batch_alter_table("project") as batch_op:
        batch_op.drop_column("default_rules")


def _default_rules_to_versions() -> None:
    """Each project's default rules become its version 1, active, authored by its owner."""
    connection = op.get_bind()
    project = sa.table(
        "project",
        sa.column("id", _ID),
        sa.column("owner_id", _ID),
        sa.column("default_rules", sa.JSON()),
    )
    version = sa.table(
        "rule_set_version",
        sa.column("project_id", _ID),
        sa.column("number", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("rules", sa.JSON()),
        sa.column("note", sa.Text()),
        sa.column("author_id", _ID),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("activated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    rows = connection.execute(
        sa.select(project.c.id, project.c.owner_id, project.c.default_rules).where(
            project.c.default_rules.is_not(None)
        )
    ).all()
    if rows:
        connection.execute(
            version.insert(),
            [
                {
                    "project_id": row.id,
                    "number": 1,
                    "status": "active",
                    "rules": row.default_rules,
                    "note": _MIGRATED_NOTE,
                    "author_id": row.owner_id,
                    "created_at": now,
                    "updated_at": now,
                    "activated_at": now,
                }
                for row in rows
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("project") as batch_op:
        batch_op.add_column(sa.Column("default_rules", sa.JSON(), nullable=True))
    # The active version goes back to being the project's default rules.
    op.execute(
        "UPDATE project SET default_rules = (SELECT v.rules FROM rule_set_version v "
        "WHERE v.project_id = project.id AND v.status = 'active')"
    )
    with op.batch_alter_table("reconciliation_job") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_reconciliation_job_project_id_rule_set_version"), type_="foreignkey"
        )
        batch_op.drop_column("rule_set_version")
    op.drop_table("rule_suggestion")
    op.drop_table("rule_set_backtest")
    op.drop_table("rule_set_version")
