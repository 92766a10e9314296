"""jobs and matches numbered per project: project_counter, reconciliation_job.number, match.number

Revision ID: 0028_numbering
Revises: 0025_webhooks
Create Date: 2026-12-07

Existing jobs are numbered in id order within their project, existing matches in (job, id) order
within theirs, and each project's counter starts past the numbers it gave.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_numbering"
down_revision: str | None = "0025_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "project_counter",
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("last_job_number", sa.BigInteger(), nullable=False),
        sa.Column("last_match_number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_counter_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_counter")),
    )
    op.add_column("reconciliation_job", sa.Column("number", sa.BigInteger(), nullable=True))
    op.add_column("match", sa.Column("number", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE reconciliation_job SET number = (SELECT count(*) FROM reconciliation_job AS j "
        "WHERE j.project_id = reconciliation_job.project_id AND j.id <= reconciliation_job.id)"
    )
    op.execute(
        "UPDATE match SET number = numbered.n FROM (SELECT m.id AS id, row_number() OVER "
        "(PARTITION BY j.project_id ORDER BY m.job_id, m.id) AS n FROM match AS m "
        "JOIN reconciliation_job AS j ON j.id = m.job_id) AS numbered WHERE match.id = numbered.id"
    )
    op.execute(
        "INSERT INTO project_counter (project_id, last_job_number, last_match_number) "
        "SELECT p.id, "
        "(SELECT coalesce(max(j.number), 0) FROM reconciliation_job AS j WHERE j.project_id = p.id), "
        "(SELECT coalesce(max(m.number), 0) FROM match AS m JOIN reconciliation_job AS j "
        "ON j.id = m.job_id WHERE j.project_id = p.id) FROM project AS p"
    )
    with op.batch_alter_table(
        "reconciliation_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column("number", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index(
            "ix_reconciliation_job_project_id_number", ["project_id", "number"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table(
        "reconciliation_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_index("ix_reconciliation_job_project_id_number")
        batch_op.drop_column("number")
    with op.batch_alter_table("match", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("number")
    op.drop_table("project_counter")
