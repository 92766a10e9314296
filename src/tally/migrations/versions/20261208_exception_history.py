"""audit_event (project_id, target, id): an exception's history without walking every event of
its project

Revision ID: 0035_incr2
Revises: 0034_fanout
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035_incr2"
down_revision: str | None = "0034_fanout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_event_project_id_target_id",
        "audit_event",
        ["project_id", "target", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_event_project_id_target_id", table_name="audit_event")
