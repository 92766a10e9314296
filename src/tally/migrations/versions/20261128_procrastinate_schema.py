"""procrastinate schema (the PostgreSQL task queue)

Revision ID: 0002_tasks
Revises: 0001
Create Date: 2026-11-28 21:00:00

Why a migration and not a separate `procrastinate schema --apply` step: `tally db upgrade` stays the
one command that brings a database up to date, the test rig (`alembic upgrade head`) gets the queue
tables for free, and the job table and the queue that feeds it can never be out of step.

On SQLite this revision does nothing: the embedded task backend keeps no tables of its own.

The SQL is procrastinate's own `schema.sql` from the installed package; the version that wrote it is
recorded as a comment on `procrastinate_jobs`. When a procrastinate upgrade ships schema migrations
(`procrastinate schema --migrations-path`), add an Alembic revision that runs the files newer than
that recorded version, pre-migrations before the code deploy and post-migrations after, as
https://procrastinate.readthedocs.io/en/stable/howto/production/migrations.html describes.
"""

from collections.abc import Sequence
from importlib.metadata import version

from alembic import op

revision: str = "0002_tasks"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    already = bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").scalar()
    if already:  # applied by hand with `procrastinate schema --apply` before Tally managed it
        return
    from procrastinate.schema import SchemaManager

    # psycopg reads %-placeholders even without parameters; procrastinate escapes them the same way.
    bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))
    applied = f"procrastinate schema {version('procrastinate')}"
    bind.exec_driver_sql(f"COMMENT ON TABLE procrastinate_jobs IS '{applied}'")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql(
        """
        DROP TABLE IF EXISTS procrastinate_periodic_defers, procrastinate_events,
            procrastinate_jobs, procrastinate_workers CASCADE;
        DO $$
        DECLARE routine regprocedure;
        BEGIN
            FOR routine IN
                SELECT p.oid::regprocedure FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.proname LIKE 'procrastinate\\_%%' AND n.nspname = current_schema()
            LOOP
                EXECUTE 'DROP ROUTINE IF EXISTS ' || routine || ' CASCADE';
            END LOOP;
        END $$;
        DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type,
            procrastinate_job_to_defer_v1 CASCADE;
        """
    )
