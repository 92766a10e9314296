"""rule suggestions learn from all of a project's stored jobs: per-job figures replace job_id

Revision ID: 0011_rule_suggestions
Revises: 0010_result_write
Create Date: 2026-11-28

A suggestion is learned from the pooled review decisions of several jobs and measured on each of
them, so it no longer belongs to one job: ``job_id`` (and its cascade) goes, and ``jobs`` holds
the figures per job ([{"job_id", "pairs", "found", "predicted", "confirmed", "rejected",
"conflicting", "precision"}]). Existing suggestions keep their one job's figures there.
Downgrading gives each suggestion back the first job of its list; one whose job is gone, or that
has none, is deleted (it can be asked for again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_rule_suggestions"
down_revision: str | None = "0010_result_write"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_FIGURES = ("pairs", "found", "predicted", "confirmed", "rejected", "conflicting", "precision")
_suggestion = sa.table(
    "rule_suggestion",
    sa.column("id", _ID),
    sa.column("job_id", _ID),
    sa.column("jobs", sa.JSON()),
    *(sa.column(name) for name in _FIGURES),
)


def upgrade() -> None:
    with op.batch_alter_table("rule_suggestion") as batch_op:
        batch_op.add_column(sa.Column("jobs", sa.JSON(), nullable=True))
    connection = op.get_bind()
    columns = [_suggestion.c[name] for name in ("id", "job_id", *_FIGURES)]
    rows = connection.execute(sa.select(*columns))
    for row in rows.mappings().all():
        figures = {"job_id": row["job_id"], **{name: row[name] for name in _FIGURES}}
        connection.execute(
            sa.update(_suggestion).where(_suggestion.c.id == row["id"]).values(jobs=[figures])
        )
    with op.batch_alter_table("rule_suggestion") as batch_op:
        batch_op.alter_column("jobs", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_index(batch_op.f("ix_rule_suggestion_job_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_rule_suggestion_job_id_reconciliation_job"), type_="foreignkey"
        )
        batch_op.drop_column("job_id")


def downgrade() -> None:
    with op.batch_alter_table("rule_suggestion") as batch_op:
        batch_op.add_column(sa.Column("job_id", _ID, nullable=True))
    connection = op.get_bind()
    existing = set(connection.scalars(sa.text("SELECT id FROM reconciliation_job")))
    rows = connection.execute(sa.select(_suggestion.c.id, _suggestion.c.jobs)).all()
    for suggestion_id, jobs in rows:
        job_id = jobs[0]["job_id"] if jobs else None
        statement = sa.update(_suggestion).where(_suggestion.c.id == suggestion_id)
        if job_id in existing:
            connection.execute(statement.values(job_id=job_id))
        else:
            connection.execute(sa.delete(_suggestion).where(_suggestion.c.id == suggestion_id))
    with op.batch_alter_table("rule_suggestion") as batch_op:
        batch_op.alter_column("job_id", existing_type=_ID, nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_rule_suggestion_job_id_reconciliation_job"),
            "reconciliation_job",
            ["job_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_rule_suggestion_job_id"), ["job_id"], unique=False)
        batch_op.drop_column("jobs")
