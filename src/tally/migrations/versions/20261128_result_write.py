"""match and match_record partitioned by job (PostgreSQL): a job's results load into fresh tables

Revision ID: 0010_result_write
Revises: 0009_result_search
Create Date: 2026-11-28

A job writes its matches and links with COPY into two new tables without indexes, builds their
indexes by sorting, and attaches them as the job's partitions in the transaction that completes
the job (tally.results.writes). Loading 1M matches + 2M links into the shared, indexed tables
maintained five B-trees row by row and cost ~49 s; see bench/jobs/REPORT.md for the new figure.
Deleting a job's results drops its two partitions.

Partitions live in the ``job_results`` schema, out of the application's namespace. There is no
DEFAULT partition: attaching next to one locks and scans it, behind any read that holds it; a job
without results (not completed, or expired) cannot be reviewed, so nothing is written for it.
The primary keys become (job_id, id): a partitioned table's unique keys contain its partition key.
Existing results move into one partition per job, and every completed job gets its partitions
(a manual match may be added to one that found nothing). SQLite keeps plain tables: nothing to
do there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_result_write"
down_revision: str | None = "0009_result_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "job_results"
_INDEXES = {
    "match": (
        "CREATE INDEX ix_match_job_id_tab_id ON match (job_id, tab, id)",
        "CREATE INDEX ix_match_job_id_tab_amount_id ON match (job_id, tab, amount, id)",
        "CREATE INDEX ix_match_job_id_tab_booking_date_id ON match (job_id, tab, booking_date, id)",
    ),
    "match_record": (
        "CREATE UNIQUE INDEX uq_match_record_job_id_record_id_claims "
        "ON match_record (job_id, record_id) WHERE claims",
        "CREATE INDEX ix_match_record_job_id_record_id ON match_record (job_id, record_id)",
        "CREATE INDEX ix_match_record_match_id ON match_record (match_id)",
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    for table, indexes in _INDEXES.items():
        legacy = f"{SCHEMA}.{table}_legacy"
        # The id sequence stays in public and passes to the new table.
        op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY NONE")
        op.execute(f"ALTER TABLE {table} SET SCHEMA {SCHEMA}")
        op.execute(f"ALTER TABLE {SCHEMA}.{table} RENAME TO {table}_legacy")
        op.execute(
            f"CREATE TABLE {table} (LIKE {legacy} INCLUDING DEFAULTS, "
            f"CONSTRAINT pk_{table} PRIMARY KEY (job_id, id)) PARTITION BY LIST (job_id)"
        )
        for statement in indexes:
            op.execute(statement)
        op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
    op.execute(
        f"""
        DO $$
        DECLARE job bigint;
        BEGIN
            FOR job IN SELECT job_id FROM {SCHEMA}.match_legacy
                       UNION SELECT job_id FROM {SCHEMA}.match_record_legacy
                       UNION SELECT id FROM reconciliation_job
                             WHERE status = 'completed' AND NOT results_expired LOOP
                EXECUTE format('CREATE TABLE {SCHEMA}.match_%s PARTITION OF match '
                               'FOR VALUES IN (%s)', job, job);
                EXECUTE format('CREATE TABLE {SCHEMA}.match_record_%s PARTITION OF match_record '
                               'FOR VALUES IN (%s)', job, job);
            END LOOP;
        END $$
        """  # noqa: S608
    )
    for table in _INDEXES:
        op.execute(f"INSERT INTO {table} SELECT * FROM {SCHEMA}.{table}_legacy")  # noqa: S608
        op.execute(f"DROP TABLE {SCHEMA}.{table}_legacy")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, indexes in _INDEXES.items():
        plain = f"{table}_plain"
        op.execute(f"CREATE TABLE {plain} (LIKE {table} INCLUDING DEFAULTS)")
        op.execute(f"INSERT INTO {plain} SELECT * FROM {table}")  # noqa: S608
        op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY NONE")
        op.execute(f"DROP TABLE {table} CASCADE")  # with every partition
        op.execute(f"ALTER TABLE {plain} RENAME TO {table}")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY (id)")
        op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
        for statement in indexes:
            op.execute(statement)
    op.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
