"""ORM models, one module per table; importing the package registers every table on the metadata."""

from tally.models.api_token import ApiToken
from tally.models.audit_event import AuditEvent
from tally.models.base import Base
from tally.models.data_source import DataSource, DataSourceStatus
from tally.models.ingest_progress import IngestProgress
from tally.models.match import (
    CLAIMING_STATUSES,
    Match,
    MatchCategory,
    MatchOrigin,
    MatchRecord,
    MatchStatus,
    MatchTab,
    match_origin,
    match_tab,
)
from tally.models.project import Project
from tally.models.project_member import ProjectMember, ProjectRole
from tally.models.project_stats import ProjectStats
from tally.models.reconciliation_job import FINISHED_JOB_STATUSES, JobStatus, ReconciliationJob
from tally.models.record import Record
from tally.models.record_duplicate import RecordDuplicate
from tally.models.user import User, UserRole
from tally.models.web_session import WebSession

__all__ = [
    "CLAIMING_STATUSES",
    "FINISHED_JOB_STATUSES",
    "ApiToken",
    "AuditEvent",
    "Base",
    "DataSource",
    "DataSourceStatus",
    "IngestProgress",
    "JobStatus",
    "Match",
    "MatchCategory",
    "MatchOrigin",
    "MatchRecord",
    "MatchStatus",
    "MatchTab",
    "Project",
    "ProjectMember",
    "ProjectRole",
    "ProjectStats",
    "ReconciliationJob",
    "Record",
    "RecordDuplicate",
    "User",
    "UserRole",
    "WebSession",
    "match_origin",
    "match_tab",
]
